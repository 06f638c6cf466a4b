// Golden numbers: the worked example of docs/HARDWARE_MODEL.md, computed there by hand, and
// end-to-end regressions on whole networks. A deliberate model change updates these together
// with the docs.
#include <doctest/doctest.h>

#include "tests/sim/nets.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;

TEST_CASE("worked example: 3x3 conv 32x32x64 on npu-pf32 takes 79,124 cycles") {
  const auto hw = test::preset("npu-pf32");
  const auto r = test::run(test::conv_yaml({32, 32, 64, 64, 3, 1, 1, "int8"}), hw);
  const auto& l = r.layers.at(0);
  CHECK(l.cycles == 79124);
  CHECK(l.compute_cycles == 73856);
  CHECK(l.macs == 37748736);
  CHECK(l.dram_read_bytes == 98304 + 36928);
  CHECK(l.dram_write_bytes == 65536);
  CHECK(l.tiles == 9);
  CHECK(l.bands == 8);
  CHECK(l.passes == 2);
}

TEST_CASE("golden: mobilenet_v2 1.0/224 on every preset") {
  struct Golden {
    const char* preset;
    std::int64_t cycles;
  };
  // Regenerate with: accelnas simulate --model mobilenet_v2 --hw PRESET --format json
  for (const Golden g :
       {Golden{"npu-pf16", 4705398}, Golden{"npu-pf32", 2043939}, Golden{"npu-pf64", 891830}}) {
    const auto hw = test::preset(g.preset);
    const auto r = sim::simulate_network(wl::build_zoo("mobilenet_v2"), hw, {});
    INFO(std::string(g.preset) << " cycles " << r.total.cycles);
    CHECK(r.total.macs == 300774272);
    CHECK(r.total.cycles == g.cycles);
  }
}
