// A channel slice on the hardware (docs/HARDWARE_MODEL.md, rules V1 and M2): a copy on the vector
// unit that reads only its channels of the input.
#include <doctest/doctest.h>

#include <algorithm>

#include "sim/planner.h"
#include "tests/sim/nets.h"

using namespace accelnas;

namespace {

std::string slice_yaml(int h, int w, int c, int begin, int end) {
  return "layers:\n  - {name: x, op: input, shape: [" + std::to_string(h) + ", " +
         std::to_string(w) + ", " + std::to_string(c) + "]}\n" +
         "  - {name: s, op: channel_slice, input: x, begin: " + std::to_string(begin) +
         ", end: " + std::to_string(end) + "}\n";
}

}  // namespace

TEST_CASE(
    "channel slice: the DMA reads only the slice's channels of a streamed input, a copy on the "
    "vector unit (two tiles: 454 cycles)") {
  // One band, so the timeline is short enough to follow by hand (npu-pf32: 8 bytes per cycle,
  // latency 100, setup 200, 64 lanes, vector fill 4).
  const auto hw = test::preset("npu-pf32", {{"tiling.min_bands", "1"}});
  const auto r = test::run(slice_yaml(4, 4, 32, 8, 24), hw);
  const auto& l = r.layers.at(0);
  // 4*4*16 = 256 bytes in (not the whole 512-byte tensor) and 256 out.
  CHECK(l.dram_read_bytes == 256);
  CHECK(l.dram_write_bytes == 256);
  CHECK(l.macs == 0);
  // The mapper (T6) cuts the one band into two tiles, so the second load and the first store
  // overlap the copies; the one-tile program took 472 cycles (setup 0-200; load 200-232, lands
  // at 332; copy 332-340; store 340-372, lands at 472).
  CHECK(l.tiles == 2);
  // V1: 2 x (ceil(128 / 64) + 4).
  CHECK(l.compute_cycles == 12);
  CHECK(l.cycles == 454);

  // The same as copying a whole 16-channel tensor: the other channels cost nothing.
  const auto whole = test::run(slice_yaml(4, 4, 16, 0, 16), hw).layers.at(0);
  CHECK(whole.cycles == l.cycles);
  CHECK(whole.dram_read_bytes == l.dram_read_bytes);
}

TEST_CASE("channel slice: the planner's operand is the slice's share of the input tensor") {
  const auto hw = test::preset("npu-pf32");
  const wl::Network net = wl::load_network_string(slice_yaml(28, 28, 116, 58, 116), "slice.yaml");
  sim::PlanOptions opt;
  opt.batch = 2;
  const auto plan = sim::plan_network(net, hw, opt);
  REQUIRE(plan.jobs.size() == 1);
  const hw::LayerJob& job = plan.jobs[0];
  CHECK(job.engine == hw::Engine::Vector);
  CHECK(job.op == "channel_slice");
  CHECK(job.inputs.at(0).bytes == 2 * 28 * 28 * 58);
  CHECK(job.inputs.at(0).rows == 2 * 28);
  CHECK(job.output_bytes == 2 * 28 * 28 * 58);
  CHECK(job.vector_ops == 2 * 28 * 28 * 58);
  CHECK(job.macs == 0);
  CHECK(job.weight_bytes == 0);
}

TEST_CASE("channel slice: a slice of a resident tensor reads nothing from DRAM") {
  const auto hw = test::preset("npu-pf32");
  const std::string y =
      "layers:\n"
      "  - {name: x, op: input, shape: [16, 16, 8]}\n"
      "  - {name: c, op: conv2d, input: x, out_channels: 32, kernel: 1}\n"
      "  - {name: s, op: channel_slice, input: c, begin: 16, end: 32}\n";
  const auto r = test::run(y, hw);
  const auto& s = r.layers.at(1);
  CHECK(s.dram_read_bytes == 0);
  CHECK(s.dram_write_bytes == 16 * 16 * 16);
}

TEST_CASE(
    "roofline: a channel slice never beats max(MACs / peak, DRAM bytes / bandwidth) on any "
    "preset, at batch 1 and 2") {
  for (const char* preset : {"npu-pf16", "npu-pf32", "npu-pf64"}) {
    const auto hw = test::preset(preset);
    for (std::int64_t batch : {1, 2}) {
      CAPTURE(preset);
      CAPTURE(batch);
      sim::PlanOptions opt;
      opt.batch = batch;
      const auto r = test::run(slice_yaml(56, 56, 116, 58, 116), hw, opt);
      const auto& l = r.layers.at(0);
      CHECK(l.dram_read_bytes == batch * 56 * 56 * 58);
      const double compute = static_cast<double>(l.macs) / hw.peak_macs_per_cycle(Precision::Int8);
      const double dram = test::dram_bytes(l) / hw.dram_bytes_per_cycle();
      CHECK(static_cast<double>(l.cycles) >= std::max(compute, dram));
    }
  }
}
