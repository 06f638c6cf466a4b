// The dot-product array: PF units, each `dot_width` MAC lanes wide, reducing along input
// channels. Each unit produces one output channel per pass. Its timing rules (A1-A7) are
// hw_models/timing/dot_product_timing.h; it is compute kind dot_product_array, the default of
// `compute.kind`.
#ifndef ACCELNAS_HW_MODELS_DOT_PRODUCT_ARRAY_H
#define ACCELNAS_HW_MODELS_DOT_PRODUCT_ARRAY_H

#include <cstdint>
#include <systemc>

#include "hw_models/compute_unit.h"
#include "hw_models/timing/compute_kinds.h"
#include "hw_models/timing/dot_product_timing.h"

namespace accelnas::hw {

class DotProductArray : public ComputeUnit {
 public:
  explicit DotProductArray(sc_core::sc_module_name name)
      : ComputeUnit(name, kDotProductArrayKind) {}
  std::int64_t cycles_for(const LayerJob& job, const Tile& tile) const override {
    return dot_product_tile_cycles(job, tile, hw());
  }
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_DOT_PRODUCT_ARRAY_H
