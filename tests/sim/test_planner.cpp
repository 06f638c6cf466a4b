// The planner's contract on what it accepts: a network it can plan has a layer that runs on the
// accelerator; one of only input layers is the user's error, reported the same way by every
// command that runs a network (simulate, sweep, estimate).
#include <doctest/doctest.h>

#include "sim/planner.h"
#include "tests/sim/nets.h"
#include "workloads/config/error.h"
#include "workloads/loader.h"

using namespace accelnas;

TEST_CASE("planner: a network of only input layers has nothing to simulate (a user error)") {
  const auto hw = test::preset("npu-pf32");
  const wl::Network net = wl::load_network_string(
      "name: just_inputs\n"
      "layers:\n"
      "  - {name: a, op: input, shape: [8, 8, 3]}\n"
      "  - {name: b, op: input, shape: [4, 4, 16]}\n",
      "just_inputs.yaml");
  CHECK_THROWS_WITH_AS(sim::plan_network(net, hw, {}),
                       "just_inputs: nothing to simulate: the network has only input layers",
                       UserError);
  sim::NetworkPlan reused;
  CHECK_THROWS_AS(sim::plan_network(net, hw, {}, reused), UserError);
  CHECK_THROWS_AS(sim::check_runnable(net), UserError);
  // One layer that runs is enough.
  CHECK_NOTHROW(sim::check_runnable(
      wl::load_network_string("layers:\n  - {name: a, op: input, shape: [8, 8, 3]}\n"
                              "  - {name: p, op: global_avgpool, input: a}\n",
                              "one.yaml")));
}
