// `accelnas search` (a constrained multi-objective search over a search space, scored by the
// estimator or by simulation, resumable from its run store, verified in SystemC at the end) and
// `accelnas search report` (the outputs again from a run store). docs/NAS.md.
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calibration/estimator/estimator.h"
#include "hw_models/hw_spec.h"
#include "nas/evaluate.h"
#include "nas/report.h"
#include "nas/run_store.h"
#include "nas/search.h"
#include "nas/space.h"
#include "nas/strategy.h"
#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "sim/cli/label_mpi.h"
#include "sim/cli/plot.h"
#include "sim/report.h"
#include "sim/runtime/sha256.h"
#include "workloads/config/error.h"
#include "workloads/config/input_file.h"
#include "workloads/config/suggest.h"

namespace accelnas::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct SearchOpts {
  std::string space = nas::kDefaultSearchSpace;
  std::string hw;
  std::string estimator;
  bool force = false;
  std::string score = "estimator";
  nas::SearchOptions search;
  std::vector<std::string> strategy_params;
  std::string objectives = "latency,accuracy";
  std::string max_latency, max_params, max_macs, max_peak;
  std::string reward = "none";
  std::string target_latency;
  double reward_weight = -0.07;
  std::string db;
  std::string output = "search_results";
  long long verify = 0;
  bool no_verify = false;
  int threads = 0;
  int workers = 1;
  std::string precision;
  long long batch = 1;
  bool no_plot = false;
  bool quiet = false;
};

std::string seconds_text(double s) {
  if (s < 60) return sim::fixed(s, s < 10 ? 1 : 0) + " s";
  if (s < 3600) return sim::fixed(s / 60, 1) + " min";
  return sim::fixed(s / 3600, 1) + " h";
}

// One progress line: in place on a terminal, else at most one every 2 s (and the last).
class ProgressPrinter {
 public:
  ProgressPrinter(const std::vector<nas::Objective>& objectives, bool quiet)
      : objectives_(objectives), quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0) {}

  void operator()(const nas::SearchProgress& p) {
    if (quiet_) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const bool last = p.evaluations >= p.budget;
    if (!tty_ && !last && elapsed - printed_ < 2.0) return;
    printed_ = elapsed;
    const double done = static_cast<double>(p.evaluations - p.resumed_at);
    const double rate = elapsed > 0 ? done / elapsed : 0;
    std::string line = "search: " + std::to_string(p.evaluations) + "/" + std::to_string(p.budget) +
                       " networks (generation " + std::to_string(p.generation) + "), " +
                       sim::fixed(rate, 0) + "/s";
    if (p.duplicates > 0) line += ", " + std::to_string(p.duplicates) + " duplicates";
    if (p.cannot_build > 0) line += ", " + std::to_string(p.cannot_build) + " cannot build";
    if (p.failed > 0) line += ", " + std::to_string(p.failed) + " failed";
    line += ", " + std::to_string(p.feasible) + " feasible";
    if (!p.best.empty()) {
      line += ", front " + std::to_string(p.front) + ", best " + describe(0, p.best[0]) + ", HV " +
              sim::fixed(p.hypervolume, 4);
    }
    if (rate > 0 && !last)
      line += ", ETA " + seconds_text(static_cast<double>(p.budget - p.evaluations) / rate);
    std::cerr << (tty_ ? "\r" : "") << line << (tty_ ? "\033[K" : "\n") << std::flush;
    open_ = tty_;
  }
  void end() {
    if (open_) std::cerr << "\n";
    open_ = false;
  }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  std::string describe(std::size_t d, double v) const {
    switch (objectives_[d]) {
      case nas::Objective::Latency:
        return "latency " + sim::fixed(v, 4) + " ms";
      case nas::Objective::Accuracy:
        return "accuracy " + sim::fixed(-v, 4);
      default:
        return std::string(nas::objective_name(objectives_[d])) + " " + sim::fixed(v, 0);
    }
  }
  std::vector<nas::Objective> objectives_;
  bool quiet_, tty_;
  bool open_ = false;
  double printed_ = -1e9;
  Clock::time_point start_ = Clock::now();
};

std::map<std::string, std::string> parse_strategy_params(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const std::string& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UserError("--strategy-param: expected key=value, got '" + one_line(item) + "'");
    const std::string key = item.substr(0, eq);
    if (!out.emplace(key, item.substr(eq + 1)).second)
      throw UserError("--strategy-param: '" + one_line(key) + "' is given twice");
  }
  return out;
}

