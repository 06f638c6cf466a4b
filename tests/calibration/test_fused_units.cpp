// Estimator units of fused jobs (rules F1, F2): the description carries the fused op, rebuilds
// the planner's fused job exactly, survives the canonical text, and the sampler draws it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "calibration/estimator/coverage.h"
#include "calibration/estimator/prediction_cache.h"
#include "calibration/estimator/unit.h"
#include "calibration/estimator/unit_summary.h"
#include "calibration/labels/sampler.h"
#include "calibration/labels/space.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/test_util.h"
#include "workloads/loader.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using cal::UnitType;

namespace {

// A conv with a residual add from the input, a conv feeding a max pool, a conv feeding a global
// pool: three fused conv units.
const char* kFusedNet = R"(name: fused
layers:
  - {name: x, op: input, shape: [28, 28, 32]}
  - {name: a, op: conv2d, input: x, out_channels: 32, kernel: 3, epilogue: [bn]}
  - {name: sum, op: add, inputs: [x, a]}
  - {name: c, op: conv2d, input: sum, out_channels: 64, kernel: 3, epilogue: [bn, relu]}
  - {name: pool, op: maxpool, input: c, kernel: 3, stride: 2, padding: same}
  - {name: f, op: conv2d, input: pool, out_channels: 128, kernel: 1, epilogue: [bn, relu]}
  - {name: gap, op: global_avgpool, input: f}
)";

void check_units_round_trip(const wl::Network& net, const hw::HwSpec& hw,
                            const sim::PlanOptions& opt, int& fused) {
  const sim::NetworkPlan plan = sim::plan_network(net, hw, opt);
  for (const auto& u : cal::decompose(net, hw, opt, plan)) {
    const auto jobs = cal::unit_jobs(u, hw);
    REQUIRE(jobs.size() == u.jobs.size());
    const cal::UnitDesc parsed = cal::parse_unit_text(cal::canonical_text(u.desc), "test");
    const auto reparsed = cal::unit_jobs(parsed, hw);
    REQUIRE(reparsed.size() == u.jobs.size());
    CHECK(cal::SameDesc{}(parsed, u.desc));
    CHECK(cal::hash_desc(parsed) == cal::hash_desc(u.desc));
    for (std::size_t t = 0; t < jobs.size(); ++t) {
      const hw::LayerJob& planned = plan.jobs[u.jobs[t]];
      fused += planned.fused_op != hw::FusedOp::None;
      CHECK(u.desc.layers[t].fused.any() == (planned.fused_op != hw::FusedOp::None));
      test::check_same_job(jobs[t], planned, net.name + " " + planned.name);
      test::check_same_job(reparsed[t], planned, net.name + " " + planned.name + " (text)");
    }
  }
}

}  // namespace

TEST_CASE("fused units: unit_jobs rebuilds every fused job of a small network and of the zoo") {
  int fused = 0;
  const wl::Network net = wl::load_network_string(kFusedNet, "fused.yaml");
  for (const char* preset : {"npu-pf16", "npu-pf32", "npu-pf64"}) {
    const auto hw = hw::load_hw(preset);
    for (std::int64_t batch : {1, 2}) {
      for (bool on_chip : {false, true}) {
        sim::PlanOptions opt;
        opt.batch = batch;
        opt.inputs_on_chip = on_chip;
        opt.outputs_on_chip = on_chip;
        check_units_round_trip(net, hw, opt, fused);
      }
    }
  }
  CHECK(fused == 3 * 2 * 2 * 3);
  for (const char* model : {"resnet50", "resnet18", "mobilenet_v3_large", "lraspp_mobilenet_v3"})
    check_units_round_trip(wl::build_zoo(model), test::pf32(), {}, fused);
  CHECK(fused > 3 * 2 * 2 * 3 + 30);
}

TEST_CASE("fused units: a ResNet residual conv3 + add is one conv unit, an IBN keeps its add") {
  const wl::Network net = wl::build_zoo("resnet50");
  const auto units = cal::decompose(net, test::pf32(), {});
  int conv_add = 0;
  for (const auto& u : units) {
    // Every add and the stem's pool fused: the global pool after the last add is the one vector
    // unit left (an add is not a conv).
    if (u.desc.type == UnitType::Vector) CHECK(u.desc.layers[0].op == wl::OpKind::GlobalAvgPool);
    if (u.desc.type != UnitType::Conv || !u.desc.layers[0].fused.any()) continue;
    const cal::LayerDesc& d = u.desc.layers[0];
    if (d.fused.op != wl::OpKind::Add) continue;
    ++conv_add;
    CHECK(d.op == wl::OpKind::Conv2d);
    CHECK(d.inputs.size() == 2);  // the conv's input, then the shortcut
    CHECK(cal::unit_kind(u.desc) == "conv:conv2d+add");
    CHECK(cal::summarize(u.desc).has_residual);
    CHECK(std::string(cal::summarize(u.desc).fused) == "add");
  }
  CHECK(conv_add == 16);

  for (const auto& u : cal::decompose(wl::build_zoo("mobilenet_v2"), test::pf32(), {})) {
    if (u.block != "ibn3") continue;
    REQUIRE(u.desc.type == UnitType::Ibn);
    CHECK(u.desc.layers.back().fused.op == wl::OpKind::Add);
    const cal::UnitSummary s = cal::summarize(u.desc);
    CHECK(s.has_residual);
    CHECK(s.out_c == 24);
  }
}

