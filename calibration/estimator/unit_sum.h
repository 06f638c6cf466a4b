// Unit-sum versus whole-network simulation: the floor under the estimator's error.
//
// The estimator predicts a network's latency as the sum of its units' latencies, each simulated
// alone in its recorded context. compare_unit_sum() measures how far that sum is from simulating
// the network in one stream (sim::simulate_network), in total and per unit type.
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_SUM_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_SUM_H

#include <array>
#include <cstdint>

#include "calibration/estimator/unit.h"
#include "hw_models/hw_spec.h"
#include "sim/planner.h"
#include "workloads/network.h"

namespace accelnas::cal {

struct UnitSumRow {
  std::int64_t units = 0;
  std::int64_t network_cycles = 0;   // cycles of these units' layers in the whole-network run
  std::int64_t unit_sum_cycles = 0;  // sum of the units simulated alone
  // (unit_sum - network) / network; 0 when network_cycles is 0.
  double relative_gap() const;
};

struct UnitSumReport {
  UnitSumRow total;
  std::array<UnitSumRow, kNumUnitTypes> by_type;  // indexed by UnitType
  const UnitSumRow& of(UnitType t) const { return by_type[static_cast<std::size_t>(t)]; }
};

UnitSumReport compare_unit_sum(const wl::Network& net, const hw::HwSpec& hw,
                               const sim::PlanOptions& opt);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_SUM_H
