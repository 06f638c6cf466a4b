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
  return taps * ceil_div(job.in_channels_per_group, hw.dot_width);
}

std::int64_t dot_product_tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw) {
  const std::int64_t step = hw.prec(job.precision).cycles_per_step;
  const std::int64_t steps =
      tile.steps_per_pixel > 0 ? tile.steps_per_pixel : dot_product_steps_per_pixel_pass(job, hw);
  return tile.pixels * tile.passes * steps * step + tile.passes * hw.pipeline_latency_cycles;
}

double dot_product_peak_macs_per_cycle(Precision p, const HwSpec& hw) {
  return hw.peak_macs_per_cycle(p);
}

}  // namespace accelnas::hw
