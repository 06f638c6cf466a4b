// Runs a network through the SystemC model and gathers per-layer and total results.
#ifndef ACCELNAS_SIM_SIMULATE_H
#define ACCELNAS_SIM_SIMULATE_H

#include <cstdint>
#include <string>
#include <vector>

#include "hw_models/hw_spec.h"
#include "hw_models/layer_stats.h"
#include "hw_models/trace_log.h"
#include "sim/planner.h"
#include "workloads/network.h"

namespace accelnas::sim {

struct Totals {
  std::int64_t cycles = 0;
  double latency_ms = 0;
  double energy_uj = 0;
  std::int64_t macs = 0;
  double utilization = 0;  // cycle-weighted mean of the layers' own-engine utilization
  std::int64_t dram_read_bytes = 0;
  std::int64_t dram_write_bytes = 0;
  std::int64_t sram_peak_bytes = 0;
};

struct SimResult {
  std::string model;
  std::int64_t batch = 1;
  std::vector<hw::LayerStats> layers;
  Totals total;
};

SimResult simulate_network(const wl::Network& net, const hw::HwSpec& hw, const PlanOptions& opt,
                           hw::TraceLog* trace = nullptr);

// The layers summed (sim/layer_summary.h), with latency and energy in the report's units.
Totals summarize(const std::vector<hw::LayerStats>& layers, const hw::HwSpec& hw);

}  // namespace accelnas::sim

#endif  // ACCELNAS_SIM_SIMULATE_H
