// The estimator: prediction (cached), the estimator file, and what both share with training
// (estimator_fit.cpp).
#include "calibration/estimator/estimator.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "calibration/estimator/estimator_internal.h"
#include "calibration/estimator/hw_text.h"
#include "calibration/estimator/prediction_cache.h"
#include "calibration/estimator/unit_features.h"
#include "sim/json_text.h"
#include "workloads/analysis/memory.h"
#include "workloads/config/error.h"
#include "workloads/config/input_file.h"
#include "workloads/config/output_file.h"

namespace accelnas::cal {
namespace {

using json = nlohmann::json;

Target parse_target(const std::string& s, const std::string& where) {
  if (const auto t = target_from_name(s)) return *t;
  throw UserError(where + ": unknown target \"" + s + "\"");
}

json score_json(const Score& s) {
  return json{{"count", s.count},
              {"rmspe", s.rmspe},
              {"mape", s.mape},
              {"within5", s.within5},
              {"within10", s.within10}};
}

Score score_from(const json& j) {
  return Score{j.at("count").get<std::int64_t>(), j.at("rmspe").get<double>(),
               j.at("mape").get<double>(), j.at("within5").get<double>(),
               j.at("within10").get<double>()};
}

FitReport report_from(const json& j) {
  FitReport r;
  r.target = j.at("target").get<std::string>();
  r.layout = j.at("layout").get<std::string>();
  r.labels = j.at("labels").get<std::int64_t>();
  r.unmappable = j.at("unmappable").get<std::int64_t>();
  r.train_rows = j.at("train_rows").get<std::int64_t>();
  r.validation_rows = j.at("validation_rows").get<std::int64_t>();
  for (std::size_t t = 0; t < kNumUnitTypes; ++t)
    r.per_type[t] = score_from(j.at("per_type").at(unit_type_name(static_cast<UnitType>(t))));
  r.overall = score_from(j.at("overall"));
  r.per_type_layout = score_from(j.at("per_type_layout"));
  r.global_layout = score_from(j.at("global_layout"));
  if (j.contains("train_kinds"))
    r.train_kinds = j.at("train_kinds").get<std::map<std::string, std::int64_t>>();
  return r;
}

}  // namespace

double target_base(Target t, const float* f) {
  static const std::size_t roofline = feature_index("roofline_cycles");
  static const std::size_t timeline = feature_index("timeline_cycles");
  switch (t) {
    case Target::LogRooflineRatio:
      return std::max(1.0, static_cast<double>(f[roofline]));
    case Target::LogTimelineRatio:
      return std::max(1.0, static_cast<double>(f[timeline]));
    case Target::LogCycles:
      break;
  }
  return 1.0;
}

void Estimator::set_cache_capacity(std::size_t units, std::size_t layers) {
  cache_.get().units.set_capacity(units);
  cache_.get().layers.set_capacity(layers);
}

void Estimator::clear_cache() {
  cache_.get().units.clear();
  cache_.get().layers.clear();
}

PredictionCacheStats Estimator::cache_stats() const {
  PredictionCacheStats s;
  cache_.get().units.stats(s.units, s.unit_hits, s.unit_misses);
  cache_.get().layers.stats(s.layers, s.layer_hits, s.layer_misses);
  return s;
}

const char* target_name(Target t) {
  switch (t) {
    case Target::LogCycles:
      return "log-cycles";
    case Target::LogRooflineRatio:
      return "log-roofline-ratio";
    case Target::LogTimelineRatio:
      return "log-timeline-ratio";
  }
  return "?";
}

std::optional<Target> target_from_name(const std::string& s) {
  for (Target t : {Target::LogCycles, Target::LogRooflineRatio, Target::LogTimelineRatio}) {
    std::string legacy = target_name(t);  // older files wrote log_cycles, ...
    std::replace(legacy.begin(), legacy.end(), '-', '_');
    if (s == target_name(t) || s == legacy) return t;
  }
  return std::nullopt;
}

float Estimator::margin(UnitType type, const float* features) const {
  const auto& forest = per_type_[static_cast<std::size_t>(type)];
  return forest ? forest->margin(features) : global_->margin(features);
}

double Estimator::cycles_from(UnitType type, const float* features) const {
  return target_base(target_, features) * std::exp(static_cast<double>(margin(type, features)));
}

json to_json(const FitReport& r) {
  json per_type = json::object();
  for (std::size_t t = 0; t < kNumUnitTypes; ++t)
    per_type[unit_type_name(static_cast<UnitType>(t))] = score_json(r.per_type[t]);
  return json{{"target", r.target},
              {"layout", r.layout},
              {"labels", r.labels},
              {"unmappable", r.unmappable},
              {"train_rows", r.train_rows},
              {"validation_rows", r.validation_rows},
              {"per_type", per_type},
              {"overall", score_json(r.overall)},
              {"per_type_layout", score_json(r.per_type_layout)},
              {"global_layout", score_json(r.global_layout)},
              {"train_kinds", r.train_kinds}};
}

void Estimator::save(const std::string& path) const {
  json types = json::object();
  for (std::size_t t = 0; t < kNumUnitTypes; ++t)
    if (per_type_[t]) types[unit_type_name(static_cast<UnitType>(t))] = per_type_[t]->to_json();
  const json j{
      {"format_version", kFormatVersion},
      {"xgboost_version", xgboost_version_},
      {"hardware",
       {{"hash", hw_hash_}, {"canonical", hw_canonical_}, {"description", hw_description_}}},
      {"features", feature_names()},
      {"target", target_name(target_)},
      {"global", global_->to_json()},
      {"per_type", types},
      {"labels", report_.labels},
      {"fit_report", to_json(report_)}};
  OutputFile out(path);
  out.stream() << sim::json_text(j) << "\n";
  out.commit();
}

Estimator Estimator::load(const std::string& path, const hw::HwSpec* expected_hw, bool force) {
  json j;
  try {
    j = json::parse(read_input_file(path));
  } catch (const json::exception&) {
    throw UserError(path + ": not an estimator file (truncated or corrupt JSON)");
  }
  Estimator e;
  try {
    if (!j.is_object() || !j.contains("format_version"))
      throw UserError("not an estimator file (no format_version)");
    const int version = j.at("format_version").get<int>();
    if (version > kFormatVersion) {
      throw UserError("estimator format version " + std::to_string(version) +
                      " is newer than this build reads (" + std::to_string(kFormatVersion) +
                      "): update accelnas");
    }
    if (j.at("features").get<std::vector<std::string>>() != feature_names())
      throw UserError("trained on other features than this build computes: retrain it");
    e.xgboost_version_ = j.at("xgboost_version").get<std::string>();
    const json& h = j.at("hardware");
    e.hw_hash_ = h.at("hash").get<std::string>();
    e.hw_canonical_ = h.at("canonical").get<std::string>();
    e.hw_description_ = h.at("description").get<std::string>();
    e.target_ = parse_target(j.at("target").get<std::string>(), path);
    const int cols = static_cast<int>(feature_count());
    auto forest = [&](const json& f, const std::string& what) {
      Forest out = Forest::from_json(f, path + ": " + what);
      if (out.max_feature() >= cols) throw UserError(what + ": a split on a missing feature");
      return out;
    };
    e.global_ = forest(j.at("global"), "global");
    for (const auto& [name, f] : j.at("per_type").items()) {
      bool known = false;
      for (std::size_t t = 0; t < kNumUnitTypes; ++t) {
        if (name != unit_type_name(static_cast<UnitType>(t))) continue;
        e.per_type_[t] = forest(f, "per_type." + name);
        known = true;
      }
      if (!known) throw UserError("unknown unit type " + name);
    }
    e.report_ = report_from(j.at("fit_report"));
  } catch (const json::exception& ex) {
    throw UserError(path + ": corrupt estimator file: " + sim::json_error_text(ex));
  } catch (const UserError& ex) {
    const std::string what = ex.what();
    throw UserError(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  }
  if (expected_hw != nullptr) {
    const HardwareRecord rec = hardware_record(*expected_hw);
    if (rec.hash != e.hw_hash_ && !force) {
      throw UserError(path + ": trained for hardware " + e.hw_hash_.substr(0, 12) + ", not " +
                      expected_hw->name + " (" + rec.hash.substr(0, 12) +
                      "); --force uses it anyway");
    }
    e.forced_ = rec.hash != e.hw_hash_;
    e.hw_ = *expected_hw;
  } else {
    e.hw_ = hw_from_description(e.hw_description_, e.hw_canonical_, path);
  }
  return e;
}

std::string Estimator::forced_warning() const {
  std::string trained = "?";
  try {
    trained = json::parse(hw_description_).value("name", trained);
  } catch (const json::exception&) {
  }
  return "the estimator was trained on labels of " + trained + " (" + hw_hash_.substr(0, 12) +
         "), not of " + hw_.name +
         " (--force): it has seen none of this hardware's labels, so these predictions are "
         "extrapolation; label " +
         hw_.name + " and fit on its labels";
}

namespace {

// The weight prefetch's questions (C4) answered from the layer cache, which the features ask
// again for the same jobs right after.
class CachedTiming : public sim::LayerTimingSource {
 public:
  explicit CachedTiming(PredictionCache& cache) : cache_(cache) {}
  Facts facts(const hw::LayerJob& job, const hw::HwSpec& hw) const override {
    const std::uint64_t h = hash_job(job);
    LayerTerms t;
    if (!cache_.layers.find(h, job, t)) {
      t = layer_terms(job, hw);
      cache_.layers.insert(h, job, t);
    }
    return Facts{static_cast<std::int64_t>(t.timeline),
                 static_cast<std::int64_t>(t.load_bytes + t.store_bytes), t.idle_bus_cycles,
                 t.weight_slot_bytes};
  }

 private:
  PredictionCache& cache_;
};

}  // namespace

void Estimator::plan_units(const wl::Network& net, const sim::PlanOptions& opt,
                           sim::NetworkPlan& plan, std::vector<Unit>& units) const {
  try {
    const CachedTiming timing(cache_.get());
    sim::PlanOptions cached = opt;
    cached.timing_source = &timing;
    sim::plan_network(net, hw_, cached, plan);
    decompose(net, hw_, opt, plan, units);
  } catch (const UserError& e) {
    throw UserError(net.name + ": " + e.what());
  }
}

double Estimator::predict_unit(const UnitDesc& d) const {
  std::vector<float> f(feature_count());
  unit_features(d, hw_, f.data());
  return cycles_from(d.type, f.data());
}

NetworkPrediction Estimator::predict(const wl::Network& net, const sim::PlanOptions& opt) const {
  // This thread's plan and units, reused from call to call: a network whose units are all
  // cached then costs planning and lookups, and no allocation but the result's.
  thread_local sim::NetworkPlan plan;
  thread_local std::vector<Unit> units;
  plan_units(net, opt, plan, units);
  PredictionCache& cache = cache_.get();
  NetworkPrediction out;
  out.units.reserve(units.size());
  std::vector<float> f;  // sized at the first miss: a warm network allocates none of these
  std::vector<const hw::LayerJob*> jobs;
  std::vector<LayerTerms> terms;
  std::vector<const LayerTerms*> term_ptrs;
  for (std::size_t u = 0; u < units.size(); ++u) {
    const UnitDesc& d = units[u].desc;
    const std::uint64_t unit_hash = hash_desc(d);
    double c = 0;
    if (!cache.units.find(unit_hash, d, c)) {
      f.resize(feature_count());
      jobs.clear();
      for (const std::size_t j : units[u].jobs) jobs.push_back(&plan.jobs[j]);
      terms.resize(jobs.size());
      term_ptrs.clear();
      try {
        for (std::size_t k = 0; k < jobs.size(); ++k) {
          const std::uint64_t job_hash = hash_job(*jobs[k]);
          if (!cache.layers.find(job_hash, *jobs[k], terms[k])) {
            terms[k] = layer_terms(*jobs[k], hw_);
            cache.layers.insert(job_hash, *jobs[k], terms[k]);
          }
          term_ptrs.push_back(&terms[k]);
        }
        assemble_features(d, summarize_in(d, net, units[u], jobs, hw_), term_ptrs, hw_, f.data());
      } catch (const UserError& e) {
        throw UserError(net.name + ": unit " + std::to_string(u) + " (" + unit_type_name(d.type) +
                        "): " + e.what());
      }
      c = cycles_from(d.type, f.data());
      cache.units.insert(unit_hash, d, c);
    }
    out.units.push_back(UnitPrediction{d.type, c});
    out.cycles += c;
  }
  out.latency_ms = out.cycles / hw_.clock_hz * 1e3;
  // wl::total_params: every job's weight bytes are its layer's parameters times the element size.
  for (const hw::LayerJob& j : plan.jobs) {
    const std::int64_t bytes = hw_.prec(j.precision).bytes;
    if (bytes <= 0) {
      out.params = wl::total_params(net);
      break;
    }
    out.params += j.weight_bytes / bytes;
  }
  out.peak_activation_bytes =
      wl::peak_activation_bytes(net, wl::MemoryOptions{opt.batch, opt.precision});
  return out;
}

NetworkPrediction Estimator::predict_reference(const wl::Network& net,
                                               const sim::PlanOptions& opt) const {
  sim::NetworkPlan plan;
  std::vector<Unit> units;
  plan_units(net, opt, plan, units);
  NetworkPrediction out;
  out.units.reserve(units.size());
  std::vector<float> f(feature_count());
  std::vector<const hw::LayerJob*> jobs;
  for (std::size_t u = 0; u < units.size(); ++u) {
    jobs.clear();
    for (const std::size_t j : units[u].jobs) jobs.push_back(&plan.jobs[j]);
    try {
      unit_features(units[u].desc, jobs, hw_, f.data());
    } catch (const UserError& e) {
      throw UserError(net.name + ": unit " + std::to_string(u) + " (" +
                      unit_type_name(units[u].desc.type) + "): " + e.what());
    }
    const double c = cycles_from(units[u].desc.type, f.data());
    out.units.push_back(UnitPrediction{units[u].desc.type, c});
    out.cycles += c;
  }
  out.latency_ms = out.cycles / hw_.clock_hz * 1e3;
  out.params = wl::total_params(net);
  out.peak_activation_bytes =
      wl::peak_activation_bytes(net, wl::MemoryOptions{opt.batch, opt.precision});
  return out;
}

std::vector<NetworkPrediction> Estimator::predict_batch(const std::vector<wl::Network>& nets,
                                                        const sim::PlanOptions& opt) const {
  std::vector<NetworkPrediction> out(nets.size());
  const auto n = static_cast<std::int64_t>(nets.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    try {
      out[k] = predict(nets[k], opt);
    } catch (const std::exception& e) {
      out[k] = NetworkPrediction{};
      out[k].error = e.what();
    }
  }
  return out;
}

}  // namespace accelnas::cal
