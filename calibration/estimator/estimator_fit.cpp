// Training (docs/ESTIMATOR.md, "Target and layout"): the labels of one hardware become feature
// rows, XGBoost (loaded at run time, xgboost_api.h) grows the forests, and a held-out split scores
// both layouts. Prediction, the file and the caches are in estimator.cpp.
#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <numeric>
#include <sstream>

#include "calibration/estimator/coverage.h"
#include "calibration/estimator/estimator.h"
#include "calibration/estimator/estimator_internal.h"
#include "calibration/estimator/hw_text.h"
#include "calibration/estimator/unit_features.h"
#include "calibration/estimator/xgboost_api.h"
#include "workloads/config/error.h"

namespace accelnas::cal {
namespace {

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

// Training data: one feature row per usable label.
struct Dataset {
  std::vector<float> x;  // row-major, feature_count() columns
  std::vector<double> cycles;
  std::vector<UnitType> type;
  std::vector<bool> validation;
  std::int64_t unmappable = 0;
  std::map<std::string, std::int64_t> train_kinds;
};

Dataset load_dataset(const LabelSource& db, const std::string& hw_hash, const hw::HwSpec& hw,
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
    const UnitDesc d = parse_unit_text(r.unit_text, db.name() + ": label " + r.key);
    unit_features(d, hw, row.data());
    ds.x.insert(ds.x.end(), row.begin(), row.end());
    ds.cycles.push_back(static_cast<double>(r.stats.cycles));
    ds.type.push_back(d.type);
    ds.validation.push_back(in_validation(r.key, opt.seed, opt.validation_fraction));
    if (!ds.validation.back()) ++ds.train_kinds[unit_kind(d)];
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

Estimator fit(const LabelSource& db, const std::string& hw_hash, const FitOptions& opt,
              FitReport* report) {
  Estimator e;
  bool found = false;
  for (const HardwareRecord& r : db.hardware()) {
    if (r.hash != hw_hash) continue;
    e.hw_ = hw_from_description(r.description, r.canonical, db.name() + ": hardware " + r.hash);
    e.hw_hash_ = r.hash;
    e.hw_canonical_ = r.canonical;
    e.hw_description_ = r.description;
    found = true;
  }
  if (!found) throw UserError(db.name() + ": no hardware " + hw_hash + " in the label store");
  const Dataset ds = load_dataset(db, hw_hash, e.hw_, opt);
  if (ds.cycles.empty()) throw UserError(db.name() + ": no usable label for hardware " + hw_hash);
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
  r.train_kinds = ds.train_kinds;
  r.per_type_layout = score(pred_typed, actual);
  r.global_layout = score(pred_global, actual);
  bool typed = opt.layout == ModelLayout::PerType;
  if (opt.layout == ModelLayout::Auto)
    typed = actual.empty() || r.per_type_layout.rmspe <= r.global_layout.rmspe;
  r.layout = typed ? "per-type" : "global";
  r.overall = typed ? r.per_type_layout : r.global_layout;
  for (std::size_t t = 0; t < kNumUnitTypes; ++t)
    r.per_type[t] = score(typed ? type_typed[t] : type_global[t], type_actual[t]);

  e.global_ = global;
  if (typed) e.per_type_ = per_type;
  e.report_ = r;
  if (report != nullptr) *report = r;
  return e;
}

std::string format_report(const FitReport& r) {
  std::ostringstream os;
  os << "target " << r.target << ", layout " << r.layout << ", labels " << r.labels << " (train "
     << r.train_rows << ", validation " << r.validation_rows << ", unmappable " << r.unmappable
     << ")\n";
  // Every error column is in percent: RMSPE and MAPE of the relative error, and the share of
  // units within 5% and 10% of their label.
  auto line = [&](const std::string& name, const Score& s) {
    os << std::left << std::setw(18) << name << std::right << std::setw(7) << s.count << std::fixed
       << std::setprecision(3) << std::setw(10) << s.rmspe << std::setw(10) << s.mape
       << std::setprecision(2) << std::setw(11) << 100.0 * s.within5 << std::setw(11)
       << 100.0 * s.within10 << "\n";
  };
  os << std::left << std::setw(18) << "validation" << std::right << std::setw(7) << "n"
     << std::setw(10) << "RMSPE%" << std::setw(10) << "MAPE%" << std::setw(11) << "within5%"
     << std::setw(11) << "within10%"
     << "\n";
  for (std::size_t t = 0; t < kNumUnitTypes; ++t)
    if (r.per_type[t].count > 0) line(unit_type_name(static_cast<UnitType>(t)), r.per_type[t]);
  line("overall", r.overall);
  line("(per-type layout)", r.per_type_layout);
  line("(global layout)", r.global_layout);
  return os.str();
}

}  // namespace accelnas::cal
