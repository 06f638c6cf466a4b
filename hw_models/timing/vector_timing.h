// The vector unit's timing rule (docs/HARDWARE_MODEL.md): `lanes` elements per step for
// elementwise ops, pooling, concat and resize.
//   V1 cycles per tile = ceil(element_ops / lanes) * cycles_per_step(precision)
//      + vector.pipeline_latency, where pooling counts window elements per output element
// Pure functions, SystemC-free: the VectorUnit module, the compute-kind registry and the
// estimator's features share them.
#ifndef ACCELNAS_HW_MODELS_TIMING_VECTOR_TIMING_H
#define ACCELNAS_HW_MODELS_TIMING_VECTOR_TIMING_H

#include <cstdint>

#include "hw_models/tiler.h"

namespace accelnas::hw {

// Cycles of one tile (V1).
std::int64_t vector_tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw);
// vector.lanes / cycles_per_step(p) element operations per cycle.
double vector_peak_ops_per_cycle(Precision p, const HwSpec& hw);

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_TIMING_VECTOR_TIMING_H
