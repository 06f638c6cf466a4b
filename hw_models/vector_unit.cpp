#include "vector_unit.h"

namespace accelnas::hw {

VectorUnit::VectorUnit(sc_core::sc_module_name name)
    : sc_core::sc_module(name), commands("commands") {
  SC_HAS_PROCESS(VectorUnit);
  SC_THREAD(run);
}

std::int64_t VectorUnit::tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw) {
  const std::int64_t steps = (tile.vector_ops + hw.vector_lanes - 1) / hw.vector_lanes;
  return steps * hw.prec(job.precision).cycles_per_step + hw.vector_pipeline_latency_cycles;
}

void VectorUnit::run() {
  for (;;) {
    const ComputeCmd cmd = commands.read();
    const std::int64_t start = now_cycles();
    const std::int64_t n = tile_cycles(*cmd.job, *cmd.tile, *hw_);
    sc_core::wait(cycles(n));
    busy_cycles_ += n;
    if (trace_ != nullptr) trace_->add("vector_unit", cmd.job->name, start, now_cycles());
    cmd.done->advance();
  }
}

}  // namespace accelnas::hw
