// Internal to the estimator: shared by estimator.cpp (prediction, the file) and
// estimator_fit.cpp (training); not part of the library's interface.
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_ESTIMATOR_INTERNAL_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_ESTIMATOR_INTERNAL_H

#include <string>

#include "calibration/estimator/estimator.h"
#include "hw_models/hw_spec.h"

namespace accelnas::cal {

// The analytical cycles a target's ratio divides by (1 for log(cycles)), from a feature row.
double target_base(Target t, const float* features);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_ESTIMATOR_INTERNAL_H
