// Decomposition of networks into units, the description round trip and its canonical text.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

#include "calibration/estimator/unit.h"
#include "hw_models/simulator.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/test_util.h"
#include "workloads/loader.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using cal::UnitType;

namespace {

// input -> conv stem -> squeeze-excite block (type "se", outside any IBN) -> pool -> fc.
const char* kSeNet = R"(name: se_net
layers:
  - {name: x, op: input, shape: [28, 28, 16]}
  - {name: stem, op: conv2d, input: x, out_channels: 32, kernel: 3, stride: 2, epilogue: [bn, relu]}
  - {name: se_pool, op: global_avgpool, input: stem, block: se1, block_type: se, role: se_pool}
  - {name: se_reduce, op: fully_connected, input: se_pool, out_channels: 8, epilogue: [bias, relu], block: se1, block_type: se, role: se_reduce}
  - {name: se_expand, op: fully_connected, input: se_reduce, out_channels: 32, epilogue: [bias, sigmoid], block: se1, block_type: se, role: se_expand}
  - {name: se_scale, op: mul, inputs: [stem, se_expand], block: se1, block_type: se, role: se_scale}
  - {name: pool, op: global_avgpool, input: se_scale}
  - {name: fc, op: fully_connected, input: pool, out_channels: 10, epilogue: [bias]}
)";

// A ShuffleNetV2 stride-1 unit: the channel split, the right branch, the concat.
const char* kShuffleUnit = R"(name: shuffle_unit
layers:
  - {name: x, op: input, shape: [28, 28, 116]}
  - {name: lo, op: channel_slice, input: x, begin: 0, end: 58}
  - {name: hi, op: channel_slice, input: x, begin: 58, end: 116}
  - {name: pw1, op: conv2d, input: hi, out_channels: 58, kernel: 1, epilogue: [bn, relu]}
  - {name: dw, op: conv2d, input: pw1, out_channels: 58, kernel: 3, groups: 58, epilogue: [bn]}
  - {name: pw2, op: conv2d, input: dw, out_channels: 58, kernel: 1, epilogue: [bn, relu]}
  - {name: cat, op: concat, inputs: [lo, pw2]}
)";

std::vector<std::size_t> planned_layers(const wl::Network& net) {
  std::vector<std::size_t> out;
  for (std::size_t i : net.order())
    if (net.layer(i).op != wl::OpKind::Input) out.push_back(i);
  return out;
}

}  // namespace

TEST_CASE("decomposition: every non-input layer is in exactly one unit, in execution order") {
  for (const auto& entry : wl::zoo_entries()) {
    const wl::Network net = wl::build_zoo(entry.name);
    INFO(entry.name);
    std::vector<std::size_t> covered;
    std::size_t last_job = 0;
    bool first = true;
    for (const auto& u : cal::decompose(net, test::pf32(), {})) {
      CHECK(!u.layers.empty());
      CHECK(u.layers.size() == u.desc.layers.size());
      CHECK(u.fused_layers.size() == u.layers.size());
      for (std::size_t t = 0; t < u.layers.size(); ++t) {
        covered.push_back(u.layers[t]);
        // A fused op (F1, F2) is in the unit of its conv, in that conv's job.
        if (u.fused_layers[t] != sim::kNoLayer) covered.push_back(u.fused_layers[t]);
        CHECK((first || u.jobs[t] == last_job + 1));
        last_job = u.jobs[t];
        first = false;
      }
    }
    std::vector<std::size_t> planned = planned_layers(net);
    std::sort(covered.begin(), covered.end());
    std::sort(planned.begin(), planned.end());
    CHECK(covered == planned);
  }
}

TEST_CASE("decomposition: an IBN or fused-IBN block, SE and residual add included, is one unit") {
  for (const char* model : {"mobilenet_v2", "mobilenet_v3_large", "efficientnet_edgetpu_s"}) {
    const wl::Network net = wl::build_zoo(model);
    INFO(model);
    std::map<std::string, int> units_of_block;
    std::map<std::string, std::size_t> layers_of_block;
    for (std::size_t i = 0; i < net.size(); ++i) {
      const auto& l = net.layer(i);
      if (l.block_type == "ibn" || l.block_type == "fused_ibn") ++layers_of_block[l.block];
    }
    REQUIRE(!layers_of_block.empty());
    for (const auto& u : cal::decompose(net, test::pf32(), {})) {
      const bool block_unit = u.desc.type == UnitType::Ibn || u.desc.type == UnitType::FusedIbn;
      CHECK(block_unit == (layers_of_block.count(u.block) == 1));
      if (!block_unit) {
        CHECK(u.layers.size() == 1);
        continue;
      }
      ++units_of_block[u.block];
      std::size_t fused = 0;  // the residual add, fused into the project conv (F1)
      for (std::size_t f : u.fused_layers) {
        if (f == sim::kNoLayer) continue;
        ++fused;
        CHECK(net.layer(f).block == u.block);
      }
      CHECK(u.layers.size() + fused == layers_of_block[u.block]);
      for (std::size_t i : u.layers) CHECK(net.layer(i).block == u.block);
    }
    for (const auto& [block, n] : layers_of_block) {
      const auto& block_name = block;  // a structured binding cannot be captured (C++17)
      INFO(block_name);
      CHECK(units_of_block[block] == 1);
    }
  }
}

TEST_CASE(
    "decomposition: an SE block outside an IBN is one unit - lone layers are conv or vector") {
  const wl::Network net = wl::load_network_string(kSeNet, "se.yaml");
  const auto units = cal::decompose(net, test::pf32(), {});
  REQUIRE(units.size() == 4);
  CHECK(units[0].desc.type == UnitType::Conv);
  CHECK(units[1].desc.type == UnitType::Se);
  CHECK(units[1].layers.size() == 4);
  CHECK(units[1].desc.inputs.size() == 1);  // the stem's output, read by the pool and the mul
  CHECK(units[2].desc.type == UnitType::Vector);
  CHECK(units[3].desc.type == UnitType::Conv);
}

