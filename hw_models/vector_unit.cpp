#include "hw_models/vector_unit.h"

namespace accelnas::hw {

std::int64_t VectorUnit::tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw) {
  const std::int64_t steps = (tile.vector_ops + hw.vector_lanes - 1) / hw.vector_lanes;
  return steps * hw.prec(job.precision).cycles_per_step + hw.vector_pipeline_latency_cycles;
}

}  // namespace accelnas::hw
