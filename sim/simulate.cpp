#include "sim/simulate.h"

#include <algorithm>

#include "hw_models/simulator.h"

namespace accelnas::sim {

Totals summarize(const std::vector<hw::LayerStats>& layers, const hw::HwSpec& hw) {
  Totals t;
  double peak_weighted = 0;  // sum over layers of cycles * peak MACs/cycle at their precision
  double energy_pj = 0;
  for (const auto& l : layers) {
    t.cycles += l.cycles;
    t.macs += l.macs;
    t.dram_read_bytes += l.dram_read_bytes;
    t.dram_write_bytes += l.dram_write_bytes;
    t.sram_peak_bytes = std::max(t.sram_peak_bytes, l.sram_peak_bytes);
    energy_pj += l.energy_pj;
    peak_weighted += static_cast<double>(l.cycles) * hw.peak_macs_per_cycle(l.precision);
  }
  t.latency_ms = static_cast<double>(t.cycles) / hw.clock_hz * 1e3;
  t.energy_uj = energy_pj * 1e-6;
  t.utilization = peak_weighted > 0 ? static_cast<double>(t.macs) / peak_weighted : 0.0;
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
