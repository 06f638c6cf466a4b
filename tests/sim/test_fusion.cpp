// Fusion of element-wise ops and pools into the conv before them (rules F1-F3,
// docs/HARDWARE_MODEL.md): what the planner fuses, that fusion never costs cycles or DRAM
// traffic, the worked example, and the replay of fused tile programs.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "hw_models/simulator.h"
#include "hw_models/tiler.h"
#include "hw_models/timing/tile_program.h"
#include "sim/planner.h"
#include "tests/sim/nets.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using test::preset_names;
using test::zoo_networks;

namespace {

// x -> 3x3 conv -> add(conv, x): the worked example's conv with a residual add.
const char* kResidual = R"(name: residual
layers:
  - {name: x, op: input, shape: [32, 32, 64]}
  - {name: conv, op: conv2d, input: x, out_channels: 64, kernel: 3, epilogue: [bn]}
  - {name: add, op: add, inputs: [conv, x]}
)";

// Two convs meeting in an add (both qualify: the later one takes it), a conv feeding a max pool
// and one feeding a global pool, and a conv with two consumers (never fused).
const char* kShapes = R"(name: shapes
layers:
  - {name: x, op: input, shape: [28, 28, 32]}
  - {name: a, op: conv2d, input: x, out_channels: 32, kernel: 3, epilogue: [bn, relu]}
  - {name: b, op: conv2d, input: x, out_channels: 32, kernel: 1, epilogue: [bn]}
  - {name: sum, op: add, inputs: [a, b]}
  - {name: c, op: conv2d, input: sum, out_channels: 64, kernel: 3, epilogue: [bn, relu]}
  - {name: pool, op: maxpool, input: c, kernel: 3, stride: 2}
  - {name: d, op: conv2d, input: pool, out_channels: 64, kernel: 1, epilogue: [bn, relu]}
  - {name: e, op: conv2d, input: d, out_channels: 64, kernel: 1, epilogue: [bn, relu]}
  - {name: twice, op: add, inputs: [d, e]}
  - {name: f, op: conv2d, input: twice, out_channels: 128, kernel: 1, epilogue: [bn, relu]}
  - {name: gap, op: global_avgpool, input: f}
)";

hw::HwSpec unfused(const std::string& preset) {
  return test::preset(preset, {{"fusion.eltwise", "false"}, {"fusion.pooling", "false"}});
}

}  // namespace

TEST_CASE("fusion: F1 and F2 fuse an add, a max pool and a global pool into the conv before them") {
  const wl::Network net = wl::load_network_string(kShapes, "shapes.yaml");
  const auto plan = sim::plan_network(net, test::preset("npu-pf32"), {});
  std::vector<std::string> names, ops;
  for (const auto& j : plan.jobs) {
    names.push_back(j.name);
    ops.push_back(j.op);
  }
  // b (1x1) runs after a, so b takes the add; d has two consumers (e and the add): e takes it.
  CHECK(names == std::vector<std::string>{"a", "b+sum", "c+pool", "d", "e+twice", "f+gap"});
  CHECK(ops == std::vector<std::string>{"conv2d", "conv2d+add", "conv2d+maxpool", "conv2d",
                                        "conv2d+add", "conv2d+global_avgpool"});
  REQUIRE(plan.fused_layer_of_job.size() == plan.jobs.size());
  CHECK(plan.fused_layer_of_job[0] == sim::kNoLayer);
  CHECK(net.layer(plan.fused_layer_of_job[1]).name == "sum");
  CHECK(net.layer(plan.layer_of_job[1]).name == "b");
  CHECK(net.layer(plan.output_layer_of_job(2)).name == "pool");

  const hw::LayerJob& add = plan.jobs[1];
  CHECK(add.fused_op == hw::FusedOp::Add);
  CHECK(add.fused_vector_ops == 28 * 28 * 32);
  REQUIRE(add.inputs.size() == 2);  // x, then a's output (the second operand)
  CHECK(add.inputs[1].bytes == 28 * 28 * 32);
  CHECK(add.inputs[1].rows == 28);
  CHECK(add.output_bytes == 28 * 28 * 32);

  const hw::LayerJob& pool = plan.jobs[2];
  CHECK(pool.fused_op == hw::FusedOp::Pool);
  CHECK(pool.rows == 28);                            // the conv's rows
  CHECK(pool.output_bytes == 14 * 14 * 64);          // the pool's output
  CHECK(pool.fused_vector_ops == 14 * 14 * 64 * 9);  // output elements times the window
  CHECK(pool.fused_halo_rows == 1);                  // 3 - 2
  CHECK(pool.macs == 28 * 28 * 64 * 9 * 32);

  const hw::LayerJob& gap = plan.jobs[5];
  CHECK(gap.fused_op == hw::FusedOp::Pool);
  CHECK(gap.output_whole);
  CHECK(gap.output_bytes == 128);
  CHECK(gap.fused_vector_ops == 14 * 14 * 128);

  // Off: one job per layer, as before.
  const auto off = sim::plan_network(net, unfused("npu-pf32"), {});
  CHECK(off.jobs.size() == 10);
  for (std::size_t f : off.fused_layer_of_job) CHECK(f == sim::kNoLayer);
}