// The front table on stdout, with the verification.
void print_front(const nas::StoredRun& run, const nlohmann::json& summary) {
  sim::Table t;
  t.columns = {"rank", "candidate"};
  for (const nas::Objective o : run.objectives) t.columns.push_back(nas::objective_name(o));
  // Size columns that are not objectives already.
  const auto is_objective = [&](nas::Objective o) {
    return std::find(run.objectives.begin(), run.objectives.end(), o) != run.objectives.end();
  };
  const bool show_params = !is_objective(nas::Objective::Params);
  const bool show_macs = !is_objective(nas::Objective::Macs);
  const bool show_peak = !is_objective(nas::Objective::Peak);
  if (show_params) t.columns.push_back("params");
  if (show_macs) t.columns.push_back("MMACs");
  if (show_peak) t.columns.push_back("peak_KiB");
  t.columns.insert(t.columns.end(), {"simulated_ms", "error_%", "resolution"});
  t.numeric = std::vector<bool>(t.columns.size(), true);
  constexpr std::size_t kShown = 20;
  for (const auto& m : summary["front"]) {
    if (t.rows.size() == kShown) break;
    std::vector<std::string> row = {std::to_string(m["rank"].get<int>()),
                                    std::to_string(m["candidate"].get<std::int64_t>())};
    const auto& x = m["metrics"];
    for (const nas::Objective o : run.objectives) {
      switch (o) {
        case nas::Objective::Latency:
          row.push_back(sim::fixed(x["latency_ms"].get<double>(), 4));
          break;
        case nas::Objective::Params:
          row.push_back(std::to_string(x["params"].get<std::int64_t>()));
          break;
        case nas::Objective::Peak:
          row.push_back(std::to_string(x["peak_activation_bytes"].get<std::int64_t>()));
          break;
        case nas::Objective::Macs:
          row.push_back(std::to_string(x["macs"].get<std::int64_t>()));
          break;
        case nas::Objective::Accuracy:
          row.push_back(x["accuracy"].is_null() ? "" : sim::fixed(x["accuracy"].get<double>(), 4));
          break;
        case nas::Objective::Energy:
          row.push_back(x["energy_uj"].is_null() ? ""
                                                 : sim::fixed(x["energy_uj"].get<double>(), 2));
          break;
      }
    }
    if (show_params) row.push_back(std::to_string(x["params"].get<std::int64_t>()));
    if (show_macs)
      row.push_back(sim::fixed(static_cast<double>(x["macs"].get<std::int64_t>()) / 1e6, 1));
    if (show_peak) {
      row.push_back(sim::fixed(
          static_cast<double>(x["peak_activation_bytes"].get<std::int64_t>()) / 1024, 1));
    }
    if (m.contains("simulated") && m["simulated"].contains("latency_ms")) {
      row.push_back(sim::fixed(m["simulated"]["latency_ms"].get<double>(), 4));
      row.push_back(sim::fixed(m["simulated"]["latency_error_pct"].get<double>(), 1));
    } else {
      row.insert(row.end(), {"", ""});
    }
    // The input resolution, the first word of a macro space's architecture ("r224 ...").
    const std::string arch = m["arch"].get<std::string>();
    row.push_back(arch.size() > 1 && arch[0] == 'r' ? arch.substr(1, arch.find(' ') - 1) : "");
    t.rows.push_back(std::move(row));
  }
  sim::write_table(std::cout, sim::Format::Table, t);
  if (summary["front"].size() > kShown)
    std::cout << "... and " << summary["front"].size() - kShown << " more in pareto.csv\n";
  const auto& v = summary["verification"];
  if (v["verified"].get<std::size_t>() > 0) {
    std::cout << "\nverified " << v["verified"].get<std::size_t>() << " of "
              << v["front"].get<std::size_t>() << " front networks in SystemC: latency error "
              << sim::fixed(v["latency_mape_pct"].get<double>(), 2) << "% mean, "
              << sim::fixed(v["latency_max_abs_error_pct"].get<double>(), 2) << "% max; "
              << (v["order_changed"].get<bool>()
                      ? "the front CHANGES under simulation (" +
                            std::to_string(v["dominated_under_simulation"].size()) +
                            " member(s) dominated, or the latency order differs)"
                      : std::string("the front and its order hold under simulation"))
              << "\n";
  }
}