TEST_CASE("fused units: canonical text has a fused key only for fused jobs, parsed strictly") {
  const wl::Network net = wl::load_network_string(kFusedNet, "fused.yaml");
  const auto units = cal::decompose(net, test::pf32(), {});
  REQUIRE(units.size() == 3);
  const std::string add = cal::canonical_text(units[0].desc);
  const std::string pool = cal::canonical_text(units[1].desc);
  const std::string gap = cal::canonical_text(units[2].desc);
  CHECK(test_util::contains(add, R"("fused":{"op":"add","precision":"int8"})"));
  CHECK(test_util::contains(add, R"("inputs":["in0","in0"])"));  // x twice: conv input, operand
  CHECK(test_util::contains(
      pool,
      R"("fused":{"kernel":[3,3],"op":"maxpool","padding":[0,0,1,1],"precision":"int8","stride":[2,2]})"));
  CHECK(test_util::contains(gap, R"("fused":{"op":"global_avgpool","precision":"int8"})"));
  // Unfused, the same network's texts carry no fused key at all.
  const auto off =
      hw::load_hw("npu-pf32", {{"fusion.eltwise", "false"}, {"fusion.pooling", "false"}});
  for (const auto& u : cal::decompose(net, off, {}))
    CHECK(!test_util::contains(cal::canonical_text(u.desc), "fused"));

  auto error = [](const std::string& text) {
    return test_util::user_error([&] { cal::parse_unit_text(text, "t"); });
  };
  auto edited = [&](const std::string& from, const std::string& to) {
    std::string t = pool;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  CHECK(test_util::contains(error(edited(R"("op":"maxpool",)", R"("op":"maxpool","x":1,)")),
                            "t: layers[0].fused: unknown key 'x'"));
  CHECK(test_util::contains(error(edited(R"("op":"maxpool")", R"("op":"concat")")),
                            "t: layers[0].fused.op: unknown fused op"));
  CHECK(test_util::contains(error(edited(R"("kernel":[3,3],)", "")),
                            "t: layers[0].fused: missing key 'kernel'"));
  // A fused add without its second operand, a fused key on a layer that is not a conv2d.
  std::string lone = add;
  const std::string both = R"(["in0","in0"])";
  lone.replace(lone.find(both), both.size(), R"(["in0"])");
  INFO(error(lone));
  CHECK(test_util::contains(error(lone), "needs its second operand"));
  const std::string vec =
      R"({"batch":1,"inputs":[{"on_chip":false,"precision":"int8","shape":[4,4,8]}],"layers":[{"fused":{"op":"add","precision":"int8"},"inputs":["in0","in0"],"op":"add","other_reserved_bytes":0,"output_on_chip":false,"output_to_dram":true,"precision":"int8"}],"type":"vector"})";
  CHECK(test_util::contains(error(vec), "unknown key 'fused'"));
}

TEST_CASE(
    "fused units: the sampler draws fused conv units on fusing hardware, a coverage kind each") {
  const cal::Space space = cal::parse_space_string(R"(units:
  - {type: conv, fused: {probability: 1, ops: [add, mul, maxpool, avgpool, global_avgpool]}}
resolution: {min: 8, max: 32}
in_channels: {min: 8, max: 64}
out_channels: {min: 8, max: 64}
)",
                                                   "fused.yaml");
  const cal::Sampler sampler(space, test::pf32(), 3);
  std::set<std::string> kinds;
  for (std::uint64_t i = 0; i < 60; ++i) {
    const cal::UnitDesc d = sampler.sample(i);
    REQUIRE(d.type == UnitType::Conv);
    REQUIRE(d.layers.size() == 1);
    CHECK(d.layers[0].fused.any());
    kinds.insert(cal::unit_kind(d));
    (void)cal::unit_jobs(d, test::pf32());
  }
  CHECK(kinds == std::set<std::string>{"conv:conv2d+add", "conv:conv2d+avgpool",
                                       "conv:conv2d+global_avgpool", "conv:conv2d+maxpool",
                                       "conv:conv2d+mul"});
  // Hardware that fuses nothing gets plain convs from the same space.
  const auto off =
      hw::load_hw("npu-pf32", {{"fusion.eltwise", "false"}, {"fusion.pooling", "false"}});
  const cal::Sampler plain(space, off, 3);
  for (std::uint64_t i = 0; i < 20; ++i) CHECK(!plain.sample(i).layers[0].fused.any());
  // The shipped zoo space covers the fused kinds the zoo networks need.
  const auto needed = cal::kinds_needed_by_zoo(test::pf32());
  CHECK(needed.count("conv:conv2d+add") == 1);
  const cal::Sampler zoo(cal::load_space("zoo"), test::pf32(), 1);
  std::set<std::string> drawn;
  for (std::uint64_t i = 0; i < 3000; ++i) drawn.insert(cal::unit_kind(zoo.sample(i)));
  for (const auto& entry : needed) {
    const std::string& kind = entry.first;  // not a structured binding: INFO captures it
    INFO(kind);
    CHECK(drawn.count(kind) == 1);
  }
}
