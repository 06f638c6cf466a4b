// The entry point to the SystemC model. SystemC allows one kernel per process, so the model is
// elaborated once, on first use, and every run() streams its layer jobs through that one
// elaboration. Parallelism across configurations is by processes (see sim/sweep).
//
// Contract: run() plans every job first (a job that cannot be mapped throws UserError before
// any simulation), then simulates them in order, back to back, and returns one LayerStats per
// job. Results depend only on (hw, jobs): runs are independent and deterministic.
#ifndef ACCELNAS_HW_MODELS_SIMULATOR_H
#define ACCELNAS_HW_MODELS_SIMULATOR_H

#include <vector>

#include "hw_models/hw_spec.h"
#include "hw_models/layer_job.h"
#include "hw_models/layer_stats.h"
#include "hw_models/trace_log.h"

namespace accelnas::hw {

class Accelerator;

class Simulator {
 public:
  static Simulator& instance();
  std::vector<LayerStats> run(const HwSpec& hw, const std::vector<LayerJob>& jobs,
                              TraceLog* trace = nullptr);
  std::int64_t runs() const { return runs_; }

 private:
  Simulator();
  Accelerator* top_;
  std::int64_t runs_ = 0;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_SIMULATOR_H
