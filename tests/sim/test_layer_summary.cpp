// The shared view of per-layer results (sim/layer_summary.h): one sum, one utilization, one
// JSON for simulate, sweep and label.
#include <doctest/doctest.h>

#include "sim/layer_summary.h"
#include "sim/simulate.h"
#include "tests/sim/nets.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;

namespace {

hw::LayerStats layer(std::int64_t cycles, double utilization, hw::Engine engine) {
  hw::LayerStats l;
  l.engine = engine;
  l.cycles = cycles;
  l.compute_cycles = cycles / 2;
  l.stall_cycles = cycles - cycles / 2;
  l.utilization = utilization;
  l.macs = cycles * 3;
  l.sram_peak_bytes = cycles;
  l.energy_pj = 1.5;
  l.tiles = 2;
  return l;
}

}  // namespace

TEST_CASE("layer sum: utilization is the cycle-weighted mean of each layer's own engine") {
  const std::vector<hw::LayerStats> layers = {layer(300, 0.9, hw::Engine::Array),
                                              layer(100, 0.5, hw::Engine::Vector)};
  const sim::LayerSum s = sim::sum_layers(layers);
  CHECK(s.cycles == 400);
  CHECK(s.compute_cycles == 200);
  CHECK(s.stall_cycles == 200);
  CHECK(s.macs == 1200);
  CHECK(s.sram_peak_bytes == 300);  // the largest layer peak, not a sum
  CHECK(s.tiles == 4);
  CHECK(s.utilization == doctest::Approx((300 * 0.9 + 100 * 0.5) / 400));
  CHECK(sim::sum_layers({}).utilization == 0.0);
}

TEST_CASE("layer sum: a simulated network's totals are its layers summed") {
  const auto hw = test::preset("npu-pf32");
  const auto r = sim::simulate_network(wl::build_zoo("tiny"), hw, {});
  const sim::LayerSum s = sim::sum_layers(r.layers);
  CHECK(r.total.cycles == s.cycles);
  CHECK(r.total.macs == s.macs);
  CHECK(r.total.utilization == s.utilization);
  CHECK(r.total.energy_uj == s.energy_pj * 1e-6);
  CHECK(r.total.utilization > 0.0);
  CHECK(r.total.utilization <= 1.0);
}

TEST_CASE("layer json: every field in one order, and a label's layers leave out the start cycle") {
  hw::LayerStats l = layer(10, 0.25, hw::Engine::Array);
  l.name = "conv";
  l.start_cycle = 42;
  const auto full = sim::layer_json(l);
  CHECK(full.at("start_cycle") == 42);
  CHECK(full.begin().key() == "name");
  const auto label = sim::layer_json(l, sim::StartCycle::Omit);
  CHECK_FALSE(label.contains("start_cycle"));
  CHECK(label.size() + 1 == full.size());
}
