// Golden numbers: the worked example of docs/HARDWARE_MODEL.md, computed there by hand, and
// end-to-end regressions on whole networks. A deliberate model change updates these together
// with the docs.
#include <doctest/doctest.h>

#include "hw_models/tiler.h"
#include "sim/planner.h"
#include "tests/sim/nets.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;

TEST_CASE(
    "worked example: 3x3 conv 32x32x64 on npu-pf32 (8 bands: 79,124 cycles, mapped: 77,586)") {
  const auto hw = test::preset("npu-pf32");
  const wl::Network net =
      wl::load_network_string(test::conv_yaml({32, 32, 64, 64, 3, 1, 1, "int8"}), "test.yaml");
  const hw::LayerJob job = sim::plan_network(net, hw, {}).jobs.at(0);
  // The best resident-weights program (T3): 16 bands. (The timeline of docs/HARDWARE_MODEL.md,
  // 79,124 cycles, is its 8-band program, the first the mapper tries.)
  hw::TilePlan resident;
  hw::plan_layer_in_order(job, hw, hw::LoopOrder::Resident, resident);
  CHECK(resident.cycles == 78228);
  CHECK(resident.tiles.size() == 17);
  CHECK(resident.bands == 16);
  CHECK(resident.passes == 2);
  CHECK(resident.dram_bytes == 233536);
  // The mapper's choice (T6) is faster: the same bands in more, smaller tiles expose less of the
  // first load and the last store.
  const auto r = test::run(test::conv_yaml({32, 32, 64, 64, 3, 1, 1, "int8"}), hw);
  const auto& l = r.layers.at(0);
  CHECK(l.cycles == 77586);
  CHECK(l.compute_cycles == 73984);
  CHECK(l.macs == 37748736);
  CHECK(l.dram_read_bytes == 135232);
  CHECK(l.dram_write_bytes == 65536);
  CHECK(l.tiles == 32);
  CHECK(l.bands == 8);
}

TEST_CASE("golden: mobilenet_v2 1.0/224 on every preset") {
  struct Golden {
    const char* preset;
    std::int64_t cycles;
  };
  // Regenerate with: accelnas simulate --model mobilenet_v2 --hw PRESET --format json
  for (const Golden g :
       {Golden{"npu-pf16", 4102676}, Golden{"npu-pf32", 1685215}, Golden{"npu-pf64", 698931}}) {
    const auto hw = test::preset(g.preset);
    const auto r = sim::simulate_network(wl::build_zoo("mobilenet_v2"), hw, {});
    INFO(std::string(g.preset) << " cycles " << r.total.cycles);
    CHECK(r.total.macs == 300774272);
    CHECK(r.total.cycles == g.cycles);
  }
}

TEST_CASE("golden: a column-split band on a 32 KiB activation SRAM") {
  // A 3x3 conv over 8x128x64 -> 32 (one pass) on npu-pf32 with 32 KiB of activation SRAM: one
  // row band needs 2 x (3 x 128 x 64) = 48 KiB of input buffers, so every band is cut into
  // column segments (T7), each reading its columns plus the 2-column halo (T2).
  const auto hw = test::preset("npu-pf32", {{"sram.activations", "32KiB"}});
  const wl::Network net =
      wl::load_network_string(test::conv_yaml({8, 128, 64, 32, 3, 1, 1, "int8"}), "test.yaml");
  const hw::LayerJob job = sim::plan_network(net, hw, {}).jobs.at(0);
  const hw::TilePlan p = hw::plan_layer(job, hw);
  CHECK(p.order == hw::LoopOrder::Resident);
  CHECK(p.bands == 8);
  CHECK(p.col_segments == 4);
  CHECK(p.seg_cols == 32);
  CHECK(p.tiles.size() == 32);
  // Tile 0: 3 input rows x 34 columns x 64 channels = 6,528 B, plus all 18,464 B of weights.
  CHECK(p.tiles[0].load_bytes == 6528 + 18464);
  CHECK(p.buffer_activation_bytes == 2 * 6528 + 2 * 1024);
  const auto r = test::run(test::conv_yaml({8, 128, 64, 32, 3, 1, 1, "int8"}), hw);
  const auto& l = r.layers.at(0);
  CHECK(l.cycles == 40772);
  CHECK(l.compute_cycles == 32 * 1160);
  CHECK(l.dram_read_bytes == 32 * 6528 + 18464);
  CHECK(l.dram_write_bytes == 32768);
  CHECK(l.tiles == 32);
  CHECK(l.cycles == p.cycles);
}
