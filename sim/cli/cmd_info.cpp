// `accelnas info`: static analysis of a network (workloads/analysis/summary.h): per-layer shapes,
// MACs, parameters and bytes, totals, peak activation memory and the order that minimises it.
// No hardware is involved: bytes per element follow the analysis convention (int8 1, others 2).
#include <memory>
#include <nlohmann/json.hpp>

#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "sim/json_text.h"
#include "workloads/analysis/summary.h"
#include "workloads/config/error.h"
#include "workloads/loader.h"

namespace accelnas::cli {
namespace {

using json = nlohmann::json;

std::string shapes_text(const std::vector<wl::Shape>& shapes) {
  std::string s;
  for (const auto& sh : shapes) s += (s.empty() ? "" : ";") + wl::to_string(sh);
  return s.empty() ? "-" : s;
}

sim::Table layer_table(const wl::NetworkSummary& s) {
  sim::Table t{
      {"layer", "op", "inputs", "output", "precision", "macs", "params", "weight_bytes",
       "output_bytes", "live_bytes", "block", "block_type", "role"},
      {},
      {false, false, false, false, false, true, true, true, true, true, false, false, false}};
  for (const auto& l : s.layers) {
    t.rows.push_back({l.name, wl::op_name(l.op), shapes_text(l.input_shapes),
                      wl::to_string(l.output), precision_name(l.precision), std::to_string(l.macs),
                      std::to_string(l.params), std::to_string(l.weight_bytes),
                      std::to_string(l.output_bytes), std::to_string(l.live_bytes), l.block,
                      l.block_type, l.role});
  }
  return t;
}

std::vector<std::string> order_names(const wl::Network& net, const std::vector<std::size_t>& o) {
  std::vector<std::string> names;
  for (std::size_t i : o) names.push_back(net.layer(i).name);
  return names;
}

json bytes_per_element_json() {
  json j;
  for (Precision p : kAllPrecisions) j[precision_name(p)] = wl::analysis_bytes_per_element(p);
  return j;
}

void write_json(std::ostream& os, const wl::Network& net, const wl::NetworkSummary& s,
                const std::string& precision) {
  json j;
  j["model"] = {{"name", s.name},
                {"batch", s.batch},
                {"layers", s.layers.size()},
                {"precision", precision.empty() ? json(nullptr) : json(precision)},
                {"bytes_per_element", bytes_per_element_json()}};
  j["total"] = {{"params", s.params},
                {"macs", s.macs},
                {"weight_bytes", s.weight_bytes},
                {"peak_activation_bytes", s.peak_activation_bytes},
                {"peak_layer", s.peak_layer}};
  const wl::MinPeakOrder& m = s.min_order;
  j["memory_order"] = {{"default_peak_bytes", m.default_peak_bytes},
                       {"min_peak_bytes", m.peak_bytes},
                       {"differs", m.differs},
                       {"exact", m.exact},
                       {"method", m.method()},
                       {"states", m.states},
                       {"order", order_names(net, m.order)}};
  json layers = json::array();
  for (const auto& l : s.layers) {
    json shapes = json::array();
    for (const auto& sh : l.input_shapes) shapes.push_back(wl::to_string(sh));
    layers.push_back({{"name", l.name},
                      {"op", wl::op_name(l.op)},
                      {"inputs", shapes},
                      {"output", wl::to_string(l.output)},
                      {"precision", precision_name(l.precision)},
                      {"macs", l.macs},
                      {"params", l.params},
                      {"weight_bytes", l.weight_bytes},
                      {"output_bytes", l.output_bytes},
                      {"live_bytes", l.live_bytes},
                      {"block", l.block},
                      {"block_type", l.block_type},
                      {"role", l.role}});
  }
  j["layers"] = layers;
  os << sim::json_text(j, 2) << "\n";
}

std::string kib(std::int64_t bytes) {
  return std::to_string(bytes) + " B (" + sim::fixed(static_cast<double>(bytes) / 1024.0, 1) +
         " KiB)";
}

void write_text(std::ostream& os, const wl::Network& net, const wl::NetworkSummary& s) {
  os << "model " << s.name << " (batch " << s.batch << "), " << s.layers.size()
     << " layers; bytes per element: int8 1, int16/fp16/bf16 2 (analysis convention; the "
        "hardware description decides what simulate uses)\n\n";
  sim::write_table(os, sim::Format::Table, layer_table(s));
  os << "\ntotal: " << s.params << " params, " << sim::fixed(static_cast<double>(s.macs) / 1e6, 1)
     << " MMACs, weights " << kib(s.weight_bytes) << "\n";
  os << "peak activation memory: " << kib(s.peak_activation_bytes) << " at layer " << s.peak_layer
     << " (default order)\n";
  const wl::MinPeakOrder& m = s.min_order;
  if (!m.differs) {
    os << "min-peak order: the default order is " << (m.exact ? "optimal" : "the best found")
       << "; " << m.method() << "\n";
    return;
  }
  const double saved = 100.0 * static_cast<double>(m.default_peak_bytes - m.peak_bytes) /
                       static_cast<double>(m.default_peak_bytes);
  os << "min-peak order: peak " << kib(m.peak_bytes) << ", " << sim::fixed(saved, 1)
     << "% below the default order; " << m.method() << "\n  order: ";
  const auto names = order_names(net, m.order);
  for (std::size_t k = 0; k < names.size(); ++k) os << (k ? ", " : "") << names[k];
  os << "\n";
}

}  // namespace

void add_info(CLI::App& app) {
  struct Opts {
    ModelSource source;
    std::string precision, format = "table", output;
    long long batch = 1;
    std::size_t max_states = wl::OrderSearchOptions{}.max_states;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "info",
      "Analyse a network without hardware: per-layer shapes, MACs, parameters, weight and "
      "activation bytes, totals, peak activation memory and the execution order minimising it");
  add_model_options(*cmd, o->source);
  cmd->add_option("--precision", o->precision,
                  "Analyse every layer at this precision: int8, int16, fp16 or bf16 (default: "
                  "each layer's own)");
  add_integer_option(*cmd, "--batch", o->batch, "Batch size", 1, wl::kMaxBatch)
      ->capture_default_str();
  cmd->add_option("--format", o->format, "Output format: table, csv or json")
      ->capture_default_str();
  cmd->add_option("-o,--output", o->output, "Write the report to this file instead of stdout");
  add_integer_option(*cmd, "--search-states", o->max_states,
                     "Budget of the exact min-peak order search (executed-layer sets); beyond it "
                     "a beam search is used",
                     1)
      ->capture_default_str();
  cmd->callback([o]() {
    const sim::Format format = sim::parse_format(o->format);
    wl::check_batch(o->batch);
    wl::MemoryOptions mem;
    mem.batch = o->batch;
    if (!o->precision.empty()) {
      Precision p;
      if (!parse_precision(o->precision, p)) {
        throw UserError("--precision: expected int8, int16, fp16 or bf16, got '" + o->precision +
                        "'");
      }
      mem.precision = p;
    }
    if (o->max_states < 1) throw UserError("--search-states: expected an integer >= 1, got 0");
    wl::OrderSearchOptions search;
    search.max_states = o->max_states;
    const wl::Network net = load_model(o->source);
    Output out(o->output);
    const wl::NetworkSummary s = wl::summarize(net, mem, search);
    if (format == sim::Format::Json) {
      write_json(out.stream(), net, s, o->precision);
    } else if (format == sim::Format::Csv) {
      sim::Table t = layer_table(s);
      t.rows.push_back({"total", "-", "", "", "", std::to_string(s.macs), std::to_string(s.params),
                        std::to_string(s.weight_bytes), "", std::to_string(s.peak_activation_bytes),
                        "", "", ""});
      sim::write_table(out.stream(), format, t);
    } else {
      write_text(out.stream(), net, s);
    }
    out.commit();
  });
}

}  // namespace accelnas::cli
