#include <algorithm>
#include <cmath>

#include "hw_models/tiler.h"
#include "sim/planner.h"
#include "workloads/config/error.h"

namespace accelnas::sim {

namespace {

// Only weights loaded once (they fit the weight SRAM) are prefetched.
bool prefetchable(const hw::LayerJob& job, const hw::HwSpec& hw) {
  return job.weight_bytes > 0 && job.weight_bytes <= hw.sram_weight_bytes;
}

class ReplaySource : public LayerTimingSource {
 public:
  Facts facts(const hw::LayerJob& job, const hw::HwSpec& hw) const override {
    thread_local hw::TilePlan plan;  // its tile list is reused from job to job
    hw::plan_layer(job, hw, plan);
    // The mapper replayed the chosen program.
    return Facts{plan.cycles, plan.dram_bytes, plan.idle_bus_cycles, plan.weight_slot_bytes};
  }
};

}  // namespace

void plan_weight_prefetch(std::vector<hw::LayerJob>& jobs, const hw::HwSpec& hw,
                          std::int64_t first_budget_bytes, const LayerTimingSource* source) {
  for (hw::LayerJob& job : jobs) job.prefetched_weight_bytes = 0;
  if (!hw.prefetch_weights || jobs.empty()) return;
  static const ReplaySource replay;
  if (source == nullptr) source = &replay;
  std::int64_t budget = std::max<std::int64_t>(0, first_budget_bytes);
  std::int64_t room = hw.sram_weight_bytes;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    hw::LayerJob& job = jobs[j];
    if (prefetchable(job, hw))
      job.prefetched_weight_bytes = std::min({job.weight_bytes, budget, room});
    budget = 0;
    if (j + 1 == jobs.size() || !prefetchable(jobs[j + 1], hw)) continue;
    // This job's idle bus time, from the replay of its tile program (equal to the simulated
    // timeline), less one DRAM latency so the last prefetched byte lands within the job.
    std::int64_t idle = 0, slot = 0;
    try {
      const LayerTimingSource::Facts f = source->facts(job, hw);
      idle = f.idle_bus_cycles;
      slot = f.weight_slot_bytes;
    } catch (const UserError&) {
      continue;  // unmappable: reported where the job is simulated or estimated, not here
    }
    const std::int64_t usable = idle - hw.dram_latency_cycles();
    if (usable <= 0) continue;
    budget = static_cast<std::int64_t>(
        std::floor(static_cast<double>(usable) * hw.dram_bytes_per_cycle()));
    room = hw.sram_weight_bytes - slot;
  }
}

}  // namespace accelnas::sim
