// The estimator's hardware-aware features (calibration/estimator/unit_features.h) time tiles
// through the same compute-kind dispatch as the SystemC model, so a new compute kind reaches
// them with no change to the estimator.
#include <doctest/doctest.h>

#include "calibration/estimator/unit_features.h"
#include "hw_models/simulator.h"
#include "hw_models/tiler.h"
#include "hw_models/timing/compute_kinds.h"
#include "hw_models/timing/dot_product_timing.h"
#include "tests/hw_models/jobs.h"

using namespace accelnas;

namespace {

// The toy rule: 7 cycles per tile, whatever its work.
std::int64_t seven_per_tile(const hw::LayerJob&, const hw::Tile&, const hw::HwSpec&) {
  return 7;
}

const std::size_t kSevenKind =
    hw::register_compute_kind({"features_toy_array", hw::Engine::Array, seven_per_tile,
                               hw::dot_product_peak_macs_per_cycle, "7 cycles per tile"});

}  // namespace

TEST_CASE("estimator features: compute cycles and the replay follow compute.kind's timing rule") {
  const hw::HwSpec dot = hw::load_hw("npu-pf32");
  const hw::HwSpec seven = hw::load_hw("npu-pf32", {{"compute.kind", "features_toy_array"}});
  REQUIRE(seven.compute_kind == kSevenKind);
  const hw::LayerJob job = hw::test::conv_job(hw::test::ConvGeom{28, 28, 64, 128, 3, 1, 1, false});

  const auto tiles = static_cast<double>(hw::plan_layer(job, seven).tiles.size());
  CHECK(cal::layer_terms(job, seven).compute == 7 * tiles);
  CHECK(cal::layer_terms(job, dot).compute != 7 * tiles);
  // The analytical replay and the SystemC model agree under the new kind as under the default.
  for (const hw::HwSpec* spec : {&dot, &seven}) {
    const std::vector<hw::LayerStats> sim = hw::Simulator::instance().run(*spec, {job});
    CHECK(cal::timeline_cycles(job, *spec) == sim.at(0).cycles);
  }
}