TEST_CASE(
    "fusion: each kind follows its own key, and an add whose other operand comes later "
    "stays unfused") {
  const wl::Network net = wl::load_network_string(kShapes, "shapes.yaml");
  const auto only_pool =
      sim::plan_network(net, test::preset("npu-pf32", {{"fusion.eltwise", "false"}}), {});
  const auto only_add =
      sim::plan_network(net, test::preset("npu-pf32", {{"fusion.pooling", "false"}}), {});
  std::vector<std::string> a, b;
  for (const auto& j : only_pool.jobs) a.push_back(j.name);
  for (const auto& j : only_add.jobs) b.push_back(j.name);
  CHECK(a == std::vector<std::string>{"a", "b", "sum", "c+pool", "d", "e", "twice", "f+gap"});
  CHECK(b == std::vector<std::string>{"a", "b+sum", "c", "pool", "d", "e+twice", "f", "gap"});

  // The add's other operand is produced after the conv: nothing streams in, nothing fuses.
  const char* late = R"(name: late
layers:
  - {name: x, op: input, shape: [16, 16, 16]}
  - {name: a, op: conv2d, input: x, out_channels: 16, kernel: 1}
  - {name: b, op: maxpool, input: x, kernel: 3, stride: 1}
  - {name: sum, op: add, inputs: [a, b]}
)";
  const auto plan =
      sim::plan_network(wl::load_network_string(late, "late.yaml"), test::preset("npu-pf32"), {});
  std::vector<std::string> names;
  for (const auto& j : plan.jobs) names.push_back(j.name);
  CHECK(names == std::vector<std::string>{"a", "b", "sum"});
}

TEST_CASE("fusion: residency treats a fused conv's output as nonexistent") {
  // 112x112x64 int8 = 802,816 B: the conv's output alone would not fit beside its working set.
  const wl::Network net = wl::load_network_string(kShapes, "shapes.yaml");
  const auto hw = test::preset("npu-pf32");
  const auto plan = sim::plan_network(net, hw, {});
  const auto off = sim::plan_network(net, unfused("npu-pf32"), {});
  // Unfused, a's output stays resident until the add; fused, the add's job reads it itself.
  // The fused job's reserved bytes never count its conv's output.
  std::map<std::string, std::int64_t> reserved_off;
  for (const auto& j : off.jobs) reserved_off[j.name] = j.reserved_activation_bytes;
  for (const auto& j : plan.jobs) {
    if (j.fused_op == hw::FusedOp::None) continue;
    INFO(j.name);
    const std::string conv = j.name.substr(0, j.name.find('+'));
    CHECK(j.reserved_activation_bytes <= reserved_off[conv]);
  }
}

// The unfused pair of fused job `f` (plan job j) in f's own context: the conv with f's operands
// and its output through DRAM, then the op reading it back, with f's second operand and output.
std::vector<hw::LayerJob> unfused_pair(const wl::Network& net, const sim::NetworkPlan& plan,
                                       std::size_t j, const hw::HwSpec& hw,
                                       const sim::PlanOptions& opt) {
  std::vector<hw::LayerJob> pair(2);
  sim::unfused_pair(net, plan, j, hw, opt, pair[0], pair[1]);
  return pair;
}

