// Rules A8 (small-channel packing) and C4 (cross-layer weight prefetch), on every zoo network
// and preset.
#include <doctest/doctest.h>

#include <algorithm>

#include "hw_models/tiler.h"
#include "hw_models/timing/dot_product_timing.h"
#include "hw_models/timing/tile_program.h"
#include "sim/planner.h"
#include "tests/sim/nets.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using test::preset_names;
using test::zoo_networks;

namespace {

hw::HwSpec with_packing(const std::string& preset, const char* mode) {
  return test::preset(preset,
                      {{"compute.small_channel_packing", mode}, {"dma.prefetch_weights", "false"}});
}

}  // namespace

TEST_CASE("packing: a Cin >= dot_width layer is unchanged, and packing never slows any layer") {
  const auto nets = zoo_networks();
  for (const auto& name : preset_names()) {
    const auto none = with_packing(name, "none");
    const auto row = with_packing(name, "row");
    const auto taps = with_packing(name, "taps");
    for (const auto& net : nets) {
      const auto plan = sim::plan_network(net, none, {});
      for (const auto& job : plan.jobs) {
        if (job.engine != hw::Engine::Array) continue;
        INFO(name << " " << net.name << " " << job.name);
        const auto s_none = hw::dot_product_steps_per_pixel_pass(job, none);
        const auto s_row = hw::dot_product_steps_per_pixel_pass(job, row);
        const auto s_taps = hw::dot_product_steps_per_pixel_pass(job, taps);
        CHECK(s_taps <= s_row);
        CHECK(s_row <= s_none);
        CHECK(s_taps >= 1);
        if (job.depthwise || job.in_channels_per_group >= none.dot_width) {
          CHECK(s_taps == s_none);
          CHECK(s_row == s_none);
        }
      }
      // Whole layers, simulated: never slower with packing (prefetch off: per layer).
      const auto a = sim::simulate_network(net, none, {});
      const auto b = sim::simulate_network(net, taps, {});
      REQUIRE(a.layers.size() == b.layers.size());
      for (std::size_t i = 0; i < a.layers.size(); ++i) {
        INFO(name << " " << net.name << " " << a.layers[i].name);
        CHECK(b.layers[i].cycles <= a.layers[i].cycles);
      }
    }
  }
}

TEST_CASE("packing: the ResNet-50 stem on a 64-lane array steps 3 times per pixel, not 49") {
  // 7x7 over 3 channels: 147 products per output pixel and channel. Unpacked, each of the 49
  // taps takes a step of which 3 of 64 lanes work; packed, ceil(147 / 64) = 3 steps.
  const auto hw = test::preset("npu-pf32", {{"compute.dot_width", "64"}});
  const auto net = wl::build_zoo("resnet50");
  const auto plan = sim::plan_network(net, hw, {});
  const hw::LayerJob& stem = plan.jobs.front();
  REQUIRE(stem.in_channels_per_group == 3);
  REQUIRE(stem.kernel_h == 7);
  CHECK(hw::dot_product_steps_per_pixel_pass(stem, hw) == 3);
  const auto row = test::preset(
      "npu-pf32", {{"compute.dot_width", "64"}, {"compute.small_channel_packing", "row"}});
  CHECK(hw::dot_product_steps_per_pixel_pass(stem, row) == 7);  // 7 rows of ceil(21 / 64)
  const auto none = test::preset(
      "npu-pf32", {{"compute.dot_width", "64"}, {"compute.small_channel_packing", "none"}});
  CHECK(hw::dot_product_steps_per_pixel_pass(stem, none) == 49);
}

TEST_CASE(
    "packing: worked example, a 3x3 stem 32x32x3 -> 32 on npu-pf32 takes 5,376 cycles "
    "(store-bound)") {
  // docs/HARDWARE_MODEL.md, "Worked example: a packed stem".
  const auto hw = test::preset("npu-pf32");
  const test::ConvSpec c{32, 32, 3, 32, 3, 1, 1, "int8"};
  const auto l = test::run(test::conv_yaml(c), hw).layers.at(0);
  CHECK(l.macs == 32 * 32 * 32 * 27);
  CHECK(l.compute_cycles == 8 * (128 * 2 + 8));
  CHECK(l.cycles == 5376);
  const auto none = test::run(
      test::conv_yaml(c), test::preset("npu-pf32", {{"compute.small_channel_packing", "none"}}));
  // Unpacked, the layer is compute-bound and the mapper (T6) picks another tiling: at least the
  // 8-band program's 9,280 cycles of array time.
  CHECK(none.layers.at(0).compute_cycles >= 8 * (128 * 9 + 8));
  CHECK(none.layers.at(0).cycles > 10000);
}

