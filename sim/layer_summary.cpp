#include "sim/layer_summary.h"

#include <algorithm>

namespace accelnas::sim {

LayerSum sum_layers(const std::vector<hw::LayerStats>& layers) {
  LayerSum t;
  double weighted_util = 0;
  for (const auto& l : layers) {
    t.cycles += l.cycles;
    t.compute_cycles += l.compute_cycles;
    t.stall_cycles += l.stall_cycles;
    t.macs += l.macs;
    t.vector_ops += l.vector_ops;
    weighted_util += l.utilization * static_cast<double>(l.cycles);
    t.dram_read_bytes += l.dram_read_bytes;
    t.dram_write_bytes += l.dram_write_bytes;
    t.sram_peak_bytes = std::max(t.sram_peak_bytes, l.sram_peak_bytes);
    t.sram_access_bytes += l.sram_access_bytes;
    t.energy_pj += l.energy_pj;
    t.tiles += l.tiles;
    t.weights_streamed_layers += l.weights_streamed ? 1 : 0;
  }
  t.utilization = t.cycles > 0 ? weighted_util / static_cast<double>(t.cycles) : 0.0;
  return t;
}

nlohmann::ordered_json layer_json(const hw::LayerStats& l, StartCycle start) {
  nlohmann::ordered_json j;
  j["name"] = l.name;
  j["op"] = l.op;
  j["precision"] = precision_name(l.precision);
  j["cycles"] = l.cycles;
  j["compute_cycles"] = l.compute_cycles;
  j["stall_cycles"] = l.stall_cycles;
  j["macs"] = l.macs;
  j["utilization"] = l.utilization;
  j["dram_read_bytes"] = l.dram_read_bytes;
  j["dram_write_bytes"] = l.dram_write_bytes;
  j["sram_peak_bytes"] = l.sram_peak_bytes;
  j["energy_pj"] = l.energy_pj;
  if (start == StartCycle::Include) j["start_cycle"] = l.start_cycle;
  j["vector_ops"] = l.vector_ops;
  j["sram_access_bytes"] = l.sram_access_bytes;
  j["tiles"] = l.tiles;
  j["bands"] = l.bands;
  j["passes"] = l.passes;
  j["weights_streamed"] = l.weights_streamed;
  return j;
}

}  // namespace accelnas::sim
