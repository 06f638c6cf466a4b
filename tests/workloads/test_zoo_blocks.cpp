// Blocks are first-class in every zoo network: each layer of an IBN, fused IBN, squeeze-excite,
// residual or head block carries the block id, its type and its role (vocabulary on wl::Layer),
// and the rules below hold for every entry, at its defaults and at its parameters' bounds.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/workloads/helpers.h"
#include "workloads/zoo/builder.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

// Every entry at its defaults, then with each parameter at its minimum and its maximum, then
// with all of them at their minimums and all at their maximums.
std::vector<std::string> bound_specs() {
  std::vector<std::string> specs;
  for (const ZooEntry& e : zoo_entries()) {
    specs.push_back(e.name);
    std::string all_min, all_max;
    for (const ZooParam& p : e.params) {
      const std::string lo = p.key + "=" + std::to_string(p.min);
      const std::string hi = p.key + "=" + std::to_string(p.max);
      specs.push_back(e.name + ":" + lo);
      specs.push_back(e.name + ":" + hi);
      all_min += (all_min.empty() ? "" : ",") + lo;
      all_max += (all_max.empty() ? "" : ",") + hi;
    }
    if (!all_min.empty()) {
      specs.push_back(e.name + ":" + all_min);
      specs.push_back(e.name + ":" + all_max);
    }
  }
  return specs;
}

const std::vector<Network>& default_networks() {
  static const std::vector<Network> nets = [] {
    std::vector<Network> out;
    for (const ZooEntry& e : zoo_entries()) out.push_back(build_zoo(e.name));
    return out;
  }();
  return nets;
}

// Layer indices of each block, in topological order.
std::map<std::string, std::vector<std::size_t>> blocks_of(const Network& net) {
  std::map<std::string, std::vector<std::size_t>> blocks;
  for (std::size_t i : net.order()) {
    if (!net.layer(i).block.empty()) blocks[net.layer(i).block].push_back(i);
  }
  return blocks;
}

std::multiset<std::string> roles(const Network& net, const std::vector<std::size_t>& layers) {
  std::multiset<std::string> out;
  for (std::size_t i : layers) out.insert(net.layer(i).role);
  return out;
}

const Layer& with_role(const Network& net, const std::vector<std::size_t>& layers,
                       const std::string& role) {
  for (std::size_t i : layers) {
    if (net.layer(i).role == role) return net.layer(i);
  }
  FAIL("no layer with role " << role);
  return net.layer(0);
}

// Visits every block of type `type` in every default network.
template <typename Fn>
int for_each_block(const std::string& type, Fn fn) {
  int visited = 0;
  for (const Network& net : default_networks()) {
    for (const auto& [id, layers] : blocks_of(net)) {
      if (net.layer(layers.front()).block_type != type) continue;
      const auto& block_id = id;  // a structured binding cannot be captured (C++17)
      INFO(net.name << " block " << block_id);
      fn(net, layers);
      ++visited;
    }
  }
  return visited;
}

}  // namespace

TEST_CASE("zoo entries: every entry builds at its defaults and at each parameter's bounds") {
  for (const std::string& spec : bound_specs()) {
    INFO(spec);
    Network net;
    CHECK_NOTHROW(net = build_zoo(spec));
    CHECK(net.finalized());
    CHECK(net.size() > 0);
    CHECK(total_macs(net) > 0);
  }
}

TEST_CASE("blocks: a block's layers are contiguous in topological order and share one type") {
  for (const Network& net : default_networks()) {
    const auto& order = net.order();
    for (const auto& [id, layers] : blocks_of(net)) {
      const auto& block_id = id;  // a structured binding cannot be captured (C++17)
      INFO(net.name << " block " << block_id);
      const auto first = std::find(order.begin(), order.end(), layers.front());
      const auto last = std::find(order.begin(), order.end(), layers.back());
      CHECK(static_cast<std::size_t>(last - first + 1) == layers.size());
      for (std::size_t i : layers) {
        CHECK(net.layer(i).block_type == net.layer(layers.front()).block_type);
        CHECK_FALSE(net.layer(i).block_type.empty());
        CHECK_FALSE(net.layer(i).role.empty());
      }
    }
  }
}

TEST_CASE("blocks: a role or block type never appears outside a block") {
  for (const Network& net : default_networks()) {
    for (std::size_t i = 0; i < net.size(); ++i) {
      INFO(net.name << " layer " << net.layer(i).name);
      if (net.layer(i).block.empty()) {
        CHECK(net.layer(i).role.empty());
        CHECK(net.layer(i).block_type.empty());
      }
    }
  }
}

TEST_CASE("ibn: exactly one depthwise and one linear project, at most one 1x1 expand and add") {
  const int n = for_each_block("ibn", [](const Network& net, const auto& layers) {
    const auto r = roles(net, layers);
    CHECK(r.count("depthwise") == 1);
    CHECK(r.count("project") == 1);
    CHECK(r.count("expand") <= 1);
    CHECK(r.count("residual_add") <= 1);
    CHECK(is_depthwise(net, net.index_of(with_role(net, layers, "depthwise").name)));
    const Layer& project = with_role(net, layers, "project");
    CHECK(project.kernel_h == 1);
    CHECK(project.epilogue.activation == Activation::None);
    if (r.count("expand") == 1) CHECK(with_role(net, layers, "expand").kernel_h == 1);
    for (const auto& role : r) {
      CHECK(std::set<std::string>{"expand", "depthwise", "project", "residual_add", "se_pool",
                                  "se_reduce", "se_expand", "se_scale"}
                .count(role) == 1);
    }
  });
  CHECK(n > 100);
}