// Verification (unless skipped), the report files and the plots; returns the summary.
nlohmann::json finish_run(nas::RunStore& store, const std::string& output,
                          std::optional<long long> verify, int workers, bool no_plot, bool quiet) {
  nas::StoredRun run = nas::read_run(store);
  const nas::SearchSpace space = nas::stored_space(run);
  if (verify) {
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    const auto start = Clock::now();
    double printed = -1e9;
    nas::verify_front(
        space, run, static_cast<std::size_t>(*verify), workers, store,
        [&](std::size_t done, std::size_t total) {
          const double t = std::chrono::duration<double>(Clock::now() - start).count();
          if (quiet || (done < total && !tty && t - printed < 2.0)) return;
          printed = t;
          std::cerr << (tty ? "\r" : "") << "search: verified " << done << "/" << total
                    << " front networks in SystemC" << (tty ? "\033[K" : "\n")
                    << (tty && done == total ? "\n" : "") << std::flush;
        });
  }
  const nas::ReportFiles files = nas::write_report(output, space, run);
  bool plotted = false;
  if (!no_plot)
    plotted = run_plot_script("plot_search.py", "ACCELNAS_SEARCH_PLOT_SCRIPT", output,
                              "search.png and pareto.png");
  print_front(run, files.summary);
  std::cout << "\n"
            << files.summary["candidates"].get<std::size_t>() << " candidates, "
            << files.summary["evaluations"].get<std::size_t>() << " networks evaluated, "
            << files.summary["feasible"].get<std::int64_t>() << " feasible; report in " << output
            << (plotted ? " (with search.png and pareto.png)" : "") << "\n";
  return files.summary;
}

