// Timing rules of the dot-product array and the vector unit, checked end to end through the
// planner and the SystemC model (docs/HARDWARE_MODEL.md, rules A1-A6).
#include <doctest/doctest.h>

#include "hw_models/timing/dot_product_timing.h"
#include "tests/sim/nets.h"

using namespace accelnas;
using test::ConvSpec;

namespace {
std::int64_t conv_cycles(const ConvSpec& c, const hw::HwSpec& hw) {
  return test::run(test::conv_yaml(c), hw).layers.at(0).cycles;
}
// A layer small enough that everything fits on chip, large enough to be compute bound.
ConvSpec compute_bound() {
  return ConvSpec{56, 56, 128, 128, 3, 1, 1, "int8"};
}
}  // namespace

TEST_CASE("dot-product array: Cout = PF+1 costs as much as Cout = 2*PF (two passes)") {
  const auto hw = test::preset("npu-pf32");
  ConvSpec a = compute_bound(), b = compute_bound();
  a.cout = static_cast<int>(hw.parallelism_factor) + 1;
  b.cout = static_cast<int>(2 * hw.parallelism_factor);
  const double ca = conv_cycles(a, hw), cb = conv_cycles(b, hw);
  CHECK(ca == doctest::Approx(cb).epsilon(0.02));
  ConvSpec one = compute_bound();
  one.cout = static_cast<int>(hw.parallelism_factor);
  CHECK(conv_cycles(one, hw) < 0.6 * ca);
}

TEST_CASE("dot-product array: Cin = dot_width+1 costs as much as Cin = 2*dot_width") {
  const auto hw = test::preset("npu-pf32");
  ConvSpec a = compute_bound(), b = compute_bound();
  a.cin = static_cast<int>(hw.dot_width) + 1;
  b.cin = static_cast<int>(2 * hw.dot_width);
  CHECK(conv_cycles(a, hw) == doctest::Approx(conv_cycles(b, hw)).epsilon(0.02));
}

TEST_CASE(
    "dot-product array: a large compute-bound conv that fits in SRAM is within 5% of its compute "
    "bound") {
  const auto hw = test::preset("npu-pf32");
  const ConvSpec c = compute_bound();
  const auto r = test::run(test::conv_yaml(c), hw);
  const auto& l = r.layers.at(0);
  const double bound = static_cast<double>(l.macs) / hw.peak_macs_per_cycle(Precision::Int8);
  CHECK(l.cycles >= bound);
  CHECK(l.cycles <= 1.05 * bound);
  CHECK(l.utilization > 0.95);
}

TEST_CASE("dot-product array: doubling PF roughly halves a compute-bound layer") {
  const auto pf32 = test::preset("npu-pf32");
  const auto pf64 = test::preset("npu-pf32", {{"compute.parallelism_factor", "64"}});
  ConvSpec c = compute_bound();
  c.cout = 256;
  const double c32 = conv_cycles(c, pf32), c64 = conv_cycles(c, pf64);
  CHECK(c64 == doctest::Approx(c32 / 2).epsilon(0.05));
}

TEST_CASE("precision: int16 costs about 2x the cycles and exactly 2x the weight bytes of int8") {
  const auto hw = test::preset("npu-pf32");
  ConvSpec c8 = compute_bound(), c16 = compute_bound();
  c16.precision = "int16";
  const auto r8 = test::run(test::conv_yaml(c8), hw);
  const auto r16 = test::run(test::conv_yaml(c16), hw);
  CHECK(static_cast<double>(r16.layers[0].cycles) ==
        doctest::Approx(2.0 * r8.layers[0].cycles).epsilon(0.05));
  const auto job8 =
      sim::make_job(wl::load_network_string(test::conv_yaml(c8), "a.yaml"), 1, hw, {});
  const auto job16 =
      sim::make_job(wl::load_network_string(test::conv_yaml(c16), "b.yaml"), 1, hw, {});
  CHECK(job16.weight_bytes == 2 * job8.weight_bytes);
  CHECK(job16.output_bytes == 2 * job8.output_bytes);
}

TEST_CASE(
    "depthwise channel_parallel: utilisation is at most 1/dot_width, tap_parallel is faster") {
  const auto cp = test::preset("npu-pf32");
  const auto tp = test::preset("npu-pf32", {{"compute.depthwise", "tap_parallel"}});
  for (int k : {3, 5}) {
    ConvSpec dw{56, 56, 128, 128, k, 1, 128, "int8"};
    const auto rc = test::run(test::conv_yaml(dw), cp).layers.at(0);
    const auto rt = test::run(test::conv_yaml(dw), tp).layers.at(0);
    CHECK(rc.utilization <= 1.0 / static_cast<double>(cp.dot_width) + 1e-12);
    CHECK(rt.cycles < rc.cycles);
    CHECK(rt.macs == rc.macs);
  }
}