// The DRAM bytes may differ a little: with part of its weights on chip, the mapper (T6) may
// choose another tiling for the next layer.
TEST_CASE("prefetch: never slows a zoo network") {
  const auto nets = zoo_networks();
  for (const auto& name : preset_names()) {
    const auto on = test::preset(name);
    const auto off = test::preset(name, {{"dma.prefetch_weights", "false"}});
    REQUIRE(on.prefetch_weights);
    for (const auto& net : nets) {
      for (std::int64_t batch : {1, 2}) {
        sim::PlanOptions opt;
        opt.batch = batch;
        const auto a = sim::simulate_network(net, off, opt);
        const auto b = sim::simulate_network(net, on, opt);
        INFO(name << " " << net.name << " batch " << batch);
        CHECK(b.total.cycles <= a.total.cycles);
      }
    }
  }
}

TEST_CASE("prefetch: the bytes fit the idle bus time and the weight SRAM, and delay nothing") {
  // C4: a layer that prefetches the next layer's weights takes exactly the cycles of its own
  // tile program (the replay knows nothing of the prefetch), and the prefetched bytes fit its
  // idle bus time less one latency, beside its weight slot.
  const auto nets = zoo_networks();
  std::int64_t prefetched_jobs = 0;
  for (const auto& name : preset_names()) {
    const auto hw = test::preset(name);
    for (const auto& net : nets) {
      const auto plan = sim::plan_network(net, hw, {});
      const auto r = sim::simulate_network(net, hw, {});
      REQUIRE(r.layers.size() == plan.jobs.size());
      CHECK(plan.jobs.front().prefetched_weight_bytes == 0);
      for (std::size_t j = 0; j < plan.jobs.size(); ++j) {
        const hw::LayerJob& job = plan.jobs[j];
        INFO(name << " " << net.name << " " << job.name);
        const hw::TilePlan tp = hw::plan_layer(job, hw);
        const hw::ProgramTiming t = hw::replay_tile_program(job, tp, hw);
        CHECK(r.layers[j].cycles == t.cycles);
        CHECK(job.prefetched_weight_bytes <= job.weight_bytes);
        if (j + 1 == plan.jobs.size()) continue;
        const std::int64_t p = plan.jobs[j + 1].prefetched_weight_bytes;
        if (p == 0) continue;
        ++prefetched_jobs;
        CHECK(static_cast<double>(p) <=
              static_cast<double>(t.idle_bus_cycles - hw.dram_latency_cycles()) *
                  hw.dram_bytes_per_cycle());
        CHECK(tp.weight_slot_bytes + p <= hw.sram_weight_bytes);
      }
    }
  }
  CHECK(prefetched_jobs > 100);
}

TEST_CASE("prefetch: off, no layer is prefetched, and a unit's first layer takes its context") {
  const auto off = test::preset("npu-pf32", {{"dma.prefetch_weights", "false"}});
  const auto net = wl::build_zoo("mobilenet_v2");
  for (const auto& job : sim::plan_network(net, off, {}).jobs)
    CHECK(job.prefetched_weight_bytes == 0);
  const auto on = test::preset("npu-pf32");
  sim::PlanOptions opt;
  opt.first_prefetch_budget_bytes = 100;
  const auto plan = sim::plan_network(net, on, opt);
  CHECK(plan.jobs.front().prefetched_weight_bytes ==
        std::min<std::int64_t>(100, plan.jobs.front().weight_bytes));
  opt.first_prefetch_budget_bytes = on.sram_weight_bytes;
  CHECK(sim::plan_network(net, on, opt).jobs.front().prefetched_weight_bytes ==
        plan.jobs.front().weight_bytes);
}
