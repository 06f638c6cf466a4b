// The dot-product array: PF units, each `dot_width` MAC lanes wide, reducing along input
// channels. Each unit produces one output channel per pass. Timing rules (docs/HARDWARE_MODEL.md):
//   A1 dense conv / FC: steps per output pixel per pass = Kh*Kw*ceil(Cin_per_group/dot_width)
//   A2 passes = groups * ceil(Cout_per_group/PF); depthwise: ceil(Cout/PF)
//   A3 depthwise channel_parallel: Kh*Kw steps per pixel per pass (one tap per cycle per unit);
//      tap_parallel: ceil(Kh*Kw/dot_width) steps (taps spread over the lanes)
//   A4 a step takes cycles_per_step(precision) cycles (1 at int8)
//   A5 each pass of a tile pays pipeline_latency cycles of fill and drain
//   A7 a k-chunk tile (weights split along input channels) runs only its chunk's steps
//   A6 the epilogue (bias, folded BN, activation) is fused into the output stage: no cycles
#ifndef ACCELNAS_HW_MODELS_DOT_PRODUCT_ARRAY_H
#define ACCELNAS_HW_MODELS_DOT_PRODUCT_ARRAY_H

#include <cstdint>
#include <systemc>

#include "hw_models/compute_unit.h"

namespace accelnas::hw {

class DotProductArray : public ComputeUnit {
 public:
  explicit DotProductArray(sc_core::sc_module_name name) : ComputeUnit(name, "dot_product_array") {}
  std::int64_t cycles_for(const LayerJob& job, const Tile& tile) const override {
    return tile_cycles(job, tile, hw());
  }

  // Pure timing rules, shared with the tests and the estimator's features.
  static std::int64_t steps_per_pixel_pass(const LayerJob& job, const HwSpec& hw);
  static std::int64_t tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw);
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_DOT_PRODUCT_ARRAY_H
