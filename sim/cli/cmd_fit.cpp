// `accelnas fit`: trains the latency estimator on a label database (docs/ESTIMATOR.md).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "calibration/estimator/coverage.h"
#include "calibration/estimator/estimator.h"
#include "calibration/labels/label_db.h"
#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "sim/json_text.h"
#include "workloads/config/error.h"

namespace accelnas::cli {
namespace {

using json = nlohmann::json;

constexpr int kMaxRounds = 100'000;  // boosting rounds: far past any gain, still a bounded fit

std::string hw_name(const cal::HardwareRecord& h) {
  try {
    return json::parse(h.description).at("name").get<std::string>();
  } catch (const std::exception&) {
    return "?";
  }
}

std::string hw_list(const std::vector<cal::HardwareRecord>& hw) {
  std::string out;
  for (const auto& h : hw)
    out += (out.empty() ? "" : ", ") + h.hash.substr(0, 12) + " " + hw_name(h);
  return out;
}

// The database's one hardware description, or the one `prefix` picks out.
cal::HardwareRecord pick_hardware(const cal::LabelDb& db, const std::string& prefix) {
  const auto hw = db.hardware();
  if (hw.empty()) throw UserError(db.path() + ": no labels (the database is empty)");
  if (prefix.empty()) {
    if (hw.size() == 1) return hw.front();
    throw UserError(db.path() + ": holds labels of " + std::to_string(hw.size()) +
                    " hardware descriptions; pick one with --hw-hash: " + hw_list(hw));
  }
  std::vector<cal::HardwareRecord> match;
  for (const auto& h : hw)
    if (h.hash.compare(0, prefix.size(), prefix) == 0) match.push_back(h);
  if (match.size() == 1) return match.front();
  throw UserError("--hw-hash " + prefix + ": " +
                  (match.empty() ? "no such hardware in " : "ambiguous in ") + db.path() + " (" +
                  hw_list(match.empty() ? hw : match) + ")");
}

cal::Target parse_target(const std::string& s) {
  if (const auto t = cal::target_from_name(s)) return *t;
  throw UserError("--target: expected log-roofline-ratio, log-cycles or log-timeline-ratio, got '" +
                  s + "'");
}

cal::ModelLayout parse_layout(const std::string& s) {
  if (s == "auto") return cal::ModelLayout::Auto;
  if (s == "per-type") return cal::ModelLayout::PerType;
  if (s == "global") return cal::ModelLayout::Global;
  throw UserError("--layout: expected auto, per-type or global, got '" + s + "'");
}

}  // namespace

void add_fit(CLI::App& app) {
  struct Opts {
    std::string db, output, hw_hash, format = "table";
    std::string target = cal::target_name(cal::FitOptions{}.target), layout = "auto";
    std::uint64_t seed = 1;
    int rounds = cal::FitOptions{}.rounds;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "fit",
      "Train the latency estimator (gradient-boosted trees over unit features) on the ok labels "
      "of one hardware description in a label database; report the validation-split errors per "
      "unit type and write the estimator (JSON)");
  cmd->add_option("--db", o->db, "Label database (see `accelnas label`)")->required();
  cmd->add_option("-o,--output", o->output, "Estimator file to write (atomically)")->required();
  add_seed_option(*cmd, o->seed, "Seed of the train / validation split");
  cmd->add_option("--hw-hash", o->hw_hash,
                  "Hardware to train for, by hash or a unique prefix of it (needed when the "
                  "database holds several)");
  add_integer_option(*cmd, "--rounds", o->rounds, "Boosting rounds", 1, kMaxRounds)
      ->capture_default_str();
  cmd->add_option("--target", o->target,
                  "What the trees learn: log-roofline-ratio (cycles over the unit's roofline), "
                  "log-cycles, or log-timeline-ratio (cycles over the analytical replay of the "
                  "tile program: on labels from this simulator that ratio is 1, so the trees "
                  "learn next to nothing from them; use it only for labels measured elsewhere)")
      ->capture_default_str();
  cmd->add_option("--layout", o->layout,
                  "auto (keep the better on validation), per-type (one forest per unit type) or "
                  "global (one forest)")
      ->capture_default_str();
  cmd->add_option("--format", o->format, "Report format: table or json")->capture_default_str();
  cmd->callback([o]() {
    if (o->format != "table" && o->format != "json")
      throw UserError("--format: expected table or json, got '" + o->format + "'");
    cal::FitOptions opt;
    opt.seed = o->seed;
    opt.rounds = o->rounds;
    opt.target = parse_target(o->target);
    opt.layout = parse_layout(o->layout);
    const cal::LabelDb db(o->db, cal::LabelDb::Mode::ReadOnly);
    const cal::HardwareRecord hw = pick_hardware(db, o->hw_hash);
    cal::FitReport report;
    const cal::Estimator est = cal::fit(db, hw.hash, opt, &report);
    est.save(o->output);
    const std::vector<std::string> warnings = cal::coverage_warnings(
        report.labels, report.train_kinds, cal::kinds_needed_by_zoo(est.hw()));
    for (const auto& w : warnings) std::cerr << "fit: warning: " << w << "\n";
    if (o->format == "json") {
      std::cout << sim::json_text(json{{"estimator", o->output},
                                       {"hardware", {{"hash", hw.hash}, {"name", hw_name(hw)}}},
                                       {"report", cal::to_json(report)},
                                       {"warnings", warnings}},
                                  2)
                << "\n";
    } else {
      std::cout << "hardware " << hw.hash.substr(0, 12) << " " << hw_name(hw) << "\n"
                << cal::format_report(report) << "wrote " << o->output << "\n";
    }
    check_stdout();
  });
}

}  // namespace accelnas::cli
