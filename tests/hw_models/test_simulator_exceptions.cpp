// After a simulation, C++ exceptions still unwind cleanly: the frames a throw leaves are usable
// by the next calls. Trivial in an ordinary build; in the sanitizer build (docs/TESTING.md) it
// holds only with SystemC's coroutine-stack annotation completed
// (tests/sanitizers/systemc_fiber_stack.cpp). Without it ASan reports a false
// stack-buffer-overflow or stack-use-after-scope in use_stack() below
// (ACCELNAS_SYSTEMC_FIBER_FIX=off shows it).
#include <doctest/doctest.h>

#include <cstring>

#include "hw_models/simulator.h"
#include "tests/hw_models/jobs.h"
#include "workloads/config/error.h"

using namespace accelnas;

namespace {

// Deep frames with local arrays (each with poisoned redzones in the sanitizer build); the
// deepest throws.
[[gnu::noinline]] int throw_from_depth(int depth) {
  volatile char frame[48];
  std::memset(const_cast<char*>(frame), depth, sizeof frame);
  if (depth == 0) throw UserError("bottom");
  return throw_from_depth(depth - 1) + frame[depth % sizeof frame];
}

// Frames of another size over the same stack memory, every byte of their arrays written.
[[gnu::noinline]] int use_stack(int depth) {
  volatile char frame[200];
  std::memset(const_cast<char*>(frame), depth, sizeof frame);
  if (depth == 0) return frame[0];
  return use_stack(depth - 1) + frame[depth % sizeof frame];
}

}  // namespace

TEST_CASE("simulator: a UserError thrown after a simulation leaves a usable stack") {
  const hw::HwSpec hw = hw::load_hw("npu-pf32");
  const auto stats = hw::Simulator::instance().run(hw, {hw::test::conv_job(hw::test::ConvGeom{})});
  REQUIRE(stats.size() == 1);
  for (int round = 0; round < 3; ++round) {
    CHECK_THROWS_AS(throw_from_depth(32), UserError);
    CHECK(use_stack(32) >= 0);
  }
}
