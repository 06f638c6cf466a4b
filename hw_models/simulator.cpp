#include "hw_models/simulator.h"

#include <cstdlib>

#include "hw_models/accelerator.h"
#include "hw_models/tiler.h"
#include "workloads/config/error.h"

namespace accelnas::hw {

Simulator::Simulator() {
  // The SystemC banner would corrupt machine-readable output on stdout.
  setenv("SYSC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  // One time unit per cycle: integer timing over the whole 64-bit range (about 1.8e19 cycles,
  // against 1.8e16 at SystemC's default 1 ps).
  sc_core::sc_set_time_resolution(1, sc_core::SC_NS);
  top_ = new Accelerator("accelerator");  // lives as long as the SystemC kernel: the process
}

Simulator& Simulator::instance() {
  static Simulator sim;
  return sim;
}

std::vector<LayerStats> Simulator::run(const HwSpec& hw, const std::vector<LayerJob>& jobs,
                                       TraceLog* trace) {
  std::vector<TilePlan> plans;
  plans.reserve(jobs.size());
  for (const auto& job : jobs) plans.push_back(plan_layer(job, hw));

  std::vector<LayerStats> stats(jobs.size());
  top_->configure(&hw, trace);
  const std::int64_t origin = now_cycles();
  if (trace != nullptr) trace->set_origin(origin);
  const std::int64_t done_before = top_->controller.completed();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    // C4: the next job's prefetched weights move during this job.
    const std::int64_t prefetch = i + 1 < jobs.size() ? jobs[i + 1].prefetched_weight_bytes : 0;
    top_->controller.enqueue(Descriptor{&jobs[i], &plans[i], &stats[i], prefetch});
  }
  sc_core::sc_start();  // returns when every event has been processed
  ACCELNAS_CHECK(
      top_->controller.completed() - done_before == static_cast<std::int64_t>(jobs.size()),
      "simulation stopped before every layer completed (deadlock)");
  for (auto& s : stats) s.start_cycle -= origin;
  ++runs_;
  return stats;
}

}  // namespace accelnas::hw

// libsystemc's own main() calls sc_main(); our programs have their own main() and elaborate the
// model through Simulator, so this is never called, but the shared library needs the symbol.
extern "C" int sc_main(int, char*[]) {
  return 0;
}
