#include "sim/simulate.h"

#include "hw_models/simulator.h"
#include "sim/layer_summary.h"

namespace accelnas::sim {

Totals summarize(const std::vector<hw::LayerStats>& layers, const hw::HwSpec& hw) {
  const LayerSum sum = sum_layers(layers);
  Totals t;
  t.cycles = sum.cycles;
  t.macs = sum.macs;
  t.dram_read_bytes = sum.dram_read_bytes;
  t.dram_write_bytes = sum.dram_write_bytes;
  t.sram_peak_bytes = sum.sram_peak_bytes;
  t.latency_ms = static_cast<double>(t.cycles) / hw.clock_hz * 1e3;
  t.energy_uj = sum.energy_pj * 1e-6;
  t.utilization = sum.utilization;
  return t;
}

SimResult simulate_network(const wl::Network& net, const hw::HwSpec& hw, const PlanOptions& opt,
                           hw::TraceLog* trace) {
  const NetworkPlan plan = plan_network(net, hw, opt);
  SimResult r;
  r.model = net.name;
  r.batch = opt.batch;
  r.layers = hw::Simulator::instance().run(hw, plan.jobs, trace);
  r.total = summarize(r.layers, hw);
  return r;
}

}  // namespace accelnas::sim
