#include "hw_models/compute_unit.h"

namespace accelnas::hw {

ComputeUnit::ComputeUnit(sc_core::sc_module_name name, const char* trace_block)
    : sc_core::sc_module(name), commands("commands"), trace_block_(trace_block) {
  SC_HAS_PROCESS(ComputeUnit);
  SC_THREAD(run);
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
