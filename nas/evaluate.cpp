#include "nas/evaluate.h"

#include <omp.h>

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "sim/runtime/worker_pool.h"
#include "sim/simulate.h"
#include "workloads/analysis/memory.h"
#include "workloads/config/error.h"
#include "workloads/config/suggest.h"
#include "workloads/config/text.h"
#include "workloads/config/units.h"

namespace accelnas::nas {
namespace {

struct ObjectiveInfo {
  Objective objective;
  const char* name;
};
constexpr ObjectiveInfo kObjectives[] = {
    {Objective::Latency, "latency"},   {Objective::Params, "params"}, {Objective::Peak, "peak"},
    {Objective::Accuracy, "accuracy"}, {Objective::Macs, "macs"},     {Objective::Energy, "energy"},
};

std::vector<std::string> objective_names() {
  std::vector<std::string> names;
  for (const auto& o : kObjectives) names.push_back(o.name);
  return names;
}

// Relative excess over a limit.
double excess(double value, double limit) {
  if (limit <= 0) return value > 0 ? 1.0 + value : 0.0;
  return std::max(0.0, value / limit - 1.0);
}

std::int64_t weight_bytes(const wl::Network& net, const hw::HwSpec& hw) {
  std::int64_t bytes = 0;
  for (std::size_t i = 0; i < net.size(); ++i)
    bytes += wl::layer_params(net, i) * hw.prec(net.layer(i).precision).bytes;
  return bytes;
}

// The analysis part of the metrics, shared by both score modes.
void analyse(const wl::Network& net, const EvalContext& ctx, Metrics& m) {
  m.params = wl::total_params(net);
  m.macs = wl::total_macs(net) * ctx.plan.batch;
  wl::MemoryOptions mem;
  mem.batch = ctx.plan.batch;
  mem.precision = ctx.plan.precision;
  m.peak_activation_bytes = wl::peak_activation_bytes(net, mem);
  m.weight_bytes = weight_bytes(net, *ctx.hw);
  if (ctx.accuracy != nullptr) m.accuracy = ctx.accuracy->evaluate(net, ctx.seed);
}

// One network, in this process, without OpenMP (also what a worker process runs).
Evaluation evaluate_one(const wl::Network& net, const EvalContext& ctx) {
  Evaluation e;
  try {
    if (ctx.mode == ScoreMode::Estimator) {
      const cal::NetworkPrediction p = ctx.estimator->predict(net, ctx.plan);
      e.metrics.cycles = p.cycles;
      e.metrics.latency_ms = p.latency_ms;
    } else {
      const sim::SimResult r = sim::simulate_network(net, *ctx.hw, ctx.plan);
      e.metrics.cycles = static_cast<double>(r.total.cycles);
      e.metrics.latency_ms = r.total.latency_ms;
      e.metrics.energy_uj = r.total.energy_uj;
    }
    analyse(net, ctx, e.metrics);
  } catch (const std::exception& ex) {
    e = Evaluation{};
    e.status = Status::Failed;
    e.reason = ex.what();
  }
  return e;
}

std::string hex(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", v);
  return buf;
}

double unhex(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) throw UserError("malformed number '" + s + "'");
  return v;
}

class ParamsEvaluator : public AccuracyEvaluator {
 public:
  double evaluate(const wl::Network& net, std::uint64_t) const override {
    return std::log10(static_cast<double>(std::max<std::int64_t>(1, wl::total_params(net))));
  }
};

class MacsEvaluator : public AccuracyEvaluator {
 public:
  double evaluate(const wl::Network& net, std::uint64_t) const override {
    return std::log10(static_cast<double>(std::max<std::int64_t>(1, wl::total_macs(net))));
  }
};

}  // namespace

const char* objective_name(Objective o) {
  for (const auto& info : kObjectives)
    if (info.objective == o) return info.name;
  return "?";
}

std::vector<Objective> parse_objectives(const std::string& text) {
  std::vector<Objective> out;
  for (const std::string& raw : split(text, ',')) {
    const std::string name = trim(raw);
    bool found = false;
    for (const auto& info : kObjectives) {
      if (name != info.name) continue;
      for (const Objective o : out)
        if (o == info.objective) throw UserError("--objectives: '" + name + "' is listed twice");
      out.push_back(info.objective);
      found = true;
    }
    if (!found) {
      throw UserError("--objectives: unknown objective '" + name + "'" +
                      suggestion_suffix(name, objective_names()) +
                      "; expected a comma-separated list of: " + join(objective_names(), ", "));
    }
  }
  if (out.empty()) throw UserError("--objectives: expected at least one objective");
  return out;
}

