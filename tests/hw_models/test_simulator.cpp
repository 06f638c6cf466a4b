// The simulator entry point (hw_models/simulator.h): one SystemC elaboration serves every run,
// and a run depends only on (hw, jobs).
#include <doctest/doctest.h>

#include "hw_models/simulator.h"
#include "tests/hw_models/jobs.h"

using namespace accelnas;
using namespace accelnas::hw;
using hw::test::conv_job;
using hw::test::ConvGeom;
using hw::test::hw_with;

namespace {

LayerJob add_job(std::int64_t h, std::int64_t w, std::int64_t c) {
  LayerJob j;
  j.name = "residual_add";
  j.op = "add";
  j.engine = Engine::Vector;
  j.rows = h;
  j.cols = w;
  j.vector_ops = h * w * c;
  OperandDesc in;
  in.bytes = h * w * c;
  in.rows = h;
  j.inputs = {in, in};
  j.output_bytes = h * w * c;
  return j;
}

// A small mix: a halo conv, a multi-pass 1x1 conv, a depthwise conv and a vector add.
std::vector<LayerJob> mixed_jobs() {
  return {conv_job(ConvGeom{32, 32, 16, 32, 3, 2, 1, false}, "stem"),
          conv_job(ConvGeom{16, 16, 32, 96, 1, 1, 1, false}, "expand"),
          conv_job(ConvGeom{16, 16, 96, 96, 3, 1, 96, true}, "depthwise"), add_job(16, 16, 24)};
}

void check_same(const std::vector<LayerStats>& a, const std::vector<LayerStats>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("layer " << a[i].name);
    CHECK(a[i].name == b[i].name);
    CHECK(a[i].start_cycle == b[i].start_cycle);
    CHECK(a[i].cycles == b[i].cycles);
    CHECK(a[i].compute_cycles == b[i].compute_cycles);
    CHECK(a[i].stall_cycles == b[i].stall_cycles);
    CHECK(a[i].dram_read_bytes == b[i].dram_read_bytes);
    CHECK(a[i].dram_write_bytes == b[i].dram_write_bytes);
    CHECK(a[i].sram_peak_bytes == b[i].sram_peak_bytes);
    CHECK(a[i].sram_access_bytes == b[i].sram_access_bytes);
    CHECK(a[i].energy_pj == b[i].energy_pj);
    CHECK(a[i].utilization == b[i].utilization);
    CHECK(a[i].tiles == b[i].tiles);
  }
}

std::int64_t total_cycles(const std::vector<LayerStats>& s) {
  std::int64_t sum = 0;
  for (const auto& l : s) sum += l.cycles;
  return sum;
}

}  // namespace

TEST_CASE("simulator: two runs of the same jobs give identical LayerStats") {
  const HwSpec hw = hw_with({});
  const auto jobs = mixed_jobs();
  const auto first = Simulator::instance().run(hw, jobs);
  const auto second = Simulator::instance().run(hw, jobs);
  check_same(first, second);
  CHECK(total_cycles(first) > 0);
}

TEST_CASE("simulator: one elaboration serves many configurations without carrying state over") {
  const HwSpec pf32 = hw_with({});
  const HwSpec pf16 = load_hw("npu-pf16");
  const auto jobs = mixed_jobs();
  const auto before = Simulator::instance().run(pf32, jobs);
  const auto other = Simulator::instance().run(pf16, jobs);
  const auto after = Simulator::instance().run(pf32, jobs);
  check_same(before, after);
  // The configuration in between really was different hardware.
  CHECK(total_cycles(other) > total_cycles(before));
  // A fresh copy of the same description is the same hardware.
  const HwSpec copy = hw_with({});
  check_same(before, Simulator::instance().run(copy, jobs));
}

TEST_CASE("simulator: layers run in order and back to back from cycle 0 of each run") {
  const auto stats = Simulator::instance().run(hw_with({}), mixed_jobs());
  REQUIRE(stats.size() == 4);
  CHECK(stats[0].start_cycle == 0);
  for (std::size_t i = 1; i < stats.size(); ++i) {
    INFO("layer " << stats[i].name);
    CHECK(stats[i].start_cycle == stats[i - 1].start_cycle + stats[i - 1].cycles);
  }
  CHECK(stats[0].name == "stem");
  CHECK(stats[3].name == "residual_add");
  for (const auto& l : stats) CHECK(l.stall_cycles == l.cycles - l.compute_cycles);
}

TEST_CASE("simulator: an unmappable job throws before any simulation and leaves the model usable") {
  const HwSpec hw = hw_with({});
  auto jobs = mixed_jobs();
  const auto good = Simulator::instance().run(hw, jobs);
  const std::int64_t runs = Simulator::instance().runs();
  LayerJob crowded = conv_job(ConvGeom{}, "crowded");
  crowded.reserved_activation_bytes = hw.sram_activation_bytes + 1;
  jobs.push_back(crowded);
  CHECK_THROWS_AS(Simulator::instance().run(hw, jobs), UserError);
  CHECK(Simulator::instance().runs() == runs);
  check_same(good, Simulator::instance().run(hw, mixed_jobs()));
  CHECK(Simulator::instance().runs() == runs + 1);
}
