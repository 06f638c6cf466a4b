// Per-layer results of a simulation. Gathered by the controller from the blocks' counters.
#ifndef ACCELNAS_HW_MODELS_LAYER_STATS_H
#define ACCELNAS_HW_MODELS_LAYER_STATS_H

#include <cstdint>
#include <string>

#include "hw_models/layer_job.h"

namespace accelnas::hw {

struct LayerStats {
  std::string name;
  std::string op;
  Engine engine = Engine::Array;
  Precision precision = Precision::Int8;
  std::int64_t start_cycle = 0;     // relative to the start of the run
  std::int64_t cycles = 0;          // from descriptor decode to the last byte stored
  std::int64_t compute_cycles = 0;  // busy cycles of the executing unit
  std::int64_t stall_cycles = 0;    // cycles - compute_cycles: setup and waiting for DMA
  std::int64_t macs = 0;
  std::int64_t vector_ops = 0;
  double utilization = 0;  // of the executing unit's peak (array MACs or vector lanes)
  std::int64_t dram_read_bytes = 0;
  std::int64_t dram_write_bytes = 0;
  std::int64_t sram_peak_bytes = 0;  // weight + activation SRAM at their peak in this layer
  std::int64_t sram_access_bytes = 0;
  double energy_pj = 0;
  std::int64_t tiles = 0;
  std::int64_t bands = 0;
  std::int64_t passes = 0;
  bool weights_streamed = false;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_LAYER_STATS_H
