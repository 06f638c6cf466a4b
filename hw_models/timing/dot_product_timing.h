// The dot-product array's timing rules (docs/HARDWARE_MODEL.md): PF units, each `dot_width` MAC
// lanes wide, reducing along input channels; each unit produces one output channel per pass.
//   A1 dense conv / FC: steps per output pixel per pass = Kh*Kw*ceil(Cin_per_group/dot_width)
//   A2 passes = groups * ceil(Cout_per_group/PF); depthwise: ceil(Cout/PF)
//   A3 depthwise channel_parallel: Kh*Kw steps per pixel per pass (one tap per cycle per unit);
//      tap_parallel: ceil(Kh*Kw/dot_width) steps (taps spread over the lanes)
//   A4 a step takes cycles_per_step(precision) cycles (1 at int8)
//   A5 each pass of a tile pays pipeline_latency cycles of fill and drain
//   A7 a k-chunk tile (weights split along input channels) runs only its chunk's steps
//   A6 the epilogue (bias, folded BN, activation) is fused into the output stage: no cycles
//   A8 small-channel packing: a dense conv with Cin_per_group < dot_width packs the kernel row's
//      taps (row: Kh*ceil(Kw*Cin/dot_width) steps) or every tap (taps: ceil(Kh*Kw*Cin/dot_width))
//      into the lanes
//   F3 a tile with a fused add / mul / pool takes max(its array cycles, the vector unit's V1
//      cycles for its fused element operations): the output stage runs beside the array
// Pure functions, SystemC-free: the DotProductArray module, the compute-kind registry and the
// estimator's features share them.
#ifndef ACCELNAS_HW_MODELS_TIMING_DOT_PRODUCT_TIMING_H
#define ACCELNAS_HW_MODELS_TIMING_DOT_PRODUCT_TIMING_H

#include <cstdint>

#include "hw_models/tiler.h"

namespace accelnas::hw {

// Steps per output pixel per pass of the whole layer (A1, A3, A8).
std::int64_t dot_product_steps_per_pixel_pass(const LayerJob& job, const HwSpec& hw);
// Cycles of one tile (A1-A5, A7, F3).
std::int64_t dot_product_tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw);
// PF * dot_width / cycles_per_step(p).
double dot_product_peak_macs_per_cycle(Precision p, const HwSpec& hw);

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_TIMING_DOT_PRODUCT_TIMING_H
