// Evaluating candidates (docs/NAS.md, "Evaluation"): the metrics of a built network, the
// objectives and constraints over them, the scalar rewards, and the accuracy-signal evaluators.
//
// Rules:
// - Latency comes from the estimator (ScoreMode::Estimator, cal::Estimator::predict) or from
//   simulating the network in SystemC (ScoreMode::Sim, which also gives energy). Params, MACs and
//   peak activation memory are the workload analysis's (wl::total_params, wl::total_macs,
//   wl::peak_activation_bytes under the default order).
// - Evaluation is a pure function of (network, seed): evaluate_batch() gives the same metrics
//   whatever the thread count (OpenMP) or worker-process count.
// - Objectives are minimised; `accuracy` is maximised, so its objective value is -accuracy.
// - A constraint's violation is its relative excess max(0, value / limit - 1); a candidate's
//   violation is the sum over the constraints, 0 when feasible. --max-sram-fit asks that the
//   weights fit the weight SRAM (parameters times the hardware's bytes per element of each
//   layer's precision) and the peak activation memory fit the activation SRAM.
// - Rewards (single-objective strategies, higher is better; the score they minimise is
//   -reward): MnasNet's acc * (lat / T)^w (Tan et al. 2019, w = -0.07 by default) and TuNAS's
//   absolute reward acc + beta * |lat / T - 1| (Bender et al. 2020, beta = -0.07). Without a
//   reward the score is the first objective.
#ifndef ACCELNAS_NAS_EVALUATE_H
#define ACCELNAS_NAS_EVALUATE_H

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calibration/estimator/estimator.h"
#include "hw_models/hw_spec.h"
#include "nas/strategy.h"
#include "sim/planner.h"
#include "workloads/network.h"

namespace accelnas::nas {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Metrics {
  double latency_ms = 0;
  double cycles = 0;
  std::int64_t params = 0;
  std::int64_t macs = 0;
  std::int64_t peak_activation_bytes = 0;
  std::int64_t weight_bytes = 0;  // params at the hardware's bytes per element
  double energy_uj = kNaN;        // simulation only
  double accuracy = kNaN;         // the accuracy signal; NaN without an evaluator
};

enum class Objective { Latency, Params, Peak, Accuracy, Macs, Energy };
const char* objective_name(Objective o);  // "latency", "params", "peak", "accuracy", ...
// "latency,params": a comma-separated list of distinct names. UserError naming --objectives.
std::vector<Objective> parse_objectives(const std::string& text);
std::string objectives_text(const std::vector<Objective>& objectives);
// The minimised value of the objective (accuracy negated).
double objective_value(Objective o, const Metrics& m);
std::vector<double> objective_values(const std::vector<Objective>& objectives, const Metrics& m);

struct Constraints {
  std::optional<double> max_latency_ms;
  std::optional<double> max_params;
  std::optional<double> max_macs;
  std::optional<double> max_peak_activation_bytes;
  bool sram_fit = false;
  bool any() const;
  nlohmann::json to_json() const;  // the run store's record and the summary
  std::string text() const;        // "latency <= 1.5 ms, params <= 2000000", or "none"
};
// The CLI's spellings with units: "1.5ms", "2M", "512KiB". UserError naming the option.
double parse_latency_limit_ms(const std::string& text, const std::string& option);
double parse_count_limit(const std::string& text, const std::string& option);
double parse_bytes_limit(const std::string& text, const std::string& option);

double violation(const Constraints& c, const Metrics& m, const hw::HwSpec& hw);

enum class RewardKind { None, Mnas, Tunas };
struct Reward {
  RewardKind kind = RewardKind::None;
  double target_latency_ms = 0;  // T
  double weight = -0.07;         // w (MnasNet) or beta (TuNAS)
  nlohmann::json to_json() const;
};
RewardKind parse_reward(const std::string& text);  // "none", "mnas", "tunas"
const char* reward_name(RewardKind k);
// The score to minimise: -reward, or the first objective's value without a reward.
double score(const Reward& r, const std::vector<Objective>& objectives, const Metrics& m);

// An accuracy signal: higher means the network is expected to be more accurate. Pure in
// (network, seed). Expensive evaluators (training, a later issue) run in worker processes.
class AccuracyEvaluator {
 public:
  virtual ~AccuracyEvaluator() = default;
  virtual double evaluate(const wl::Network& net, std::uint64_t seed) const = 0;
};
struct EvaluatorInfo {
  std::string name;
  std::string description;
  std::function<std::unique_ptr<AccuracyEvaluator>()> make;  // null for "none"
};
// params, macs, none.
const std::vector<EvaluatorInfo>& evaluators();
// nullptr for "none"; UserError for an unknown name.
std::unique_ptr<AccuracyEvaluator> make_evaluator(const std::string& name);

enum class ScoreMode { Estimator, Sim };

struct EvalContext {
  ScoreMode mode = ScoreMode::Estimator;
  const cal::Estimator* estimator = nullptr;  // ScoreMode::Estimator
  const hw::HwSpec* hw = nullptr;
  sim::PlanOptions plan;
  const AccuracyEvaluator* accuracy = nullptr;  // may be null
  std::uint64_t seed = 1;
  int threads = 1;  // OpenMP threads for the estimator and the analysis
  int workers = 1;  // worker processes (> 1: the batch is shared out over forked processes)
};

struct Evaluation {
  Status status = Status::Ok;  // Ok or Failed
  std::string reason;
  Metrics metrics;
};

// One evaluation per network, in order. Never throws for a network that fails: it gets
// Status::Failed and the reason.
std::vector<Evaluation> evaluate_batch(const std::vector<const wl::Network*>& nets,
                                       const EvalContext& ctx);

// A one-line, exact text of an evaluation (worker pipes): reals as hexadecimal floats.
std::string evaluation_line(const Evaluation& e);
Evaluation parse_evaluation_line(const std::string& line);  // UserError when malformed

}  // namespace accelnas::nas

#endif  // ACCELNAS_NAS_EVALUATE_H
