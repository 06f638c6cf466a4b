// `accelnas validate`: the estimator against full SystemC simulations of zoo networks and of
// random networks from a network space (docs/ESTIMATOR.md, "Validation").

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calibration/estimator/estimator.h"
#include "calibration/estimator/hw_text.h"
#include "calibration/labels/net_space.h"
#include "calibration/labels/validate.h"
#include "hw_models/hw_spec.h"
#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "sim/cli/plot.h"
#include "sim/json_text.h"
#include "sim/report.h"
#include "workloads/config/error.h"
#include "workloads/loader.h"
#include "workloads/zoo/zoo.h"

namespace accelnas::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// "a,b:x=1,y=2,c" -> a, b:x=1,y=2, c: a piece with '=' but no ':' continues the previous spec.
std::vector<std::string> split_models(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& arg : args) {
    std::size_t start = 0;
    while (start <= arg.size()) {
      const std::size_t comma = std::min(arg.find(',', start), arg.size());
      const std::string piece = arg.substr(start, comma - start);
      const bool continues = !out.empty() && piece.find('=') != std::string::npos &&
                             piece.find(':') == std::string::npos &&
                             out.back().find(':') != std::string::npos;
      if (continues) {
        out.back() += "," + piece;
      } else if (!piece.empty()) {
        out.push_back(piece);
      }
      start = comma + 1;
    }
  }
  return out;
}

// The scatter plot, when python3 with matplotlib is there; one warning line otherwise.
std::optional<std::string> plot(const std::string& dir) {
  if (!run_plot_script("plot_validation.py", "ACCELNAS_PLOT_SCRIPT", dir, "validation.png"))
    return std::nullopt;
  return (fs::path(dir) / "validation.png").string();
}

constexpr long long kMaxRandomNetworks = 1'000'000;

struct Opts {
  std::string estimator, hw, net_space = "mobilenet", output, measured;
  bool force = false, zoo = false, quiet = false, no_plot = false, timing = false;
  std::vector<std::string> models;
  long long random = -1;  // -1: not given
  std::uint64_t seed = 1;
};

std::vector<cal::ValidationNetwork> networks(const Opts& o, const cal::Estimator& est) {
  std::vector<cal::ValidationNetwork> nets;
  std::vector<std::string> specs = split_models(o.models);
  if (o.zoo) {
    for (const auto& e : wl::zoo_entries()) specs.push_back(e.name);
  }
  for (const auto& spec : specs) {
    ModelSource source;  // a zoo spec, a network YAML or an ONNX file
    source.model = spec;
    nets.push_back({load_model(source), wl::is_model_file(spec) ? "file" : "zoo"});
  }
  if (!o.measured.empty()) {
    auto measured = cal::read_measured_networks(o.measured, est.hw(), [](const std::string& m) {
      ModelSource source;
      source.model = m;
      return load_model(source);
    });
    for (auto& v : measured) nets.push_back(std::move(v));
  }
  if (o.random > 0) {
    const cal::NetSampler sampler(cal::load_net_space(o.net_space), est.hw().parallelism_factor,
                                  o.seed);
    for (long long i = 0; i < o.random; ++i)
      nets.push_back({sampler.sample(static_cast<std::uint64_t>(i)), "random"});
  }
  return nets;
}

void print_progress(std::size_t done, std::size_t total, const cal::ValidationRow* row,
                    const cal::ValidationSkip* skip) {
  std::cerr << "validate: [" << done << "/" << total << "] ";
  if (row != nullptr) {
    std::cerr << row->network << " (" << row->source << "): simulated " << row->simulated_cycles
              << (row->measured_cycles > 0 ? ", measured " + sim::fixed(row->measured_cycles, 0)
                                           : std::string())
              << ", predicted " << sim::fixed(row->predicted_cycles, 0) << " cycles, error "
              << (row->error_pct >= 0 ? "+" : "") << sim::fixed(row->error_pct, 2) << "%\n";
  } else {
    std::cerr << skip->network << " (" << skip->source
              << "): skipped, unmappable: " << one_line(skip->reason) << "\n";
  }
}

