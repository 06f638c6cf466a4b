#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "sim/sweep.h"
#include "workloads/config/error.h"
#include "workloads/loader.h"
#include "workloads/onnx/onnx_import.h"

namespace accelnas::cli {
namespace {

// The models named by the --model values. A value is split at commas, except that a piece of
// the form KEY=VALUE continues the zoo parameters of the model before it, so
// "mobilenet_v2:width=0.75,resolution=160,tiny" names two models; a value naming an existing
// file is taken whole.
std::vector<std::string> split_models(const std::vector<std::string>& values) {
  std::vector<std::string> models;
  for (const auto& value : values) {
    std::error_code ec;
    if (std::filesystem::exists(value, ec)) {
      models.push_back(value);
      continue;
    }
    bool has_params = false;  // the model before this piece has a ':' parameter list
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = value.find(',', start);
      const std::string piece =
          value.substr(start, comma == std::string::npos ? comma : comma - start);
      if (piece.empty()) throw UserError("--model: empty model name in '" + value + "'");
      const bool param =
          piece.find('=') != std::string::npos && piece.find(':') == std::string::npos;
      if (param && has_params) {
        models.back() += "," + piece;
      } else {
        models.push_back(piece);
        has_params = piece.find(':') != std::string::npos;
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return models;
}

// One network per model; the ONNX options apply to the ONNX models among them.
std::vector<wl::Network> load_models(const std::vector<std::string>& models,
                                     const ModelSource& options) {
  const bool any_onnx = std::any_of(models.begin(), models.end(), wl::is_onnx_path);
  std::vector<wl::Network> nets;
  for (const auto& model : models) {
    ModelSource m = options;
    m.model = model;
    if (any_onnx && !wl::is_onnx_path(model)) m = ModelSource{model, {}, false};
    nets.push_back(load_model(m));
  }
  return nets;
}

std::vector<sim::SweepAxis> parse_axes(const std::vector<std::string>& sets) {
  std::vector<sim::SweepAxis> axes;
  for (const auto& s : sets) {
    axes.push_back(sim::parse_axis(s));
    for (std::size_t k = 0; k + 1 < axes.size(); ++k) {
      if (axes[k].key == axes.back().key) {
        throw UserError("--set " + axes.back().key +
                        ": given twice; list every value in one --set");
      }
    }
  }
  return axes;
}

}  // namespace

void add_sweep(CLI::App& app) {
  struct Opts {
    std::string hw = "npu-pf32";
    std::vector<std::string> models;
    ModelSource onnx;  // the ONNX options
    std::vector<std::string> precisions;
    std::vector<long long> batches;
    std::string format = "table";
    std::string output;
    std::vector<std::string> sets;
    bool per_layer = false;
    int jobs = 1;
    bool quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Simulate over the cartesian product of models, precisions, batch sizes and hardware "
      "parameter values, one row per configuration (model outermost, then precision, batch and "
      "the --set axes in their order). A model, precision or batch column appears when that "
      "option has more than one value. Exits 2 when no configuration can be mapped.");
  add_hw_option(*cmd, o->hw);
  cmd->add_option("--model", o->models,
                  "Models to sweep: zoo specs, network YAML or ONNX files, comma-separated or "
                  "repeated. A zoo spec's own parameters stay with it: "
                  "--model mobilenet_v2:width=0.75,resolution=160,tiny is two models (a KEY=VALUE "
                  "piece continues the model before it); a name of an existing file is taken whole")
      ->required()
      ->type_size(1)
      ->expected(1, 1 << 10)
      ->allow_extra_args(false);
  add_onnx_options(*cmd, o->onnx);
  cmd->add_option("--precision", o->precisions,
                  "Precisions to sweep, each run at every layer: int8, int16, fp16 or bf16, "
                  "comma-separated (e.g. int8,int16; default: each layer's own)")
      ->delimiter(',');
  cmd->add_option("--batch", o->batches,
                  "Batch sizes to sweep, comma-separated (default: 1; each " +
                      range_text(1, wl::kMaxBatch) + ")")
      ->delimiter(',')
      ->check(integer_range(1, wl::kMaxBatch));
  cmd->add_option("--set", o->sets,
                  "KEY=V1,V2,... a hardware key and its values; repeat for more axes "
                  "(e.g. --set compute.parallelism_factor=8,16,32,64)");
  cmd->add_flag("--per-layer", o->per_layer,
                "One row per layer of each configuration (simulate's layer table, its precision "
                "column named layer_precision) after the configuration's columns, and a status");
  add_report_options(*cmd, o->format, o->output);
  add_integer_option(*cmd, "-j,--jobs", o->jobs, "Worker processes (one SystemC kernel each)", 1,
                     kMaxJobs)
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", o->quiet, "No progress on stderr");
  cmd->callback([o]() {
    const sim::Format format = sim::parse_format(o->format);
    sim::SweepSpace space;
    space.models = split_models(o->models);
    if (!o->precisions.empty()) {
      space.precisions.clear();
      for (const auto& p : o->precisions) space.precisions.push_back(parse_precision_option(p));
    }
    if (!o->batches.empty()) {
      space.batches.clear();
      for (const long long b : o->batches) {
        wl::check_batch(b);
        space.batches.push_back(b);
      }
    }
    space.axes = parse_axes(o->sets);
    const std::vector<wl::Network> nets = load_models(space.models, o->onnx);
    Output out(o->output);
    std::vector<sim::SweepPoint> points = sim::expand(space);
    const bool show = !o->quiet;
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    sim::run_sweep(o->hw, nets, points, o->jobs, o->per_layer,
                   [show, tty](std::size_t done, std::size_t total) {
                     if (!show) return;
                     // A terminal gets one updating line; a log gets one line per configuration.
                     std::cerr << (tty ? "\r" : "") << "sweep: " << done << "/" << total
                               << " configurations" << (!tty || done == total ? "\n" : "")
                               << std::flush;
                   });
    sim::write_table(out.stream(), format, sim::sweep_table(space, points, o->per_layer));
    out.commit();
    // The table shows every configuration's reason; a sweep with no result at all is an error.
    const std::string reason = sim::all_unmappable_reason(points);
    if (!reason.empty()) {
      throw UserError("every configuration is unmappable (first: " + reason + ")");
    }
  });
}

}  // namespace accelnas::cli
