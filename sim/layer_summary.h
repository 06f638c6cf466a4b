// The one view of per-layer results (hw::LayerStats) that simulate, sweep and label share: each
// layer as JSON, and the sum over a run's layers.
//
// Utilization has one definition everywhere: a layer's is its own engine's (the array's MACs or
// the vector unit's lanes, hw_models/layer_stats.h), and a run's is the cycle-weighted mean of
// its layers'.
#ifndef ACCELNAS_SIM_LAYER_SUMMARY_H
#define ACCELNAS_SIM_LAYER_SUMMARY_H

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "hw_models/layer_stats.h"

namespace accelnas::sim {

// The layers of one run, summed (sram_peak_bytes is the largest layer peak).
struct LayerSum {
  std::int64_t cycles = 0;
  std::int64_t compute_cycles = 0;
  std::int64_t stall_cycles = 0;
  std::int64_t macs = 0;
  std::int64_t vector_ops = 0;
  double utilization = 0;  // cycle-weighted mean of the layers' own-engine utilization
  std::int64_t dram_read_bytes = 0;
  std::int64_t dram_write_bytes = 0;
  std::int64_t sram_peak_bytes = 0;
  std::int64_t sram_access_bytes = 0;
  double energy_pj = 0;
  std::int64_t tiles = 0;
  std::int64_t weights_streamed_layers = 0;
};
LayerSum sum_layers(const std::vector<hw::LayerStats>& layers);

// Whether a layer's JSON carries its start cycle. A label's layers leave it out: a label
// describes a unit, not where it sat in a run.
enum class StartCycle { Include, Omit };

// Every field of the layer, in one fixed order (name, op, precision, the counters, and the
// tiling).
nlohmann::ordered_json layer_json(const hw::LayerStats& l, StartCycle start = StartCycle::Include);

}  // namespace accelnas::sim

#endif  // ACCELNAS_SIM_LAYER_SUMMARY_H
