#include "estimator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iomanip>
#include <mutex>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "analysis/memory.h"
#include "error.h"
#include "hw_text.h"
#include "label_gen.h"
#include "prediction_cache.h"
#include "unit_features.h"
#include "xgboost_api.h"

namespace accelnas::cal {
namespace {

using json = nlohmann::json;

void xgb_check(int rc, const char* what) {
  if (rc != 0) throw UserError(std::string("XGBoost: ") + what + ": " + xgb().GetLastError());
}

// RAII for the two XGBoost handles.
struct DMatrix {
  DMatrixHandle h = nullptr;
  DMatrix(const std::vector<float>& x, std::size_t cols) {
    const auto rows = static_cast<bst_ulong>(x.size() / cols);
    xgb_check(xgb().DMatrixCreateFromMat(x.data(), rows, static_cast<bst_ulong>(cols), NAN, &h),
              "XGDMatrixCreateFromMat");
  }
  ~DMatrix() { xgb().DMatrixFree(h); }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
};

struct Booster {
  BoosterHandle h = nullptr;
  explicit Booster(const DMatrix& train) {
    xgb_check(xgb().BoosterCreate(&train.h, 1, &h), "XGBoosterCreate");
  }
  ~Booster() { xgb().BoosterFree(h); }
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  void set(const char* key, const std::string& value) {
    xgb_check(xgb().BoosterSetParam(h, key, value.c_str()), "XGBoosterSetParam");
  }
};

std::string num(double v) {
  std::ostringstream os;
  os << std::setprecision(17) << v;
  return os.str();
}

// The analytical cycles a target divides by (1 for log(cycles)).
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

Target parse_target(const std::string& s, const std::string& where) {
  for (Target t : {Target::LogCycles, Target::LogRooflineRatio, Target::LogTimelineRatio})
    if (s == target_name(t)) return t;
  throw UserError(where + ": unknown target \"" + s + "\"");
}

// Deterministic, row-order-free split: a hash of the label key and the seed.
bool in_validation(const std::string& key, std::uint64_t seed, double fraction) {
  std::uint64_t h = seed * 0x9e3779b97f4a7c15ULL;
  for (const char c : key) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<double>(h >> 11) * 0x1.0p-53 < fraction;
}

Score score(const std::vector<double>& pred, const std::vector<double>& actual) {
  Score s;
  s.count = static_cast<std::int64_t>(pred.size());
  if (pred.empty()) return s;
  double sq = 0, abs = 0, w5 = 0, w10 = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) {
    const double e = pred[i] / actual[i] - 1.0;
    sq += e * e;
    abs += std::fabs(e);
    w5 += std::fabs(e) <= 0.05 ? 1 : 0;
    w10 += std::fabs(e) <= 0.10 ? 1 : 0;
  }
  const auto n = static_cast<double>(pred.size());
  s.rmspe = 100.0 * std::sqrt(sq / n);
  s.mape = 100.0 * abs / n;
  s.within5 = w5 / n;
  s.within10 = w10 / n;
  return s;
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
  return r;
}

// The HwSpec of a stored description: every parameter as written, over the default preset.
hw::HwSpec hw_from_description(const std::string& description, const std::string& canonical,
                               const std::string& where) {
  const json d = json::parse(description);
  cfg::Overrides overrides;
  for (const auto& [key, value] : d.at("params").items())
    overrides.emplace_back(key, value.get<std::string>());
  hw::HwSpec hw = hw::load_hw(hw::kDefaultPreset, overrides);
  hw.name = d.value("name", hw.name);
  hw.description = d.value("description", hw.description);
  hw.source = where;
  if (hw_canonical_text(hw) != canonical)
    throw UserError(where +
                    ": the stored hardware description does not rebuild its canonical text");
  return hw;
}

// Training data: one feature row per usable label.
struct Dataset {
  std::vector<float> x;  // row-major, feature_count() columns
  std::vector<double> cycles;
  std::vector<UnitType> type;
  std::vector<bool> validation;
  std::int64_t unmappable = 0;
};

Dataset load_dataset(const LabelDb& db, const std::string& hw_hash, const hw::HwSpec& hw,
                     const FitOptions& opt) {
  Dataset ds;
  const std::size_t cols = feature_count();
  std::vector<float> row(cols);
  db.for_each([&](const LabelRow& r) {
    if (r.hw_hash != hw_hash) return;
    if (r.status != "ok" || r.stats.cycles <= 0) {
      ++ds.unmappable;
      return;
    }
    const UnitDesc d = parse_unit_text(r.unit_text, db.path() + ": label " + r.key);
    unit_features(d, hw, row.data());
    ds.x.insert(ds.x.end(), row.begin(), row.end());
    ds.cycles.push_back(static_cast<double>(r.stats.cycles));
    ds.type.push_back(d.type);
    ds.validation.push_back(in_validation(r.key, opt.seed, opt.validation_fraction));
  });
  return ds;
}

// Rows of `ds` selected by `pick`, with their targets.
void select(const Dataset& ds, Target target, const std::function<bool(std::size_t)>& pick,
            std::vector<float>& x, std::vector<float>& y) {
  const std::size_t cols = feature_count();
  x.clear();
  y.clear();
  for (std::size_t i = 0; i < ds.cycles.size(); ++i) {
    if (!pick(i)) continue;
    const float* f = &ds.x[i * cols];
    x.insert(x.end(), f, f + cols);
    y.push_back(static_cast<float>(std::log(ds.cycles[i] / target_base(target, f))));
  }
}

}  // namespace

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
      return "log_cycles";
    case Target::LogRooflineRatio:
      return "log_roofline_ratio";
    case Target::LogTimelineRatio:
      return "log_timeline_ratio";
  }
  return "?";
}

