// The latency estimator: a network's cycles as the sum of its units' predicted cycles
// (docs/ESTIMATOR.md). Units come from cal::decompose; each unit's features (unit_features.h) go
// through a gradient-boosted forest trained with XGBoost on simulator labels, evaluated here by
// our own walker (tree_eval.h), so prediction never calls XGBoost.
//
// Hardware: an estimator is trained for one hardware description and stores it whole
// (hash, canonical text, description with every parameter). load() rebuilds the HwSpec from
// the stored parameters, or takes the caller's when given (checked by hash, see load()).
//
// Contract: predict() and predict_batch() are pure and const: the same networks and options give
// bit-identical predictions whatever the thread count or order, before and after save / load,
// and whatever the prediction cache (PredictionCacheStats) holds: it changes how fast, not what.
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_ESTIMATOR_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_ESTIMATOR_H

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calibration/estimator/label_source.h"
#include "calibration/estimator/tree_eval.h"
#include "calibration/estimator/unit.h"
#include "hw_models/hw_spec.h"
#include "sim/planner.h"
#include "workloads/network.h"

namespace accelnas::cal {

// What the forest learns. The cycles are the target's inverse: base * exp(margin).
enum class Target {
  LogCycles,         // log(cycles)
  LogRooflineRatio,  // log(cycles / roofline_cycles)
  LogTimelineRatio,  // log(cycles / timeline_cycles): the analytical tile-program replay
};
// The option spelling, also stored in the file: "log-cycles", "log-roofline-ratio",
// "log-timeline-ratio". target_from_name() also takes the underscore spelling of older files.
const char* target_name(Target t);
std::optional<Target> target_from_name(const std::string& s);

enum class ModelLayout {
  Auto,     // both, keep the better overall validation RMSPE
  PerType,  // one forest per unit type (types with too few rows use a global forest)
  Global,   // one forest for every type (the type is a one-hot feature)
};

struct FitOptions {
  std::uint64_t seed = 1;
  double validation_fraction = 0.2;  // of the labels, chosen by a hash of the key and seed
  int rounds = 300;
  int max_depth = 6;
  double eta = 0.1;
  double subsample = 1.0;
  double colsample_bytree = 1.0;
  double min_child_weight = 1.0;
  double lambda = 1.0;
  int min_type_rows = 30;  // fewer training rows of a type: it uses the global forest
  // The default learns from its labels: the roofline is an analytical scale, and everything the
  // hardware does beyond it (the replay of the tile program is a feature) comes from the labels.
  // LogTimelineRatio divides by that replay, which equals the simulator's own cycles, so on
  // simulated labels it learns a constant; it is kept as an explicit choice.
  Target target = Target::LogRooflineRatio;
  ModelLayout layout = ModelLayout::Auto;
  int threads = 1;  // XGBoost's nthread while training; 1 keeps training bit-reproducible
};

// Relative error e = predicted / simulated - 1 over a set of units.
struct Score {
  std::int64_t count = 0;
  double rmspe = 0;     // sqrt(mean e^2), percent
  double mape = 0;      // mean |e|, percent
  double within5 = 0;   // share with |e| <= 5%
  double within10 = 0;  // share with |e| <= 10%
};

struct FitReport {
  std::string target;
  std::string layout;           // the layout kept: "per-type" or "global"
  std::int64_t labels = 0;      // usable labels ("ok", this hardware)
  std::int64_t unmappable = 0;  // labels of this hardware that are not "ok"
  std::int64_t train_rows = 0;
  std::int64_t validation_rows = 0;
  std::array<Score, kNumUnitTypes> per_type{};  // validation, kept layout
  Score overall;                                // validation, kept layout
  Score per_type_layout;                        // validation overall of each layout tried
  Score global_layout;
  std::map<std::string, std::int64_t> train_kinds;  // training rows per cal::unit_kind
};
nlohmann::json to_json(const FitReport& r);
std::string format_report(const FitReport& r);  // a small table for humans, errors in percent

struct UnitPrediction {
  UnitType type = UnitType::Conv;
  double cycles = 0;
};

struct NetworkPrediction {
  std::vector<UnitPrediction> units;
  double cycles = 0;  // the sum of the units'
  double latency_ms = 0;
  std::int64_t params = 0;                 // wl::total_params
  std::int64_t peak_activation_bytes = 0;  // wl::peak_activation_bytes, default order
  std::string error;  // predict_batch only: non-empty when the network cannot be predicted
};

// What predict() remembers between calls (estimator.cpp): each distinct unit description's
// predicted cycles, and each distinct layer job's hardware-aware terms, both keyed by content
// (a hash and a full comparison of every field). Both are pure functions of their key for a
// given estimator, so a hit returns exactly what computing again would. Shared by the threads
// of predict_batch (sharded, one mutex per shard). Bounded: a shard that reaches its share of
// the capacity is emptied before the next insertion. A copied estimator starts empty.
struct PredictionCacheStats {
  std::size_t units = 0, layers = 0;  // entries held now
  std::int64_t unit_hits = 0, unit_misses = 0, layer_hits = 0, layer_misses = 0;
};
class PredictionCache;
class PredictionCacheSlot {
 public:
  PredictionCacheSlot();
  ~PredictionCacheSlot();
  PredictionCacheSlot(const PredictionCacheSlot& other);
  PredictionCacheSlot& operator=(const PredictionCacheSlot& other);
  PredictionCacheSlot(PredictionCacheSlot&&) noexcept;
  PredictionCacheSlot& operator=(PredictionCacheSlot&&) noexcept;
  PredictionCache& get() const { return *cache_; }