TEST_CASE("fused_ibn: one KxK full conv expands, no depthwise, then a linear project") {
  const int n = for_each_block("fused_ibn", [](const Network& net, const auto& layers) {
    const auto r = roles(net, layers);
    CHECK(r.count("depthwise") == 0);
    CHECK(r.count("expand") == 1);
    CHECK(r.count("project") == 1);
    const Layer& expand = with_role(net, layers, "expand");
    CHECK(expand.kernel_h > 1);
    CHECK(expand.groups == 1);
    CHECK(with_role(net, layers, "project").epilogue.activation == Activation::None);
  });
  CHECK(n == 7);  // efficientnet_edgetpu_s's first three stages: 1 + 2 + 4 blocks
}

TEST_CASE("squeeze-excite: pool, reduce, expand and scale, once each, inside the IBN") {
  int with_se = 0;
  for_each_block("ibn", [&](const Network& net, const auto& layers) {
    const auto r = roles(net, layers);
    if (r.count("se_pool") == 0) {
      CHECK(r.count("se_reduce") + r.count("se_expand") + r.count("se_scale") == 0);
      return;
    }
    ++with_se;
    for (const char* role : {"se_pool", "se_reduce", "se_expand", "se_scale"}) {
      CHECK(r.count(role) == 1);
    }
    const Layer& pool = with_role(net, layers, "se_pool");
    const Layer& reduce = with_role(net, layers, "se_reduce");
    const Layer& expand = with_role(net, layers, "se_expand");
    const Layer& scale = with_role(net, layers, "se_scale");
    CHECK(pool.op == OpKind::GlobalAvgPool);
    CHECK(reduce.op == OpKind::FullyConnected);
    CHECK(reduce.epilogue.activation == Activation::Relu);
    CHECK(expand.op == OpKind::FullyConnected);
    CHECK(expand.out_channels == pool.out.c);
    CHECK(reduce.out_channels < expand.out_channels);
    CHECK(scale.op == OpKind::Mul);
    CHECK(scale.inputs == std::vector<std::string>{pool.inputs[0], expand.name});
    CHECK(with_role(net, layers, "depthwise").name == pool.inputs[0]);
  });
  // mobilenet_v3_large 8, mobilenet_v3_small 9, mnasnet_a1 8, lraspp's backbone 8.
  CHECK(with_se == 33);
}

TEST_CASE("residual: convs and one residual_add - a shortcut conv only where the shape changes") {
  const int n = for_each_block("residual", [](const Network& net, const auto& layers) {
    const auto r = roles(net, layers);
    CHECK(r.count("conv") >= 2);
    CHECK(r.count("residual_add") == 1);
    CHECK(r.count("conv") + r.count("shortcut") + 1 == layers.size());
    const Layer& add = with_role(net, layers, "residual_add");
    CHECK(add.op == OpKind::Add);
    const Layer& block_in = net.layer(net.producers(layers.front()).at(0));
    if (r.count("shortcut") == 1) {
      const Layer& shortcut = with_role(net, layers, "shortcut");
      CHECK(shortcut.kernel_h == 1);
      CHECK(add.inputs.at(0) == shortcut.name);
      CHECK(block_in.out != add.out);
    } else {
      CHECK(add.inputs.at(0) == block_in.name);
      CHECK(block_in.out == add.out);
    }
  });
  CHECK(n == 8 + 16);  // resnet18, resnet50
}

TEST_CASE("residual_add: every add inside an IBN joins the block input and the projection") {
  for_each_block("ibn", [](const Network& net, const auto& layers) {
    if (roles(net, layers).count("residual_add") == 0) return;
    const Layer& add = with_role(net, layers, "residual_add");
    const Layer& block_in = net.layer(net.producers(layers.front()).at(0));
    CHECK(add.inputs ==
          std::vector<std::string>{block_in.name, with_role(net, layers, "project").name});
  });
}

TEST_CASE("builder: role() marks the layers after it until the next role or end_block") {
  NetworkBuilder b("m");
  std::string x = b.input("x", Shape{8, 8, 8});
  b.begin_block("ibn1", "ibn");
  x = b.role("expand").pw("e", x, 16, bn(Activation::Relu6));
  x = b.role("depthwise").dwconv("d", x, 3, 1, bn(Activation::Relu6));
  const std::string p1 = b.role("project").pw("p1", x, 8, bn());
  const std::string p2 = b.pw("p2", x, 8, bn());
  b.end_block();
  b.pw("after", p1, 8, bn());
  b.begin_block("b2", "head");
  b.pw("fresh", p2, 8, bn());
  b.end_block();
  const Network net = b.build("m");
  CHECK(net.layer(net.index_of("e")).role == "expand");
  CHECK(net.layer(net.index_of("d")).role == "depthwise");
  CHECK(net.layer(net.index_of("p1")).role == "project");
  CHECK(net.layer(net.index_of("p2")).role == "project");
  CHECK(net.layer(net.index_of("after")).role.empty());
  CHECK(net.layer(net.index_of("fresh")).role.empty());  // a new block starts without a role
  CHECK(net.layer(net.index_of("x")).role.empty());
}
