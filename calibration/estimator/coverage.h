// What a label set covers, and what it leaves the estimator to guess (docs/ESTIMATOR.md,
// "Coverage warnings").
//
// A unit's *kind* is its type, refined by its op for the one-layer types: "ibn", "fused_ibn",
// "se", "conv:conv2d", "conv:fully_connected", "vector:add", "vector:resize", ... The trees
// predict a kind they have few or no labels of from the labels of other kinds, so `fit` warns
// when the kinds that real networks need (those of the zoo networks on the estimator's hardware)
// are thin in the training labels, and when the labels are few overall.
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_COVERAGE_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_COVERAGE_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "calibration/estimator/unit.h"
#include "hw_models/hw_spec.h"

namespace accelnas::cal {

// Below these, `fit` warns: labels of the hardware in all, and training labels of a needed kind.
constexpr std::int64_t kFewLabels = 1000;
constexpr std::int64_t kFewKindLabels = 30;

std::string unit_kind(const UnitDesc& d);

// Each kind the zoo networks (default parameters, batch 1) decompose into on `hw`, with the
// networks that need it, in zoo order. Networks that cannot be planned on `hw` are left out.
std::map<std::string, std::vector<std::string>> kinds_needed_by_zoo(const hw::HwSpec& hw);

// One sentence per problem, without a prefix: too few labels overall, and each needed kind with
// fewer than kFewKindLabels training labels (`train_kinds`: kind -> training rows).
std::vector<std::string> coverage_warnings(
    std::int64_t labels, const std::map<std::string, std::int64_t>& train_kinds,
    const std::map<std::string, std::vector<std::string>>& needed);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_COVERAGE_H
