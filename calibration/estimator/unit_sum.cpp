#include "calibration/estimator/unit_sum.h"

#include "hw_models/simulator.h"
#include "sim/simulate.h"

namespace accelnas::cal {

double UnitSumRow::relative_gap() const {
  if (network_cycles == 0) return 0.0;
  return static_cast<double>(unit_sum_cycles - network_cycles) /
         static_cast<double>(network_cycles);
}

UnitSumReport compare_unit_sum(const wl::Network& net, const hw::HwSpec& hw,
                               const sim::PlanOptions& opt) {
  const sim::NetworkPlan plan = sim::plan_network(net, hw, opt);
  const auto whole = hw::Simulator::instance().run(hw, plan.jobs);
  UnitSumReport report;
  for (const Unit& unit : decompose(net, hw, opt, plan)) {
    UnitSumRow row;
    row.units = 1;
    for (std::size_t j : unit.jobs) row.network_cycles += whole[j].cycles;
    for (const auto& s : hw::Simulator::instance().run(hw, unit_jobs(unit, hw)))
      row.unit_sum_cycles += s.cycles;
    for (UnitSumRow* r :
         {&report.total, &report.by_type[static_cast<std::size_t>(unit.desc.type)]}) {
      r->units += row.units;
      r->network_cycles += row.network_cycles;
      r->unit_sum_cycles += row.unit_sum_cycles;
    }
  }
  return report;
}

}  // namespace accelnas::cal
