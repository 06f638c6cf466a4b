// The planner's context options (rule M1 for a network inside a bigger one): inputs already on
// chip, activation SRAM reserved by tensors outside the network, outputs kept on chip.
#include <doctest/doctest.h>

#include "sim/planner.h"
#include "tests/sim/nets.h"
#include "workloads/loader.h"

using namespace accelnas;

namespace {

sim::NetworkPlan plan(const std::string& yaml, const hw::HwSpec& hw, const sim::PlanOptions& opt) {
  return sim::plan_network(wl::load_network_string(yaml, "test.yaml"), hw, opt);
}

test::ConvSpec small_conv() {
  test::ConvSpec c;
  c.h = c.w = 14;
  c.cin = c.cout = 64;
  return c;
}

}  // namespace

TEST_CASE("planner context: by default inputs come from DRAM and outputs go to DRAM") {
  const auto hw = test::preset("npu-pf32");
  const auto p = plan(test::conv_yaml(small_conv()), hw, {});
  REQUIRE(p.jobs.size() == 1);
  CHECK_FALSE(p.jobs[0].inputs[0].on_chip);
  CHECK_FALSE(p.jobs[0].output_on_chip);
  CHECK(p.jobs[0].output_to_dram);
  CHECK(p.jobs[0].reserved_activation_bytes == 0);
}

TEST_CASE("planner context: an input that fits starts on chip and its layer reads only weights") {
  const auto hw = test::preset("npu-pf32");
  sim::PlanOptions opt;
  opt.inputs_on_chip = true;
  const auto p = plan(test::conv_yaml(small_conv()), hw, opt);
  REQUIRE(p.jobs.size() == 1);
  CHECK(p.jobs[0].inputs[0].on_chip);
  CHECK(p.jobs[0].reserved_activation_bytes == 14 * 14 * 64);  // the resident input
  const auto r = test::run(test::conv_yaml(small_conv()), hw, opt);
  CHECK(r.layers.at(0).dram_read_bytes == p.jobs[0].weight_bytes);
  const auto dram = test::run(test::conv_yaml(small_conv()), hw);
  CHECK(dram.layers.at(0).dram_read_bytes >= p.jobs[0].weight_bytes + 14 * 14 * 64);
}

TEST_CASE("planner context: an input too big for the activation SRAM is read from DRAM") {
  sim::PlanOptions opt;
  opt.inputs_on_chip = true;
  // 14x14x64 = 12.5 KB does not fit 8 KiB of activation SRAM beside the layer's working set.
  const auto tiny_sram = test::preset("npu-pf32", {{"sram.activations", "8KiB"}});
  const auto p = plan(test::conv_yaml(small_conv()), tiny_sram, opt);
  CHECK_FALSE(p.jobs[0].inputs[0].on_chip);
  CHECK(p.jobs[0].reserved_activation_bytes == 0);
  // 112x112x96 = 1.2 MB does not fit 1 MiB.
  test::ConvSpec big;
  big.h = big.w = 112;
  big.cin = 96;
  const auto q = plan(test::conv_yaml(big), test::preset("npu-pf32"), opt);
  CHECK_FALSE(q.jobs[0].inputs[0].on_chip);
}

TEST_CASE("planner context: an on-chip input stays resident up to its last consumer") {
  const auto hw = test::preset("npu-pf32");
  // x feeds expand (job 0) and the residual add, fused into the project conv (job 2, F1): x is
  // that job's last operand.
  const std::string yaml =
      test::ibn_yaml(14, 32, 32, 6, false) + "  - {name: add, op: add, inputs: [x, project]}\n";
  sim::PlanOptions opt;
  opt.inputs_on_chip = true;
  const auto p = plan(yaml, hw, opt);
  REQUIRE(p.jobs.size() == 3);
  CHECK(p.jobs[2].name == "project+add");
  const std::int64_t x_bytes = 14 * 14 * 32;
  CHECK(p.jobs[0].inputs[0].on_chip);
  CHECK(p.jobs[2].inputs.back().on_chip);
  for (const auto& job : p.jobs) CHECK(job.reserved_activation_bytes >= x_bytes);
  const auto dram = plan(yaml, hw, {});
  CHECK_FALSE(dram.jobs[2].inputs.back().on_chip);
  CHECK(dram.jobs[1].reserved_activation_bytes + x_bytes == p.jobs[1].reserved_activation_bytes);
}

TEST_CASE(
    "planner context: reserved bytes raise every job's reserved bytes and can spill a tensor") {
  const auto hw = test::preset("npu-pf32");
  const std::string yaml = test::ibn_yaml(14, 96, 96, 6, false);
  const auto free = plan(yaml, hw, {});
  REQUIRE(free.jobs.size() == 3);
  CHECK(free.jobs[0].output_on_chip);  // 14x14x576 = 113 KB stays on chip

  sim::PlanOptions some;
  some.reserved_activation_bytes = 100000;
  const auto p = plan(yaml, hw, some);
  for (std::size_t j = 0; j < p.jobs.size(); ++j) {
    INFO("job " << j);
    CHECK(p.jobs[j].reserved_activation_bytes ==
          free.jobs[j].reserved_activation_bytes + some.reserved_activation_bytes);
  }

  sim::PlanOptions most;
  most.reserved_activation_bytes = hw.sram_activation_bytes - 100000;
  const auto q = plan(yaml, hw, most);
  CHECK_FALSE(q.jobs[0].output_on_chip);
  CHECK(q.jobs[0].output_to_dram);
  CHECK_FALSE(q.jobs[1].inputs[0].on_chip);
  for (const auto& job : q.jobs)
    CHECK(job.reserved_activation_bytes >= most.reserved_activation_bytes);
}

TEST_CASE("planner context: outputs_on_chip keeps a network output that fits resident") {
  const auto hw = test::preset("npu-pf32");
  sim::PlanOptions opt;
  opt.outputs_on_chip = true;
  const auto p = plan(test::conv_yaml(small_conv()), hw, opt);
  CHECK(p.jobs[0].output_on_chip);
  CHECK_FALSE(p.jobs[0].output_to_dram);
  CHECK(p.jobs[0].reserved_activation_bytes == 14 * 14 * 64);
  const auto r = test::run(test::conv_yaml(small_conv()), hw, opt);
  CHECK(r.layers.at(0).dram_write_bytes == 0);

  test::ConvSpec big;
  big.h = big.w = 112;
  big.cin = 16;
  big.cout = 96;  // 1.2 MB output: written to DRAM
  const auto q = plan(test::conv_yaml(big), hw, opt);
  CHECK_FALSE(q.jobs[0].output_on_chip);
  CHECK(q.jobs[0].output_to_dram);
}
