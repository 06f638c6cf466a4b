// Unit-sum versus whole-network simulation (docs/ESTIMATOR.md, "The gap").
#include <doctest/doctest.h>

#include <cmath>

#include "cal_helpers.h"
#include "unit_sum.h"
#include "zoo/zoo.h"

using namespace accelnas;

namespace {
// The documented bound on |unit sum - whole network| / whole network.
constexpr double kMaxRelativeGap = 1e-3;
}  // namespace

TEST_CASE("unit sum: units simulated alone in context add up to the whole network on npu-pf32") {
  for (const auto& entry : wl::zoo_entries()) {
    INFO(entry.name);
    const auto r = cal::compare_unit_sum(wl::build_zoo(entry.name), test::pf32(), {});
    CHECK(r.total.network_cycles > 0);
    CHECK(std::abs(r.total.relative_gap()) <= kMaxRelativeGap);
    std::int64_t units = 0, cycles = 0;
    for (const auto& row : r.by_type) {
      units += row.units;
      cycles += row.network_cycles;
    }
    CHECK(units == r.total.units);
    CHECK(cycles == r.total.network_cycles);
  }
}

TEST_CASE("unit sum: per-type rows count each unit once (tiny: 1 IBN, 2 conv, 2 vector)") {
  const auto r = cal::compare_unit_sum(wl::build_zoo("tiny"), test::pf32(), {});
  CHECK(r.total.units == 5);
  CHECK(r.of(cal::UnitType::Ibn).units == 1);
  CHECK(r.of(cal::UnitType::Conv).units == 2);
  CHECK(r.of(cal::UnitType::Vector).units == 2);
  CHECK(r.of(cal::UnitType::Ibn).relative_gap() == doctest::Approx(0.0).epsilon(kMaxRelativeGap));
}
