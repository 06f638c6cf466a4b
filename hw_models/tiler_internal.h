// Internal to accelnas::hw_models: the mapper without the memo of plan_layer() (plan_memo.cpp).
#ifndef ACCELNAS_HW_MODELS_TILER_INTERNAL_H
#define ACCELNAS_HW_MODELS_TILER_INTERNAL_H

#include "hw_models/tiler.h"

namespace accelnas::hw {

// The mapper's choice for `job` (T6), computed afresh; plan_layer() answers repeats from memory.
void map_layer_uncached(const LayerJob& job, const HwSpec& hw, TilePlan& plan);

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_TILER_INTERNAL_H