std::string xgboost_version() {
  int major = 0, minor = 0, patch = 0;
  xgb().Version(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

TrainedForest train_forest(const std::vector<float>& x, std::size_t cols,
                           const std::vector<float>& y, const FitOptions& opt,
                           const std::vector<float>* check_x) {
  if (y.empty() || x.size() != y.size() * cols)
    throw UserError("train_forest: no rows, or rows and targets disagree");
  DMatrix train(x, cols);
  xgb_check(xgb().DMatrixSetFloatInfo(train.h, "label", y.data(), static_cast<bst_ulong>(y.size())),
            "XGDMatrixSetFloatInfo");
  Booster b(train);
  const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  b.set("objective", "reg:squarederror");
  b.set("tree_method", "hist");
  b.set("verbosity", "0");
  b.set("nthread", std::to_string(std::max(1, opt.threads)));
  b.set("seed", std::to_string(opt.seed & 0x7fffffff));
  b.set("max_depth", std::to_string(opt.max_depth));
  b.set("eta", num(opt.eta));
  b.set("subsample", num(opt.subsample));
  b.set("colsample_bytree", num(opt.colsample_bytree));
  b.set("min_child_weight", num(opt.min_child_weight));
  b.set("lambda", num(opt.lambda));
  b.set("base_score", num(static_cast<float>(mean)));
  for (int i = 0; i < opt.rounds; ++i)
    xgb_check(xgb().BoosterUpdateOneIter(b.h, i, train.h), "XGBoosterUpdateOneIter");
  bst_ulong len = 0;
  const char* buf = nullptr;
  xgb_check(xgb().BoosterSaveModelToBuffer(b.h, "{\"format\": \"json\"}", &len, &buf),
            "XGBoosterSaveModelToBuffer");
  TrainedForest out{Forest::from_xgboost_json(std::string(buf, len), "XGBoost"), {}};
  if (check_x != nullptr) {
    DMatrix check(*check_x, cols);
    const float* res = nullptr;
    bst_ulong n = 0;
    xgb_check(xgb().BoosterPredict(b.h, check.h, 1 /* output margin */, 0, 0, &n, &res),
              "XGBoosterPredict");
    out.xgboost_margins.assign(res, res + n);
  }
  return out;
}

float Estimator::margin(UnitType type, const float* features) const {
  const auto& forest = per_type_[static_cast<std::size_t>(type)];
  return forest ? forest->margin(features) : global_->margin(features);
}

double Estimator::cycles_from(UnitType type, const float* features) const {
  return target_base(target_, features) * std::exp(static_cast<double>(margin(type, features)));
}

Estimator fit(const LabelDb& db, const std::string& hw_hash, const FitOptions& opt,
              FitReport* report) {
  Estimator e;
  bool found = false;
  for (const HardwareRecord& r : db.hardware()) {
    if (r.hash != hw_hash) continue;
    e.hw_ = hw_from_description(r.description, r.canonical, db.path() + ": hardware " + r.hash);
    e.hw_hash_ = r.hash;
    e.hw_canonical_ = r.canonical;
    e.hw_description_ = r.description;
    found = true;
  }
  if (!found) throw UserError(db.path() + ": no hardware " + hw_hash + " in the label store");
  const Dataset ds = load_dataset(db, hw_hash, e.hw_, opt);
  if (ds.cycles.empty()) throw UserError(db.path() + ": no usable label for hardware " + hw_hash);
  e.target_ = opt.target;
  e.xgboost_version_ = xgboost_version();

  const std::size_t cols = feature_count();
  const std::size_t n = ds.cycles.size();
  std::vector<float> x, y;
  auto train_on = [&](const std::function<bool(std::size_t)>& pick) {
    select(ds, opt.target, pick, x, y);
    return train_forest(x, cols, y, opt).forest;
  };
  const Forest global = train_on([&](std::size_t i) { return !ds.validation[i]; });
  std::array<std::optional<Forest>, kNumUnitTypes> per_type;
  for (std::size_t t = 0; t < kNumUnitTypes; ++t) {
    const auto type = static_cast<UnitType>(t);
    std::int64_t rows = 0;
    for (std::size_t i = 0; i < n; ++i) rows += !ds.validation[i] && ds.type[i] == type;
    if (rows < opt.min_type_rows) continue;
    per_type[t] = train_on([&](std::size_t i) { return !ds.validation[i] && ds.type[i] == type; });
  }

  // Validation scores of both layouts, overall and per type.
  std::vector<double> actual, pred_global, pred_typed;
  std::array<std::vector<double>, kNumUnitTypes> type_actual, type_global, type_typed;
  for (std::size_t i = 0; i < n; ++i) {
    if (!ds.validation[i]) continue;
    const float* f = &ds.x[i * cols];
    const auto t = static_cast<std::size_t>(ds.type[i]);
    const double base = target_base(opt.target, f);
    const double g = base * std::exp(static_cast<double>(global.margin(f)));
    const double p = per_type[t] ? base * std::exp(static_cast<double>(per_type[t]->margin(f))) : g;
    actual.push_back(ds.cycles[i]);
    pred_global.push_back(g);
    pred_typed.push_back(p);
    type_actual[t].push_back(ds.cycles[i]);
    type_global[t].push_back(g);
    type_typed[t].push_back(p);
  }
  FitReport r;
  r.target = target_name(opt.target);
  r.labels = static_cast<std::int64_t>(n);
  r.unmappable = ds.unmappable;
  r.validation_rows = static_cast<std::int64_t>(actual.size());
  r.train_rows = r.labels - r.validation_rows;
  r.per_type_layout = score(pred_typed, actual);
  r.global_layout = score(pred_global, actual);
  bool typed = opt.layout == ModelLayout::PerType;
  if (opt.layout == ModelLayout::Auto)
    typed = actual.empty() || r.per_type_layout.rmspe <= r.global_layout.rmspe;
  r.layout = typed ? "per_type" : "global";
  r.overall = typed ? r.per_type_layout : r.global_layout;
  for (std::size_t t = 0; t < kNumUnitTypes; ++t)
    r.per_type[t] = score(typed ? type_typed[t] : type_global[t], type_actual[t]);

  e.global_ = global;
  if (typed) e.per_type_ = per_type;
  e.report_ = r;
  if (report != nullptr) *report = r;
  return e;
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
              {"global_layout", score_json(r.global_layout)}};
}

std::string format_report(const FitReport& r) {
  std::ostringstream os;
  os << "target " << r.target << ", layout " << r.layout << ", labels " << r.labels << " (train "
     << r.train_rows << ", validation " << r.validation_rows << ", unmappable " << r.unmappable
     << ")\n";
  auto line = [&](const std::string& name, const Score& s) {
    os << std::left << std::setw(18) << name << std::right << std::setw(7) << s.count << std::fixed
       << std::setprecision(3) << std::setw(10) << s.rmspe << std::setw(10) << s.mape
       << std::setprecision(4) << std::setw(9) << s.within5 << std::setw(9) << s.within10 << "\n";
  };
  os << std::left << std::setw(18) << "validation" << std::right << std::setw(7) << "n"
     << std::setw(10) << "RMSPE%" << std::setw(10) << "MAPE%" << std::setw(9) << "<=5%"
     << std::setw(9) << "<=10%"
     << "\n";
  for (std::size_t t = 0; t < kNumUnitTypes; ++t)
    if (r.per_type[t].count > 0) line(unit_type_name(static_cast<UnitType>(t)), r.per_type[t]);
  line("overall", r.overall);
  line("(per-type layout)", r.per_type_layout);
  line("(global layout)", r.global_layout);
  return os.str();
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
  const std::string tmp = path + ".tmp";
  {
    std::ofstream os(tmp, std::ios::binary | std::ios::trunc);
    if (!os) throw UserError(path + ": cannot write the estimator (" + tmp + ")");
    os << j.dump() << "\n";
    os.flush();
    if (!os) throw UserError(path + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw UserError(path + ": cannot rename " + tmp + " over it");
  }
}

Estimator Estimator::load(const std::string& path, const hw::HwSpec* expected_hw, bool force) {
  std::ifstream is(path, std::ios::binary);
  if (!is) throw UserError(path + ": cannot read the estimator file");
  std::stringstream ss;
  ss << is.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
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
    throw UserError(path + ": corrupt estimator file: " + ex.what());
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
    e.hw_ = *expected_hw;
  } else {
    try {
      e.hw_ = hw_from_description(e.hw_description_, e.hw_canonical_, path);
    } catch (const json::exception& ex) {
      throw UserError(path + ": corrupt hardware description: " + ex.what());
    }
  }
  return e;
}

void Estimator::plan_units(const wl::Network& net, const sim::PlanOptions& opt,
                           sim::NetworkPlan& plan, std::vector<Unit>& units) const {
  try {
    sim::plan_network(net, hw_, opt, plan);
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
        assemble_features(d, summarize_in(d, net, units[u].layers, jobs, hw_), term_ptrs, hw_,
                          f.data());
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
