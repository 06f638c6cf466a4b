// Unit-sum versus whole-network simulation (docs/ESTIMATOR.md, "The gap").
#include <doctest/doctest.h>

#include "cal_helpers.h"
#include "simulator.h"
#include "unit_sum.h"
#include "zoo/zoo.h"

using namespace accelnas;

// The documented bound is zero: layers run one after another (C2) and a layer's time depends on
// its job alone, so a unit simulated alone in its recorded context takes exactly the cycles it
// takes inside the network.
TEST_CASE("unit sum: units simulated alone in context add up exactly to the whole network") {
  for (const char* preset : {"npu-pf16", "npu-pf32", "npu-pf64"}) {
    const hw::HwSpec hw = hw::load_hw(preset);
    for (const auto& entry : wl::zoo_entries()) {
      INFO(preset << " " << entry.name);
      const auto r = cal::compare_unit_sum(wl::build_zoo(entry.name), hw, {});
      CHECK(r.total.network_cycles > 0);
      CHECK(r.total.unit_sum_cycles == r.total.network_cycles);
      CHECK(r.total.relative_gap() == 0.0);
      std::int64_t units = 0, cycles = 0;
      for (const auto& row : r.by_type) {
        CHECK(row.unit_sum_cycles == row.network_cycles);
        units += row.units;
        cycles += row.network_cycles;
      }
      CHECK(units == r.total.units);
      CHECK(cycles == r.total.network_cycles);
    }
  }
}

TEST_CASE("unit sum: a unit alone moves the same DRAM bytes and peaks at the same SRAM") {
  const hw::HwSpec& hw = test::pf32();
  auto& sim = hw::Simulator::instance();
  for (const char* model : {"mobilenet_v2", "efficientnet_edgetpu_s", "ssdlite_mobilenet_v2"}) {
    const wl::Network net = wl::build_zoo(model);
    const sim::NetworkPlan plan = sim::plan_network(net, hw, {});
    const auto whole = sim.run(hw, plan.jobs);
    for (const auto& u : cal::decompose(net, hw, {}, plan)) {
      const auto alone = sim.run(hw, cal::unit_jobs(u, hw));
      for (std::size_t t = 0; t < alone.size(); ++t) {
        const auto& w = whole[u.jobs[t]];
        INFO(model << " " << plan.jobs[u.jobs[t]].name);
        CHECK(alone[t].cycles == w.cycles);
        CHECK(alone[t].compute_cycles == w.compute_cycles);
        CHECK(alone[t].dram_read_bytes == w.dram_read_bytes);
        CHECK(alone[t].dram_write_bytes == w.dram_write_bytes);
        CHECK(alone[t].sram_peak_bytes == w.sram_peak_bytes);
      }
    }
  }
}

TEST_CASE("unit sum: per-type rows count each unit once (tiny: 1 IBN, 2 conv, 2 vector)") {
  const auto r = cal::compare_unit_sum(wl::build_zoo("tiny"), test::pf32(), {});
  CHECK(r.total.units == 5);
  CHECK(r.of(cal::UnitType::Ibn).units == 1);
  CHECK(r.of(cal::UnitType::Conv).units == 2);
  CHECK(r.of(cal::UnitType::Vector).units == 2);
  CHECK(r.of(cal::UnitType::Se).units == 0);
}