TEST_CASE("round trip: jobs rebuilt from a unit's description equal the planned jobs") {
  struct Case {
    const char* preset;
    sim::PlanOptions opt;
  };
  sim::PlanOptions batch2, int16;
  batch2.batch = 2;
  int16.precision = Precision::Int16;
  const std::vector<Case> cases = {{"npu-pf32", {}}, {"npu-pf16", batch2}, {"npu-pf64", int16}};
  for (const auto& c : cases) {
    const hw::HwSpec hw = hw::load_hw(c.preset);
    for (const auto& entry : wl::zoo_entries()) {
      const wl::Network net = wl::build_zoo(entry.name);
      const sim::NetworkPlan plan = sim::plan_network(net, hw, c.opt);
      for (const auto& u : cal::decompose(net, hw, c.opt, plan)) {
        const auto jobs = cal::unit_jobs(u, hw);
        REQUIRE(jobs.size() == u.jobs.size());
        for (std::size_t t = 0; t < jobs.size(); ++t) {
          test::check_same_job(
              jobs[t], plan.jobs[u.jobs[t]],
              std::string(c.preset) + " " + entry.name + " " + plan.jobs[u.jobs[t]].name);
        }
      }
    }
  }
}

TEST_CASE(
    "decomposition: a channel slice is a vector unit described by its width - its jobs round "
    "trip with the input in DRAM or on chip") {
  const wl::Network net = wl::load_network_string(kShuffleUnit, "shuffle.yaml");
  const hw::HwSpec hw = test::pf32();
  for (bool on_chip : {false, true}) {
    CAPTURE(on_chip);
    sim::PlanOptions opt;
    opt.inputs_on_chip = on_chip;
    const sim::NetworkPlan plan = sim::plan_network(net, hw, opt);
    const auto units = cal::decompose(net, hw, opt, plan);
    REQUIRE(units.size() == 6);
    for (std::size_t u : {0, 1}) {
      CAPTURE(u);
      CHECK(units[u].desc.type == UnitType::Vector);
      REQUIRE(units[u].desc.layers.size() == 1);
      CHECK(units[u].desc.layers[0].op == wl::OpKind::ChannelSlice);
      CHECK(units[u].desc.layers[0].out_channels == 58);
      CHECK(units[u].desc.inputs.at(0).on_chip == on_chip);
      const std::string text = cal::canonical_text(units[u].desc);
      CHECK(text.find("\"channels\":58") != std::string::npos);
      CHECK(text.find("begin") == std::string::npos);
    }
    // The slice's operand is its 58 of the 116 channels (rule M2).
    CHECK(plan.jobs[units[1].jobs[0]].inputs[0].bytes == 28 * 28 * 58);
    CHECK(units[5].desc.type == UnitType::Vector);
    for (const auto& u : units) {
      const auto jobs = cal::unit_jobs(u, hw);
      REQUIRE(jobs.size() == u.jobs.size());
      for (std::size_t t = 0; t < jobs.size(); ++t)
        test::check_same_job(jobs[t], plan.jobs[u.jobs[t]], plan.jobs[u.jobs[t]].name);
    }
  }
}

TEST_CASE("canonical text: deterministic, free of names, and different for a different context") {
  const wl::Network net = wl::build_zoo("mobilenet_v2");
  const auto a = cal::decompose(net, test::pf32(), {});
  const auto b = cal::decompose(net, test::pf32(), {});
  REQUIRE(a.size() == b.size());
  std::set<std::string> texts;
  for (std::size_t u = 0; u < a.size(); ++u) {
    CHECK(cal::canonical_text(a[u].desc) == cal::canonical_text(b[u].desc));
    texts.insert(cal::canonical_text(a[u].desc));
  }
  // Repeated blocks of a stage have the same shapes and context, hence the same text.
  CHECK(texts.size() < a.size());

  // The same shapes with the block's input in DRAM instead of on chip are another unit, which
  // the simulator times differently.
  const cal::Unit* ibn = nullptr;
  for (const auto& u : a)
    if (u.desc.type == UnitType::Ibn && u.desc.inputs.at(0).on_chip && !ibn) ibn = &u;
  REQUIRE(ibn != nullptr);
  cal::UnitDesc in_dram = ibn->desc;
  in_dram.inputs[0].on_chip = false;
  CHECK(cal::canonical_text(in_dram) != cal::canonical_text(ibn->desc));
  auto& sim = hw::Simulator::instance();
  const auto chip_stats = sim.run(test::pf32(), cal::unit_jobs(ibn->desc, test::pf32()));
  const auto dram_stats = sim.run(test::pf32(), cal::unit_jobs(in_dram, test::pf32()));
  CHECK(dram_stats.at(0).dram_read_bytes > chip_stats.at(0).dram_read_bytes);
  CHECK(dram_stats.at(0).cycles > chip_stats.at(0).cycles);
}

TEST_CASE("unit description: an operand that refers to no earlier tensor is a user error") {
  const wl::Network net = wl::load_network_string(kSeNet, "se.yaml");
  cal::UnitDesc d = cal::decompose(net, test::pf32(), {}).at(1).desc;
  d.layers[0].inputs[0] = {false, 3};
  CHECK(test_util::contains(test_util::user_error([&] { cal::unit_jobs(d, test::pf32()); }),
                            "operand refers to no earlier tensor"));
}
