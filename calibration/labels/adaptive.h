// Adaptive sampling (as nn-Meter does): more labels around the units the current estimator gets
// most wrong (docs/ESTIMATOR.md, "Adaptive sampling").
//
// adaptive_space() scores every "ok" label of the estimator's hardware in the database, keeps the
// `worst` ones by relative error, and writes a sampling space with one unit kind per such unit:
// its type, kernel, stride, expansion, op, precision, batch and context fixed, its resolution and
// channels drawn from a small neighbourhood around its own. `accelnas label --adaptive` labels
// that space like any other, so the new samples are keyed, deduplicated and resumable as usual.
#ifndef ACCELNAS_CALIBRATION_LABELS_ADAPTIVE_H
#define ACCELNAS_CALIBRATION_LABELS_ADAPTIVE_H

#include <cstdint>
#include <string>
#include <vector>

#include "calibration/estimator/estimator.h"
#include "calibration/labels/label_db.h"

namespace accelnas::cal {

struct AdaptiveOptions {
  std::uint64_t worst = 100;  // units to sample around
  // Only units whose |relative error| exceeds this: a unit predicted within 1% is not worth
  // ten new labels (the estimator's network target is 5%).
  double min_error = 0.01;
  std::int64_t resolution_step = 2;  // resolution drawn from own +- step
  std::int64_t channel_step = 4;     // channels drawn from own +- step
};

struct AdaptiveUnit {
  std::string key;
  std::string type;
  double error = 0;  // (predicted - simulated) / simulated
};

struct AdaptiveReport {
  std::uint64_t scored = 0;  // ok labels of the estimator's hardware
  double mean_abs_error = 0;
  double max_abs_error = 0;
  std::vector<AdaptiveUnit> chosen;  // worst first
};

// The YAML text of the neighbourhood space, or "" when no label's error exceeds min_error
// (nothing to chase: the caller simulates nothing). Throws UserError when the database has no
// usable label of the estimator's hardware.
std::string adaptive_space(const LabelDb& db, const Estimator& est, const AdaptiveOptions& opt,
                           AdaptiveReport* report = nullptr);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABELS_ADAPTIVE_H