void run_search_command(SearchOpts& o) {
  // Every rank would run the whole search into the same store.
  if (mpi_launched())
    throw UserError("search: not supported under mpirun yet; use --workers N on one node");
  nas::SearchOptions& s = o.search;
  s.objectives = nas::parse_objectives(o.objectives);
  s.strategy_params = parse_strategy_params(o.strategy_params);
  s.reward.kind = nas::parse_reward(o.reward);
  if (!std::isfinite(o.reward_weight))
    throw UserError("--reward-weight: expected a finite number, got " +
                    std::to_string(o.reward_weight));
  s.reward.weight = o.reward_weight;
  if (s.reward.kind != nas::RewardKind::None) {
    if (o.target_latency.empty())
      throw UserError(std::string("--reward ") + o.reward + ": needs --target-latency (e.g. 1ms)");
    s.reward.target_latency_ms = nas::parse_latency_limit_ms(o.target_latency, "--target-latency");
  } else if (!o.target_latency.empty()) {
    throw UserError("--target-latency: only used with --reward mnas or tunas");
  }
  if (!o.max_latency.empty())
    s.constraints.max_latency_ms = nas::parse_latency_limit_ms(o.max_latency, "--max-latency");
  if (!o.max_params.empty())
    s.constraints.max_params = nas::parse_count_limit(o.max_params, "--max-params");
  if (!o.max_macs.empty())
    s.constraints.max_macs = nas::parse_count_limit(o.max_macs, "--max-macs");
  if (!o.max_peak.empty())
    s.constraints.max_peak_activation_bytes =
        nas::parse_bytes_limit(o.max_peak, "--max-peak-activation");

  nas::EvalContext ctx;
  if (o.score == "sim") {
    ctx.mode = nas::ScoreMode::Sim;
    if (!o.estimator.empty()) throw UserError("--estimator: not used with --score sim");
  } else if (o.score != "estimator") {
    throw UserError("--score: expected estimator or sim, got '" + one_line(o.score) + "'");
  } else if (o.estimator.empty()) {
    throw UserError(
        "--estimator is required with --score estimator (train one with `accelnas label` and "
        "`accelnas fit`, or score by simulation with --score sim)");
  }
  std::unique_ptr<nas::AccuracyEvaluator> evaluator = nas::make_evaluator(s.evaluator);
  for (const nas::Objective obj : s.objectives) {
    if (obj == nas::Objective::Accuracy && !evaluator)
      throw UserError(
          "--objectives accuracy: needs an accuracy signal (--evaluator params or macs)");
    if (obj == nas::Objective::Energy && ctx.mode != nas::ScoreMode::Sim)
      throw UserError("--objectives energy: energy is simulated only (--score sim)");
  }
  if (s.reward.kind != nas::RewardKind::None && !evaluator)
    throw UserError(std::string("--reward ") + o.reward +
                    ": needs an accuracy signal (--evaluator)");
  if (o.force && o.hw.empty()) throw UserError("--force needs --hw");

  std::optional<hw::HwSpec> hw;
  if (!o.hw.empty() || ctx.mode == nas::ScoreMode::Sim)
    hw = hw::load_hw(o.hw.empty() ? hw::kDefaultPreset : o.hw);
  std::optional<cal::Estimator> est;
  std::string estimator_hash = "none";
  if (ctx.mode == nas::ScoreMode::Estimator) {
    est = cal::Estimator::load(o.estimator, hw ? &*hw : nullptr, o.force);
    if (est->forced() && !o.quiet)
      std::cerr << "search: warning: " << est->forced_warning() << "\n";
    estimator_hash = runtime::sha256_hex(read_input_file(o.estimator));
    ctx.estimator = &*est;
    if (!hw) hw = est->hw();
  }
  ctx.hw = &*hw;
  ctx.plan.batch = o.batch;
  if (!o.precision.empty()) ctx.plan.precision = parse_precision_option(o.precision);
  ctx.accuracy = evaluator.get();
  ctx.seed = s.seed;
  ctx.threads = o.threads > 0 ? o.threads : omp_get_max_threads();
  ctx.workers = o.workers;

  const nas::SearchSpace space = nas::SearchSpace::load(o.space, *ctx.hw);
  const std::string db = o.db.empty() ? (fs::path(o.output) / "run.db").string() : o.db;
  if (o.db.empty()) {
    std::error_code ec;
    fs::create_directories(o.output, ec);
    if (ec || !fs::is_directory(o.output))
      throw UserError(o.output + ": cannot create the report directory");
  }
  nas::RunStore store(db, nas::RunStore::Mode::Create);
  if (!o.quiet) {
    std::cerr << "search: space " << space.name() << " (10^" << sim::fixed(space.log10_size(), 1)
              << " candidates, " << space.dimensions().size() << " dimensions) on " << ctx.hw->name
              << ", " << s.strategy << ", seed " << s.seed << ", "
              << (ctx.mode == nas::ScoreMode::Sim ? "scored by simulation"
                                                  : "scored by the estimator")
              << "; constraints: " << s.constraints.text() << "; store " << db << "\n";
  }
  ProgressPrinter printer(s.objectives, o.quiet);
  const nas::SearchResult result = nas::run_search(
      space, ctx, estimator_hash, store, s, [&](const nas::SearchProgress& p) { printer(p); });
  printer.end();
  if (!o.quiet) {
    if (result.resumed_at > 0)
      std::cerr << "search: resumed at " << result.resumed_at << " networks from " << db << "\n";
    std::cerr << "search: " << result.evaluations << " networks evaluated ("
              << result.evaluations - result.resumed_at << " this run, "
              << seconds_text(printer.seconds()) << "); stopped: " << result.stop << "\n";
  }
  std::optional<long long> verify;
  if (!o.no_verify && ctx.mode == nas::ScoreMode::Estimator) verify = o.verify;
  const nlohmann::json summary = finish_run(store, o.output, verify, o.workers, o.no_plot, o.quiet);
  if (summary["front"].empty()) {
    throw UserError("no feasible candidate among " +
                    std::to_string(summary["evaluations"].get<std::size_t>()) +
                    " evaluated (constraints: " + s.constraints.text() + "); candidates.csv in " +
                    o.output + " lists them with their violations");
  }
}

}  // namespace

