#include "hw_models/compute_unit.h"

#include "hw_models/timing/compute_kinds.h"

namespace accelnas::hw {

ComputeUnit::ComputeUnit(sc_core::sc_module_name name, std::size_t kind)
    : sc_core::sc_module(name),
      commands("commands"),
      kind_(kind),
      trace_block_(compute_kind(kind).name.c_str()) {
  SC_HAS_PROCESS(ComputeUnit);
  SC_THREAD(run);
}

std::int64_t ComputeUnit::cycles_for(const LayerJob& job, const Tile& tile) const {
  return compute_kind(kind_).tile_cycles(job, tile, hw());
}

void ComputeUnit::run() {
  for (;;) {
    const ComputeCmd cmd = commands.read();
    const std::int64_t start = now_cycles();
    const std::int64_t n = cycles_for(*cmd.job, *cmd.tile);
    sc_core::wait(cycles(n));
    busy_cycles_ += n;
    if (trace_ != nullptr) trace_->add(trace_block_, cmd.job->name, start, now_cycles());
    cmd.done->advance();
  }
}

}  // namespace accelnas::hw