void run_validate(const Opts& o) {
  if (o.models.empty() && !o.zoo && o.random < 0 && o.measured.empty())
    throw UserError("nothing to validate: give --models, --zoo, --random N or --measured FILE");
  if (o.force && o.hw.empty()) throw UserError("--force needs --hw");
  std::optional<hw::HwSpec> hw;
  if (!o.hw.empty()) hw = hw::load_hw(o.hw);
  const cal::Estimator est = cal::Estimator::load(o.estimator, hw ? &*hw : nullptr, o.force);
  if (est.forced()) std::cerr << "validate: warning: " << est.forced_warning() << "\n";
  const std::vector<cal::ValidationNetwork> nets = networks(o, est);

  std::error_code ec;
  fs::create_directories(o.output, ec);
  if (ec || !fs::is_directory(o.output))
    throw UserError(o.output + ": cannot create the report directory");
  Output csv((fs::path(o.output) / "validation.csv").string());
  Output summary((fs::path(o.output) / "summary.json").string());

  if (!o.quiet) {
    std::cerr << "validate: " << nets.size() << " networks on " << est.hw().name
              << ", simulated in full and estimated\n";
  }
  const sim::PlanOptions opt;
  const cal::ValidationReport report =
      cal::validate(est, nets, opt, o.quiet ? cal::ValidationProgress() : print_progress,
                    cal::ValidationOptions{o.timing});

  cal::write_validation_csv(csv.stream(), report.rows, o.timing);
  csv.commit();
  json j = cal::to_json(report);
  j["estimator"] = o.estimator;
  j["hw"] = {{"name", est.hw().name}, {"hash", cal::hardware_record(est.hw()).hash}};
  j["estimator_hw_hash"] = est.hw_hash();  // differs from hw.hash under --force
  j["seed"] = o.seed;
  if (o.random > 0) j["net_space"] = o.net_space;
  summary.stream() << sim::json_text(j, 2) << "\n";
  summary.commit();

  std::cout << cal::format_summary(report);
  std::cout << "wrote " << (fs::path(o.output) / "validation.csv").string() << ", "
            << (fs::path(o.output) / "summary.json").string();
  const auto png = o.no_plot ? std::nullopt : plot(o.output);
  std::cout << (png ? ", " + *png : std::string()) << "\n";
}

}  // namespace

void add_validate(CLI::App& app) {
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check a trained estimator against full SystemC simulations of zoo networks and random "
      "networks, or against latencies measured elsewhere (--measured): writes validation.csv, "
      "summary.json and validation.png (a scatter plot, when "
      "python3-matplotlib is installed) to the report directory, and prints MAPE, the share "
      "within 5% and 10%, the largest error and the rank correlations over random networks");
  cmd->add_option("--estimator", o->estimator, "Estimator file written by `accelnas fit`")
      ->required();
  cmd->add_option("--hw", o->hw,
                  "Hardware preset name or YAML file (default: the estimator's own); must be the "
                  "hardware the estimator was trained for unless --force");
  cmd->add_flag("--force", o->force, "Use the estimator for --hw although trained for other");
  cmd->add_option(
      "--models", o->models,
      "Zoo models, network YAML or ONNX files, comma-separated (e.g. tiny,mobilenet_v2); "
      "counted with the zoo networks in the summary");
  cmd->add_flag("--zoo", o->zoo, "Every zoo model at its default parameters");
  cmd->add_option("--measured", o->measured,
                  "CSV of networks measured elsewhere: a model column (zoo spec, network YAML or "
                  "ONNX file, relative to the CSV) and one of cycles, latency_ns, latency_us or "
                  "latency_ms; "
                  "each prediction is scored against its measurement (source \"measured\")");
  add_integer_option(*cmd, "--random", o->random,
                     "Random networks from --net-space: network i depends only on (space, seed, i)",
                     1, kMaxRandomNetworks);
  cmd->add_option("--net-space", o->net_space,
                  "Network space for --random: `mobilenet` (built in) or a YAML file")
      ->capture_default_str();
  // --space was this flag's old name; label's and sample's --space takes another kind of space.
  cmd->add_option("--space")->group("")->each([](const std::string&) {
    throw UserError(
        "--space: validate's network space for --random is now --net-space (whole networks: "
        "mobilenet or a YAML file); --space is the unit sampling space of label and sample");
  });
  add_seed_option(*cmd, o->seed, "Seed of the random networks");
  cmd->add_option("-o,--output", o->output, "Report directory (created when missing)")->required();
  cmd->add_flag("-q,--quiet", o->quiet, "No progress on stderr");
  cmd->add_flag("--no-plot", o->no_plot, "Do not write validation.png");
  cmd->add_flag("--timing", o->timing,
                "Also time each prediction and simulation (thread CPU time): two more CSV "
                "columns and medians in summary.json. Times vary from run to run");
  cmd->callback([o]() { run_validate(*o); });
}

}  // namespace accelnas::cli
