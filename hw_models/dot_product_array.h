// The dot-product array: PF units, each `dot_width` MAC lanes wide, reducing along input
// channels. Each unit produces one output channel per pass. Timing rules (docs/HARDWARE_MODEL.md):
//   A1 dense conv / FC: steps per output pixel per pass = Kh*Kw*ceil(Cin_per_group/dot_width)
//   A2 passes = groups * ceil(Cout_per_group/PF); depthwise: ceil(Cout/PF)
//   A3 depthwise channel_parallel: Kh*Kw steps per pixel per pass (one tap per cycle per unit);
//      tap_parallel: ceil(Kh*Kw/dot_width) steps (taps spread over the lanes)
//   A4 a step takes cycles_per_step(precision) cycles (1 at int8)
//   A5 each pass of a tile pays pipeline_latency cycles of fill and drain
//   A6 the epilogue (bias, folded BN, activation) is fused into the output stage: no cycles
#ifndef ACCELNAS_HW_MODELS_DOT_PRODUCT_ARRAY_H
#define ACCELNAS_HW_MODELS_DOT_PRODUCT_ARRAY_H

#include <cstdint>
#include <systemc>

#include "commands.h"
#include "hw_spec.h"
#include "trace_log.h"

namespace accelnas::hw {

class DotProductArray : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_in<ComputeCmd> commands;

  explicit DotProductArray(sc_core::sc_module_name name);
  void configure(const HwSpec* hw, TraceLog* trace) {
    hw_ = hw;
    trace_ = trace;
  }
  std::int64_t busy_cycles() const { return busy_cycles_; }

  // Pure timing rules, shared with the tests and the estimator's features.
  static std::int64_t steps_per_pixel_pass(const LayerJob& job, const HwSpec& hw);
  static std::int64_t tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw);

 private:
  void run();
  const HwSpec* hw_ = nullptr;
  TraceLog* trace_ = nullptr;
  std::int64_t busy_cycles_ = 0;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_DOT_PRODUCT_ARRAY_H
