// The vector unit: `lanes` elements per step for elementwise ops, pooling, concat and resize.
// Its timing rule (V1) is hw_models/timing/vector_timing.h; it is compute kind vector_unit,
// which runs every vector job.
#ifndef ACCELNAS_HW_MODELS_VECTOR_UNIT_H
#define ACCELNAS_HW_MODELS_VECTOR_UNIT_H

#include <cstdint>
#include <systemc>

#include "hw_models/compute_unit.h"
#include "hw_models/timing/compute_kinds.h"
#include "hw_models/timing/vector_timing.h"

namespace accelnas::hw {

class VectorUnit : public ComputeUnit {
 public:
  explicit VectorUnit(sc_core::sc_module_name name) : ComputeUnit(name, kVectorUnitKind) {}
  std::int64_t cycles_for(const LayerJob& job, const Tile& tile) const override {
    return vector_tile_cycles(job, tile, hw());
  }
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_VECTOR_UNIT_H
