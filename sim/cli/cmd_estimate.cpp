// `accelnas estimate`: a network's latency from the trained estimator, unit by unit, without
// simulating it (docs/ESTIMATOR.md).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calibration/estimator/estimator.h"
#include "calibration/estimator/hw_text.h"
#include "calibration/estimator/unit.h"
#include "hw_models/hw_spec.h"
#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "sim/json_text.h"
#include "sim/report.h"
#include "workloads/config/error.h"

namespace accelnas::cli {
namespace {

using json = nlohmann::json;

struct UnitLine {
  std::string type, block;
  std::vector<std::string> layers;
  double cycles = 0;
};

void write_estimate(std::ostream& os, sim::Format format, const std::string& model,
                    const cal::Estimator& est, const std::vector<UnitLine>& units,
                    const cal::NetworkPrediction& p, std::int64_t batch) {
  if (format == sim::Format::Json) {
    json list = json::array();
    for (const auto& u : units) {
      list.push_back(
          {{"type", u.type}, {"block", u.block}, {"layers", u.layers}, {"cycles", u.cycles}});
    }
    const json j{{"model", model},
                 {"batch", batch},
                 {"hw", {{"name", est.hw().name}, {"hash", cal::hardware_record(est.hw()).hash}}},
                 {"estimator_hw_hash", est.hw_hash()},
                 {"units", list},
                 {"total",
                  {{"cycles", p.cycles},
                   {"latency_ms", p.latency_ms},
                   {"params", p.params},
                   {"peak_activation_bytes", p.peak_activation_bytes}}}};
    os << sim::json_text(j, 2) << "\n";
    return;
  }
  sim::Table t;
  t.columns = {"unit", "type", "layers", "predicted_cycles"};
  t.numeric = {true, false, false, true};
  for (std::size_t u = 0; u < units.size(); ++u) {
    std::string layers;
    for (const auto& l : units[u].layers) layers += (layers.empty() ? "" : " ") + l;
    t.rows.push_back({std::to_string(u), units[u].type, layers, sim::fixed(units[u].cycles, 0)});
  }
  if (format == sim::Format::Csv) {
    t.rows.push_back({"", "total", "", sim::fixed(p.cycles, 0)});
    sim::write_table(os, format, t);
    return;
  }
  os << "model " << model << " (batch " << batch << ") on " << est.hw().name << ", estimated\n\n";
  sim::write_table(os, format, t);
  os << "\ntotal: " << sim::fixed(p.cycles, 0) << " cycles = " << sim::fixed(p.latency_ms, 3)
     << " ms, " << p.params << " params, peak activations " << p.peak_activation_bytes
     << " bytes\n";
}

}  // namespace

void add_estimate(CLI::App& app) {
  struct Opts {
    std::string estimator, hw;
    bool force = false;
    RunOptions run;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "estimate",
      "Predict a network's latency with a trained estimator (see `accelnas fit`): predicted "
      "cycles per unit (IBN, fused IBN, SE, conv, vector op) and the total, in milliseconds");
  cmd->add_option("--estimator", o->estimator, "Estimator file written by `accelnas fit`")
      ->required();
  add_model_options(*cmd, o->run.source);
  cmd->add_option("--hw", o->hw,
                  "Hardware preset name or YAML file (default: the estimator's own); must be the "
                  "hardware the estimator was trained for unless --force");
  cmd->add_flag("--force", o->force,
                "Use the estimator for --hw even though it was trained for other hardware");
  cmd->add_option("--precision", o->run.precision,
                  "Run every layer at this precision: int8, int16, fp16 or bf16 (default: each "
                  "layer's own)");
  add_integer_option(*cmd, "--batch", o->run.batch, "Batch size", 1, wl::kMaxBatch)
      ->capture_default_str();
  cmd->add_option("--format", o->run.format, "Output format: table, csv or json")
      ->capture_default_str();
  cmd->add_option("-o,--output", o->run.output, "Write the report to this file instead of stdout");
  cmd->callback([o]() {
    if (o->force && o->hw.empty()) throw UserError("--force needs --hw");
    const sim::PlanOptions opt = plan_options(o->run);
    const sim::Format format = sim::parse_format(o->run.format);
    std::optional<hw::HwSpec> hw;
    if (!o->hw.empty()) hw = hw::load_hw(o->hw);
    const cal::Estimator est = cal::Estimator::load(o->estimator, hw ? &*hw : nullptr, o->force);
    const wl::Network net = load_model(o->run.source);
    Output out(o->run.output);
    const cal::NetworkPrediction p = est.predict(net, opt);
    const std::vector<cal::Unit> units = cal::decompose(net, est.hw(), opt);
    ACCELNAS_CHECK(units.size() == p.units.size(), "estimate: units and predictions differ");
    std::vector<UnitLine> lines;
    for (std::size_t u = 0; u < units.size(); ++u) {
      UnitLine line{cal::unit_type_name(p.units[u].type), units[u].block, {}, p.units[u].cycles};
      for (std::size_t t = 0; t < units[u].layers.size(); ++t) {
        // A fused job (F1, F2) is shown by its job's name, "<conv>+<op>".
        std::string name = net.layer(units[u].layers[t]).name;
        if (units[u].fused_layers[t] != sim::kNoLayer)
          name += "+" + net.layer(units[u].fused_layers[t]).name;
        line.layers.push_back(std::move(name));
      }
      lines.push_back(std::move(line));
    }
    write_estimate(out.stream(), format, net.name, est, lines, p, opt.batch);
    out.commit();
    // After the result, so that a failing run still prints its one error line only.
    if (est.forced()) std::cerr << "estimate: warning: " << est.forced_warning() << "\n";
  });
}

}  // namespace accelnas::cli
