// `accelnas validate`: the estimator against full SystemC simulations of zoo networks and of
// random networks from a network space (docs/ESTIMATOR.md, "Validation").
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
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
#include "sim/json_text.h"
#include "sim/report.h"
#include "workloads/config/error.h"
#include "workloads/loader.h"
#include "workloads/zoo/zoo.h"

extern char** environ;

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

// Runs argv[0] from PATH; quiet sends its stdout and stderr to /dev/null. Returns the exit
// status, or -1 when it could not be started.
int run_program(const std::vector<std::string>& args, bool quiet) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (quiet) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// scripts/plot_validation.py: $ACCELNAS_PLOT_SCRIPT, else beside or above the executable (a
// build tree inside the source tree), else an installed share/accelnas/.
std::optional<std::string> find_plot_script() {
  if (const char* env = std::getenv("ACCELNAS_PLOT_SCRIPT")) return std::string(env);
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec) return std::nullopt;
  for (int up = 0; up < 5 && !dir.empty(); ++up, dir = dir.parent_path()) {
    for (const char* rel : {"scripts/plot_validation.py", "share/accelnas/plot_validation.py"}) {
      std::error_code missing;  // a missing candidate is not an error
      if (fs::is_regular_file(dir / rel, missing)) return (dir / rel).string();
    }
    if (dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

// A python with matplotlib: $ACCELNAS_PYTHON, the python3 on PATH, or Debian's /usr/bin/python3
// (where python3-matplotlib installs, when PATH leads to another python first).
std::optional<std::string> find_python() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("ACCELNAS_PYTHON")) candidates.emplace_back(env);
  candidates.insert(candidates.end(), {"python3", "/usr/bin/python3"});
  for (const auto& py : candidates) {
    if (run_program({py, "-c", "import matplotlib"}, true) == 0) return py;
  }
  return std::nullopt;
}

// The scatter plot, when python3 with matplotlib is there; one warning line otherwise.
std::optional<std::string> plot(const std::string& dir) {
  const auto warn = [](const std::string& why) -> std::optional<std::string> {
    std::cerr << "accelnas: warning: " << why << "; skipping validation.png\n";
    return std::nullopt;
  };
  const auto python = find_python();
  if (!python) return warn("no python3 with matplotlib (Debian: python3-matplotlib)");
  const auto script = find_plot_script();
  if (!script) return warn("scripts/plot_validation.py not found (set ACCELNAS_PLOT_SCRIPT)");
  if (run_program({*python, *script, dir}, false) != 0) return warn(*script + " failed");
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