std::string objectives_text(const std::vector<Objective>& objectives) {
  std::string s;
  for (const Objective o : objectives) s += (s.empty() ? "" : ",") + std::string(objective_name(o));
  return s;
}

double objective_value(Objective o, const Metrics& m) {
  switch (o) {
    case Objective::Latency:
      return m.latency_ms;
    case Objective::Params:
      return static_cast<double>(m.params);
    case Objective::Peak:
      return static_cast<double>(m.peak_activation_bytes);
    case Objective::Accuracy:
      return -m.accuracy;
    case Objective::Macs:
      return static_cast<double>(m.macs);
    case Objective::Energy:
      return m.energy_uj;
  }
  return kNaN;
}

std::vector<double> objective_values(const std::vector<Objective>& objectives, const Metrics& m) {
  std::vector<double> v;
  v.reserve(objectives.size());
  for (const Objective o : objectives) v.push_back(objective_value(o, m));
  return v;
}

bool Constraints::any() const {
  return max_latency_ms || max_params || max_macs || max_peak_activation_bytes || sram_fit;
}

nlohmann::json Constraints::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  if (max_latency_ms) j["max_latency_ms"] = *max_latency_ms;
  if (max_params) j["max_params"] = *max_params;
  if (max_macs) j["max_macs"] = *max_macs;
  if (max_peak_activation_bytes) j["max_peak_activation_bytes"] = *max_peak_activation_bytes;
  if (sram_fit) j["sram_fit"] = true;
  return j;
}

std::string Constraints::text() const {
  std::vector<std::string> parts;
  const auto num = [](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return std::string(buf);
  };
  if (max_latency_ms) parts.push_back("latency <= " + num(*max_latency_ms) + " ms");
  if (max_params) parts.push_back("params <= " + num(*max_params));
  if (max_macs) parts.push_back("MACs <= " + num(*max_macs));
  if (max_peak_activation_bytes)
    parts.push_back("peak activation <= " + num(*max_peak_activation_bytes) + " bytes");
  if (sram_fit) parts.push_back("weights and peak activations fit the SRAM");
  return parts.empty() ? "none" : join(parts, ", ");
}

namespace {

template <class F>
double limit(const std::string& text, const std::string& option, F&& parse) {
  double v = 0;
  try {
    v = parse(text);
  } catch (const std::invalid_argument& e) {
    throw UserError(option + ": " + e.what());
  }
  if (!(v > 0)) throw UserError(option + ": expected a positive limit, got '" + text + "'");
  return v;
}

}  // namespace

double parse_latency_limit_ms(const std::string& text, const std::string& option) {
  return limit(text, option, [](const std::string& t) { return units::parse_duration_s(t) * 1e3; });
}

double parse_count_limit(const std::string& text, const std::string& option) {
  return limit(text, option, [](const std::string& t) { return units::parse_count(t); });
}

double parse_bytes_limit(const std::string& text, const std::string& option) {
  return limit(text, option, [](const std::string& t) {
    return static_cast<double>(units::parse_size_bytes(t));
  });
}

double violation(const Constraints& c, const Metrics& m, const hw::HwSpec& hw) {
  double v = 0;
  if (c.max_latency_ms) v += excess(m.latency_ms, *c.max_latency_ms);
  if (c.max_params) v += excess(static_cast<double>(m.params), *c.max_params);
  if (c.max_macs) v += excess(static_cast<double>(m.macs), *c.max_macs);
  if (c.max_peak_activation_bytes)
    v += excess(static_cast<double>(m.peak_activation_bytes), *c.max_peak_activation_bytes);
  if (c.sram_fit) {
    v += excess(static_cast<double>(m.weight_bytes), static_cast<double>(hw.sram_weight_bytes));
    v += excess(static_cast<double>(m.peak_activation_bytes),
                static_cast<double>(hw.sram_activation_bytes));
  }
  return v;
}

nlohmann::json Reward::to_json() const {
  nlohmann::json j{{"kind", reward_name(kind)}};
  if (kind != RewardKind::None) {
    j["target_latency_ms"] = target_latency_ms;
    j["weight"] = weight;
  }
  return j;
}

RewardKind parse_reward(const std::string& text) {
  if (text == "none") return RewardKind::None;
  if (text == "mnas") return RewardKind::Mnas;
  if (text == "tunas") return RewardKind::Tunas;
  throw UserError("--reward: unknown reward '" + text + "'" +
                  suggestion_suffix(text, {"none", "mnas", "tunas"}) +
                  "; expected none, mnas or tunas");
}

