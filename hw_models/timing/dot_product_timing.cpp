#include "hw_models/timing/dot_product_timing.h"

namespace accelnas::hw {
namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}
}  // namespace

std::int64_t dot_product_steps_per_pixel_pass(const LayerJob& job, const HwSpec& hw) {
  const std::int64_t taps = job.kernel_h * job.kernel_w;
  if (job.depthwise) {
    return hw.depthwise == DepthwiseMode::TapParallel ? ceil_div(taps, hw.dot_width) : taps;
  }
  const std::int64_t cin = job.in_channels_per_group;
  if (cin < hw.dot_width) {  // A8: the lanes would idle; pack taps into them
    switch (hw.small_channel_packing) {
      case SmallChannelPacking::None:
        break;
      case SmallChannelPacking::Row:
        return job.kernel_h * ceil_div(job.kernel_w * cin, hw.dot_width);
      case SmallChannelPacking::Taps:
        return ceil_div(taps * cin, hw.dot_width);
    }
  }
  return taps * ceil_div(cin, hw.dot_width);
}

std::int64_t dot_product_tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw) {
  const std::int64_t step = hw.prec(job.precision).cycles_per_step;
  const std::int64_t steps =
      tile.steps_per_pixel > 0 ? tile.steps_per_pixel : dot_product_steps_per_pixel_pass(job, hw);
  const std::int64_t array =
      tile.pixels * tile.passes * steps * step + tile.passes * hw.pipeline_latency_cycles;
  if (tile.fused_vector_ops <= 0) return array;
  // F3: the fused add, mul or pool runs on the vector unit's lanes beside the array (the output
  // stage works in parallel with it), at the vector unit's own rate (V1).
  const std::int64_t fused =
      ceil_div(tile.fused_vector_ops, hw.vector_lanes) * step + hw.vector_pipeline_latency_cycles;
  return array > fused ? array : fused;
}

double dot_product_peak_macs_per_cycle(Precision p, const HwSpec& hw) {
  return hw.peak_macs_per_cycle(p);
}

}  // namespace accelnas::hw
