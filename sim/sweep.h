// Sweeps: the cartesian product of models, precisions, batch sizes and `--set KEY=V1,V2,...`
// hardware axes.
// With jobs > 1 the configurations are shared out to worker processes (SystemC allows one
// kernel per process); each worker reuses its one elaboration for all its configurations. Rows
// come back in configuration order, so the output does not depend on the number of jobs.
#ifndef ACCELNAS_SIM_SWEEP_H
#define ACCELNAS_SIM_SWEEP_H

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/report.h"
#include "sim/simulate.h"
#include "workloads/config/params.h"

namespace accelnas::sim {

struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};

// Parses "compute.parallelism_factor=8,16,32". UserError on a missing '=', an empty value list,
// or an undeclared key.
SweepAxis parse_axis(const std::string& text);

// What a sweep varies. Every list holds at least one value; a list of one is not varied.
struct SweepSpace {
  std::vector<std::string> models;                                 // one label per network
  std::vector<std::optional<Precision>> precisions{std::nullopt};  // nullopt: each layer's own
  std::vector<std::int64_t> batches{1};
  std::vector<SweepAxis> axes;  // hardware axes
};

struct SweepPoint {
  std::size_t model = 0;      // index into SweepSpace::models and the networks
  PlanOptions opt;            // this configuration's precision and batch
  cfg::Overrides overrides;   // one value per axis
  std::string status = "ok";  // or why the network cannot be mapped on this configuration
  std::string hw_name;
  Totals total;
  // With per-layer results asked for: layer_table()'s rows for this configuration.
  std::vector<std::vector<std::string>> layer_rows;
};

// Expands the space in a fixed order: model outermost, then precision, batch, and the hardware
// axes in their given order (the last axis varies fastest).
std::vector<SweepPoint> expand(const SweepSpace& space);

// Runs every point on `nets` (one per SweepSpace::models entry); a configuration the network
// cannot be mapped on gets its reason in `status`. Throws UserError before any work for a bad
// hardware value or a network with nothing to simulate. `per_layer` keeps each point's
// layer_rows. `progress(done, total)` is called in the parent as points finish.
void run_sweep(const std::string& hw_spec, const std::vector<wl::Network>& nets,
               std::vector<SweepPoint>& points, int jobs, bool per_layer,
               const std::function<void(std::size_t, std::size_t)>& progress);

// One row per configuration: the varied run options (model, precision, batch: each only when
// its list has more than one value), the hardware axes, the totals and the status. With
// `per_layer`, one row per layer of each configuration instead (the layer table, its per-layer
// precision renamed layer_precision, then the status), or one row without layer fields for a
// configuration that cannot be mapped.
Table sweep_table(const SweepSpace& space, const std::vector<SweepPoint>& points, bool per_layer);

// The first unmappable reason when no point is "ok" (the sweep failed as a whole), else "".
std::string all_unmappable_reason(const std::vector<SweepPoint>& points);

}  // namespace accelnas::sim

#endif  // ACCELNAS_SIM_SWEEP_H