const char* reward_name(RewardKind k) {
  switch (k) {
    case RewardKind::Mnas:
      return "mnas";
    case RewardKind::Tunas:
      return "tunas";
    case RewardKind::None:
      break;
  }
  return "none";
}

double score(const Reward& r, const std::vector<Objective>& objectives, const Metrics& m) {
  const double ratio = m.latency_ms / r.target_latency_ms;
  switch (r.kind) {
    case RewardKind::Mnas:
      return -(m.accuracy * std::pow(ratio, r.weight));
    case RewardKind::Tunas:
      return -(m.accuracy + r.weight * std::abs(ratio - 1.0));
    case RewardKind::None:
      break;
  }
  return objective_value(objectives.front(), m);
}

const std::vector<EvaluatorInfo>& evaluators() {
  static const std::vector<EvaluatorInfo> list = {
      {"params", "log10 of the parameter count (a hard-to-beat accuracy proxy)",
       [] { return std::unique_ptr<AccuracyEvaluator>(new ParamsEvaluator); }},
      {"macs", "log10 of the multiply-accumulates (a hard-to-beat accuracy proxy)",
       [] { return std::unique_ptr<AccuracyEvaluator>(new MacsEvaluator); }},
      {"none", "no accuracy signal (latency and memory objectives only)", nullptr},
  };
  return list;
}

std::unique_ptr<AccuracyEvaluator> make_evaluator(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& e : evaluators()) {
    if (e.name == name) return e.make ? e.make() : nullptr;
    names.push_back(e.name);
  }
  throw UserError("--evaluator: unknown evaluator '" + name + "'" + suggestion_suffix(name, names) +
                  "; expected one of: " + join(names, ", "));
}

std::vector<Evaluation> evaluate_batch(const std::vector<const wl::Network*>& nets,
                                       const EvalContext& ctx) {
  std::vector<Evaluation> out(nets.size());
  if (nets.empty()) return out;
  if (ctx.workers > 1) {
    runtime::run_in_order(
        "search", nets.size(), ctx.workers,
        [&](std::size_t i) { return evaluation_line(evaluate_one(*nets[i], ctx)); },
        [&](std::size_t i, const std::string& line) { out[i] = parse_evaluation_line(line); });
    return out;
  }
  if (ctx.mode == ScoreMode::Sim) {  // one SystemC kernel per process: one at a time
    for (std::size_t i = 0; i < nets.size(); ++i) out[i] = evaluate_one(*nets[i], ctx);
    return out;
  }
  const auto n = static_cast<std::int64_t>(nets.size());
#pragma omp parallel for schedule(dynamic, 8) num_threads(std::max(1, ctx.threads))
  for (std::int64_t i = 0; i < n; ++i) {
    out[static_cast<std::size_t>(i)] = evaluate_one(*nets[static_cast<std::size_t>(i)], ctx);
  }
  return out;
}

std::string evaluation_line(const Evaluation& e) {
  if (e.status != Status::Ok) {
    std::string reason = e.reason;
    for (char& c : reason)
      if (c == '\n' || c == '\r') c = ' ';
    return std::string("failed\t") + reason;
  }
  const Metrics& m = e.metrics;
  return "ok\t" + hex(m.latency_ms) + "\t" + hex(m.cycles) + "\t" + std::to_string(m.params) +
         "\t" + std::to_string(m.macs) + "\t" + std::to_string(m.peak_activation_bytes) + "\t" +
         std::to_string(m.weight_bytes) + "\t" + hex(m.energy_uj) + "\t" + hex(m.accuracy);
}

Evaluation parse_evaluation_line(const std::string& line) {
  Evaluation e;
  const std::vector<std::string> f = split(line, '\t');
  if (f.size() == 2 && f[0] == "failed") {
    e.status = Status::Failed;
    e.reason = f[1];
    return e;
  }
  if (f.size() != 9 || f[0] != "ok") throw UserError("search: malformed evaluation from a worker");
  Metrics& m = e.metrics;
  m.latency_ms = unhex(f[1]);
  m.cycles = unhex(f[2]);
  m.params = units::parse_integer(f[3]);
  m.macs = units::parse_integer(f[4]);
  m.peak_activation_bytes = units::parse_integer(f[5]);
  m.weight_bytes = units::parse_integer(f[6]);
  m.energy_uj = unhex(f[7]);
  m.accuracy = unhex(f[8]);
  return e;
}

}  // namespace accelnas::nas