void add_search(CLI::App& app) {
  auto o = std::make_shared<SearchOpts>();
  CLI::App* cmd = app.add_subcommand(
      "search",
      "Search a space of networks for the Pareto front of latency, memory and accuracy signals "
      "on this hardware, under constraints. Scored by a trained estimator (or by simulation), "
      "resumable: rerun the same command after an interruption and the run continues from its "
      "store. The front is verified in SystemC at the end. See docs/NAS.md.");
  cmd->require_subcommand(0, 1);
  cmd->add_option("--space", o->space,
                  "Search space: a built-in name (see `accelnas space list`) or a YAML file")
      ->capture_default_str();
  cmd->add_option("--hw", o->hw,
                  "Hardware preset name or YAML file (default: the estimator's own, or " +
                      std::string(hw::kDefaultPreset) + " with --score sim)");
  cmd->add_option("--estimator", o->estimator,
                  "Estimator file written by `accelnas fit` (required unless --score sim)");
  cmd->add_flag("--force", o->force,
                "Use the estimator for --hw even though it was trained for other hardware");
  cmd->add_option("--score", o->score,
                  "How latency is scored: estimator (fast) or sim (SystemC, with energy)")
      ->capture_default_str();
  std::vector<std::string> names = nas::strategy_names();
  cmd->add_option("--strategy", o->search.strategy,
                  "Search strategy: " + join(names, ", ") + " (parameters: docs/NAS.md)")
      ->capture_default_str();
  cmd->add_option("--strategy-param", o->strategy_params,
                  "A strategy parameter key=value, e.g. population=64 (repeatable)");
  add_integer_option(*cmd, "--evaluations", o->search.evaluations,
                     "Distinct networks to evaluate (a larger value extends a finished run)", 1,
                     100'000'000)
      ->capture_default_str();
  add_seed_option(*cmd, o->search.seed, "Search seed");
  cmd->add_option("--objectives", o->objectives,
                  "Comma-separated objectives: latency, params, peak, accuracy, macs, energy "
                  "(accuracy is maximised, the others minimised)")
      ->capture_default_str();
  cmd->add_option("--evaluator", o->search.evaluator, "Accuracy signal: params, macs or none")
      ->capture_default_str();
  cmd->add_option("--max-latency", o->max_latency, "Latency limit with its unit, e.g. 1.5ms");
  cmd->add_option("--max-params", o->max_params, "Parameter limit, e.g. 2M or 500k");
  cmd->add_option("--max-macs", o->max_macs, "MAC limit, e.g. 300M");
  cmd->add_option("--max-peak-activation", o->max_peak,
                  "Peak activation memory limit with its unit, e.g. 512KiB");
  cmd->add_flag(
      "--max-sram-fit", o->search.constraints.sram_fit,
      "The weights must fit the weight SRAM and the peak activations the activation SRAM");
  cmd->add_option("--reward", o->reward,
                  "Scalar reward of evolution and local: none (the first objective), mnas "
                  "(acc*(lat/T)^w) or tunas (acc+w*|lat/T-1|)")
      ->capture_default_str();
  cmd->add_option("--target-latency", o->target_latency, "T of the rewards, e.g. 1ms");
  cmd->add_option("--reward-weight", o->reward_weight, "w (mnas) or beta (tunas)")
      ->capture_default_str();
  cmd->add_option("--db", o->db, "Run store (SQLite; default: <output>/run.db)");
  cmd->add_option("-o,--output", o->output,
                  "Report directory: pareto.csv, candidates.csv, history.csv, summary.json, "
                  "networks/, search.png, pareto.png")
      ->capture_default_str();
  add_integer_option(*cmd, "--verify", o->verify,
                     "Simulate only the first K front networks in SystemC (0: all of them)", 0,
                     1'000'000)
      ->capture_default_str();
  cmd->add_flag("--no-verify", o->no_verify, "Do not simulate the front at the end");
  add_integer_option(*cmd, "--threads", o->threads,
                     "Threads for decoding and scoring (0: all cores; results do not depend on it)",
                     0, 1024)
      ->capture_default_str();
  add_integer_option(*cmd, "--workers", o->workers,
                     "Worker processes for evaluation (results do not depend on it)", 1, kMaxJobs)
      ->capture_default_str();
  cmd->add_option("--precision", o->precision,
                  "Run every layer at this precision (default: each block's own choice)");
  add_integer_option(*cmd, "--batch", o->batch, "Batch size", 1, wl::kMaxBatch)
      ->capture_default_str();
  cmd->add_flag("--no-plot", o->no_plot, "Do not write search.png and pareto.png");
  cmd->add_flag("-q,--quiet", o->quiet, "No progress on stderr");

  struct ReportOpts {
    std::string db, output = "search_results";
    bool no_plot = false;
  };
  auto r = std::make_shared<ReportOpts>();
  CLI::App* report = cmd->add_subcommand(
      "report",
      "Write a run's report directory again from its run store (no search, no estimator)");
  report->add_option("--db", r->db, "Run store written by `accelnas search`")->required();
  report->add_option("-o,--output", r->output, "Report directory")->capture_default_str();
  report->add_flag("--no-plot", r->no_plot, "Do not write search.png and pareto.png");
  report->callback([r]() {
    check_input_file(r->db);
    nas::RunStore store(r->db, nas::RunStore::Mode::ReadOnly);
    finish_run(store, r->output, std::nullopt, 1, r->no_plot, false);
  });
  cmd->callback([o, report]() {
    if (report->parsed()) return;
    run_search_command(*o);
  });
}

}  // namespace accelnas::cli
