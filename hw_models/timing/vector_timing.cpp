#include "hw_models/timing/vector_timing.h"

namespace accelnas::hw {

std::int64_t vector_tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw) {
  const std::int64_t steps = (tile.vector_ops + hw.vector_lanes - 1) / hw.vector_lanes;
  return steps * hw.prec(job.precision).cycles_per_step + hw.vector_pipeline_latency_cycles;
}

double vector_peak_ops_per_cycle(Precision p, const HwSpec& hw) {
  const double cps = static_cast<double>(hw.prec(p).cycles_per_step);
  return static_cast<double>(hw.vector_lanes) / cps;
}

}  // namespace accelnas::hw
