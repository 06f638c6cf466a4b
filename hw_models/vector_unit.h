// The vector unit: `lanes` elements per step for elementwise ops, pooling, concat and resize.
// Timing rules (docs/HARDWARE_MODEL.md):
//   V1 cycles per tile = ceil(element_ops / lanes) * cycles_per_step(precision)
//      + vector.pipeline_latency, where pooling counts window elements per output element
#ifndef ACCELNAS_HW_MODELS_VECTOR_UNIT_H
#define ACCELNAS_HW_MODELS_VECTOR_UNIT_H

#include <cstdint>
#include <systemc>

#include "hw_models/compute_unit.h"

namespace accelnas::hw {

class VectorUnit : public ComputeUnit {
 public:
  explicit VectorUnit(sc_core::sc_module_name name) : ComputeUnit(name, "vector_unit") {}
  std::int64_t cycles_for(const LayerJob& job, const Tile& tile) const override {
    return tile_cycles(job, tile, hw());
  }

  static std::int64_t tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw);
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_VECTOR_UNIT_H