 private:
  std::unique_ptr<PredictionCache> cache_;
};

class Estimator {
 public:
  // Throws UserError "<path>: <reason>": unreadable, truncated or corrupt file, a format version
  // newer than kFormatVersion, features of another build. When expected_hw is given and its
  // hardware hash differs from the stored one, that is a UserError unless `force`; with force
  // the estimator predicts for expected_hw with the stored forests. Without expected_hw the
  // HwSpec is rebuilt from the stored parameters.
  static Estimator load(const std::string& path, const hw::HwSpec* expected_hw = nullptr,
                        bool force = false);
  // Through an OutputFile: a regular file is replaced atomically. Throws UserError naming the
  // path.
  void save(const std::string& path) const;

  static constexpr int kFormatVersion = 1;

  // Cycles of one unit. Throws UserError when the unit cannot be mapped onto the hardware.
  double predict_unit(const UnitDesc& d) const;

  // Throws UserError "<network>: unit <i> (<type>): <reason>" when a unit cannot be mapped.
  NetworkPrediction predict(const wl::Network& net, const sim::PlanOptions& opt) const;
  // The same as predict(), computed the plain way: no cache, each unit's raw attributes from its
  // rebuilt network (cal::summarize) and the features through unit_features(). The oracle the
  // tests hold predict() to, and the baseline of the benchmark.
  NetworkPrediction predict_reference(const wl::Network& net, const sim::PlanOptions& opt) const;
  // One prediction per network, in parallel (OpenMP); an unpredictable network gets `error`
  // set instead of throwing.
  std::vector<NetworkPrediction> predict_batch(const std::vector<wl::Network>& nets,
                                               const sim::PlanOptions& opt) const;

  // The prediction cache (see PredictionCacheStats). Capacities are entries; 0 disables that
  // cache. Defaults: 32768 units, 65536 layers. Not thread-safe against a concurrent predict.
  void set_cache_capacity(std::size_t units, std::size_t layers);
  void clear_cache();
  PredictionCacheStats cache_stats() const;

  const hw::HwSpec& hw() const { return hw_; }
  const std::string& hw_hash() const { return hw_hash_; }
  // True when load() was forced onto hardware other than the labels' (hw() is then that other
  // hardware): the trees never saw a label of it, so predictions are extrapolation.
  bool forced() const { return forced_; }
  // The warning a command prints when forced(), naming both hardware descriptions.
  std::string forced_warning() const;
  Target target() const { return target_; }
  const FitReport& report() const { return report_; }
  std::int64_t labels() const { return report_.labels; }

 private:
  friend Estimator fit(const LabelSource& labels, const std::string& hw_hash, const FitOptions& opt,
                       FitReport* report);
  hw::HwSpec hw_;
  std::string hw_hash_, hw_canonical_, hw_description_;
  std::string xgboost_version_;
  bool forced_ = false;
  Target target_ = Target::LogRooflineRatio;
  std::optional<Forest> global_;
  std::array<std::optional<Forest>, kNumUnitTypes> per_type_;
  FitReport report_;
  PredictionCacheSlot cache_;

  float margin(UnitType type, const float* features) const;
  // Plans the network and splits it into units; errors name the network.
  void plan_units(const wl::Network& net, const sim::PlanOptions& opt, sim::NetworkPlan& plan,
                  std::vector<Unit>& units) const;
  double cycles_from(UnitType type, const float* features) const;
};

// Trains on the "ok" labels of `hw_hash` in `labels` (a label database, calibration/labels/).
// Throws UserError naming labels.name() when it has no such hardware or no usable label.
// `report` (optional) receives the fit report.
Estimator fit(const LabelSource& labels, const std::string& hw_hash, const FitOptions& opt,
              FitReport* report = nullptr);

// One XGBoost regression forest on a row-major matrix (cols columns), for fit() and for testing
// the walker: also returns XGBoost's own margins on `check_x` (same layout) when given.
struct TrainedForest {
  Forest forest;
  std::vector<float> xgboost_margins;
};
TrainedForest train_forest(const std::vector<float>& x, std::size_t cols,
                           const std::vector<float>& y, const FitOptions& opt,
                           const std::vector<float>* check_x = nullptr);

std::string xgboost_version();  // "major.minor.patch" of the linked library

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_ESTIMATOR_H
