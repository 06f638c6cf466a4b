// Parameter sweeps: the cartesian product of `--set KEY=V1,V2,...` axes over one network.
// With jobs > 1 the configurations are shared out to worker processes (SystemC allows one
// kernel per process); each worker reuses its one elaboration for all its configurations. Rows
// come back in configuration order, so the output does not depend on the number of jobs.
#ifndef ACCELNAS_SIM_SWEEP_H
#define ACCELNAS_SIM_SWEEP_H

#include <functional>
#include <string>
#include <vector>

#include "params.h"
#include "report.h"
#include "simulate.h"

namespace accelnas::sim {

struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};

// Parses "compute.parallelism_factor=8,16,32". UserError on a missing '=', an empty value list,
// or an undeclared key.
SweepAxis parse_axis(const std::string& text);

struct SweepPoint {
  cfg::Overrides overrides;   // one value per axis
  std::string status = "ok";  // or why the network cannot be mapped on this configuration
  std::string hw_name;
  Totals total;
};

// Expands the axes (first axis outermost).
std::vector<SweepPoint> expand(const std::vector<SweepAxis>& axes);

// Runs every point. `progress(done, total)` is called in the parent as points finish.
void run_sweep(const std::string& hw_spec, const wl::Network& net, const PlanOptions& opt,
               std::vector<SweepPoint>& points, int jobs,
               const std::function<void(std::size_t, std::size_t)>& progress);

Table sweep_table(const std::vector<SweepAxis>& axes, const std::vector<SweepPoint>& points);

}  // namespace accelnas::sim

#endif  // ACCELNAS_SIM_SWEEP_H