TEST_CASE("depthwise channel_parallel: Kh*Kw cycles per output pixel per pass of PF channels") {
  const auto hw = test::preset("npu-pf32", {{"layer_setup", "0"}});
  ConvSpec dw{16, 16, 64, 64, 3, 1, 64, "int8"};
  const auto job =
      sim::make_job(wl::load_network_string(test::conv_yaml(dw), "dw.yaml"), 1, hw, {});
  CHECK(hw::dot_product_steps_per_pixel_pass(job, hw) == 9);
  const auto l = test::run(test::conv_yaml(dw), hw).layers.at(0);
  const std::int64_t passes = (64 + hw.parallelism_factor - 1) / hw.parallelism_factor;
  CHECK(l.passes == passes);
  CHECK(l.compute_cycles == 16 * 16 * 9 * passes + l.bands * passes * hw.pipeline_latency_cycles);
}

TEST_CASE("vector unit: an add costs elements / lanes cycles plus fill per tile") {
  const auto hw = test::preset("npu-pf32");
  const std::string y =
      "layers:\n"
      "  - {name: a, op: input, shape: [32, 32, 64]}\n"
      "  - {name: b, op: input, shape: [32, 32, 64]}\n"
      "  - {name: s, op: add, inputs: [a, b]}\n";
  const auto l = test::run(y, hw).layers.at(0);
  const std::int64_t elements = 32 * 32 * 64;
  CHECK(l.compute_cycles ==
        elements / hw.vector_lanes + l.tiles * hw.vector_pipeline_latency_cycles);
  CHECK(l.dram_read_bytes == 2 * elements);
  CHECK(l.dram_write_bytes == elements);
}

TEST_CASE("epilogue: bias, batch-norm and activations are fused and cost no cycles") {
  const auto hw = test::preset("npu-pf32");
  std::string plain = test::conv_yaml(compute_bound());
  const auto pos = plain.find("epilogue: [bn, relu]");
  REQUIRE(pos != std::string::npos);
  for (const char* epi : {"epilogue: []", "epilogue: [bn, hswish]", "epilogue: [bias, sigmoid]"}) {
    std::string other = plain;
    other.replace(pos, std::string("epilogue: [bn, relu]").size(), epi);
    const auto a = test::run(plain, hw).layers.at(0);
    const auto b = test::run(other, hw).layers.at(0);
    INFO(epi);
    CHECK(b.compute_cycles == a.compute_cycles);
  }
}

TEST_CASE("energy: MACs, SRAM bytes and DRAM bytes are each charged at their declared price") {
  const ConvSpec c = compute_bound();
  const std::string y = test::conv_yaml(c);
  const auto only_mac =
      test::preset("npu-pf32", {{"energy.sram_byte", "0pJ"}, {"energy.dram_byte", "0pJ"}});
  const auto only_dram = test::preset(
      "npu-pf32",
      {{"energy.sram_byte", "0pJ"}, {"energy.mac.int8", "0pJ"}, {"energy.dram_byte", "10pJ"}});
  const auto l_mac = test::run(y, only_mac).layers.at(0);
  CHECK(l_mac.energy_pj ==
        doctest::Approx(l_mac.macs * only_mac.prec(Precision::Int8).mac_energy_pj));
  const auto l_dram = test::run(y, only_dram).layers.at(0);
  CHECK(l_dram.energy_pj == doctest::Approx(10.0 * test::dram_bytes(l_dram)));
  ConvSpec c16 = c;
  c16.precision = "int16";
  const auto l16 = test::run(test::conv_yaml(c16), only_mac).layers.at(0);
  CHECK(l16.energy_pj == doctest::Approx(l16.macs * only_mac.prec(Precision::Int16).mac_energy_pj));
}

TEST_CASE("batch: a batch of 2 costs about twice one image on a compute-bound layer") {
  const auto hw = test::preset("npu-pf32");
  sim::PlanOptions two;
  two.batch = 2;
  const auto one = test::run(test::conv_yaml(compute_bound()), hw).layers.at(0);
  const auto pair = test::run(test::conv_yaml(compute_bound()), hw, two).layers.at(0);
  CHECK(pair.macs == 2 * one.macs);
  CHECK(static_cast<double>(pair.cycles) == doctest::Approx(2.0 * one.cycles).epsilon(0.05));
}