TEST_CASE(
    "fusion never increases a block's cycles or DRAM traffic, on every zoo network, preset "
    "and batch 1 and 2") {
  int fused_jobs = 0;
  // Whole networks: fusion never costs cycles. It may cost a little DRAM traffic through the
  // greedy residency rule (M1), never through a fused job (checked above): without the conv's
  // output, other tensors win the SRAM, and a spilled one is read back. Listed so that a new case
  // fails; docs/HARDWARE_MODEL.md (F1-F3) gives the numbers (at most +1.1%, all faster).
  const std::set<std::string> known = {"npu-pf16 efficientnet_edgetpu_s 2",
                                       "npu-pf32 efficientnet_edgetpu_s 1"};
  std::set<std::string> worse;
  for (const auto& preset : preset_names()) {
    // Without the weight prefetch (C4), which would make a job carry the next one's weights and
    // the pair, simulated alone, not.
    const auto on = test::preset(preset, {{"dma.prefetch_weights", "false"}});
    const auto off = test::preset(preset, {{"fusion.eltwise", "false"},
                                           {"fusion.pooling", "false"},
                                           {"dma.prefetch_weights", "false"}});
    for (const auto& entry : wl::zoo_entries()) {
      const wl::Network net = wl::build_zoo(entry.name);
      for (std::int64_t batch : {1, 2}) {
        sim::PlanOptions opt;
        opt.batch = batch;
        INFO(preset << " " << entry.name << " batch " << batch);
        const auto plan = sim::plan_network(net, on, opt);
        const auto stats = hw::Simulator::instance().run(on, plan.jobs);
        for (std::size_t j = 0; j < plan.jobs.size(); ++j) {
          if (plan.fused_layer_of_job[j] == sim::kNoLayer) continue;
          ++fused_jobs;
          INFO(plan.jobs[j].name);
          const auto pair = hw::Simulator::instance().run(on, unfused_pair(net, plan, j, on, opt));
          CHECK(stats[j].cycles <= pair[0].cycles + pair[1].cycles);
          CHECK(test::dram_bytes(stats[j]) <=
                test::dram_bytes(pair[0]) + test::dram_bytes(pair[1]));
          CHECK(stats[j].macs == pair[0].macs);
          CHECK(stats[j].vector_ops == pair[1].vector_ops);
        }
        const auto a = sim::simulate_network(net, on, opt);
        const auto b = sim::simulate_network(net, off, opt);
        CHECK(a.total.cycles <= b.total.cycles);
        const bool more = a.total.dram_read_bytes + a.total.dram_write_bytes >
                          b.total.dram_read_bytes + b.total.dram_write_bytes;
        const std::string key = preset + " " + entry.name + " " + std::to_string(batch);
        if (more) {
          worse.insert(key);
          INFO(key << ": cycles " << a.total.cycles << " vs " << b.total.cycles << ", DRAM "
                   << a.total.dram_read_bytes + a.total.dram_write_bytes << " vs "
                   << b.total.dram_read_bytes + b.total.dram_write_bytes);
          CHECK(known.count(key) == 1);
        }
      }
    }
  }
  CHECK(worse == known);
  CHECK(fused_jobs > 100);
}

TEST_CASE("fusion: the tile-program replay equals the simulated cycles of every fused layer") {
  for (const auto& preset : preset_names()) {
    const auto hw = test::preset(preset);
    for (const char* model : {"resnet50", "mobilenet_v2", "lraspp_mobilenet_v3"}) {
      const auto plan = sim::plan_network(wl::build_zoo(model), hw, {});
      const auto stats = hw::Simulator::instance().run(hw, plan.jobs);
      for (std::size_t j = 0; j < plan.jobs.size(); ++j) {
        if (plan.jobs[j].fused_op == hw::FusedOp::None) continue;
        INFO(preset << " " << model << " " << plan.jobs[j].name);
        const hw::TilePlan tiles = hw::plan_layer(plan.jobs[j], hw);
        CHECK(hw::replay_tile_program(plan.jobs[j], tiles, hw).cycles == stats[j].cycles);
      }
    }
  }
}

TEST_CASE(
    "worked example: 3x3 conv 32x32x64 with a fused residual add on npu-pf32 (8 bands: "
    "79,636 cycles, mapped: 78,484)") {
  const auto hw = test::preset("npu-pf32");
  const auto r = test::run(kResidual, hw);
  REQUIRE(r.layers.size() == 1);
  const auto& l = r.layers.at(0);
  CHECK(l.name == "conv+add");
  CHECK(l.op == "conv2d+add");
  // The mapper's choice (T6): 16 bands, more halo rows, shorter first load and last store.
  CHECK(l.cycles == 78484);
  CHECK(l.compute_cycles == 73984);  // F3: every tile's array time covers its 64-lane add
  CHECK(l.macs == 37748736);
  CHECK(l.vector_ops == 65536);
  CHECK(l.dram_read_bytes == 233536);
  CHECK(l.dram_write_bytes == 65536);
  // Unfused: the conv, then an add that reads both operands and writes the sum.
  const auto off = test::run(kResidual, unfused("npu-pf32"));
  REQUIRE(off.layers.size() == 2);
  CHECK(off.layers[0].cycles == 76974);  // its output stays on chip for the add
  CHECK(off.layers[1].cycles == 16684);
  CHECK(off.total.dram_read_bytes == 200768);
  CHECK(l.cycles < off.total.cycles);
}
