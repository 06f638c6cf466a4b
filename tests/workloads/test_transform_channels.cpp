// Width transforms (transforms/channels.h): depth multiplier and channel alignment.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/workloads/helpers.h"
#include "workloads/loader.h"
#include "workloads/transforms/channels.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

std::int64_t ch(const Network& net, const std::string& layer) {
  return out_of(net, layer).c;
}

// The network survives a YAML round trip unchanged.
void check_round_trip(const Network& net) {
  const std::string yaml = to_yaml(net);
  CHECK(to_yaml(load_network_string(yaml, "roundtrip.yaml")) == yaml);
}

std::vector<Shape> output_shapes(const Network& net) {
  std::vector<Shape> out;
  for (std::size_t o : net.outputs()) out.push_back(net.layer(o).out);
  return out;
}

// input 8x8x3 -> a (24) -> dw -> grouped conv (48, 4 groups) -> out (10).
Network grouped_net() {
  return make_net({make_input("image", 8, 8, 3), make_conv("a", "image", 24, 3),
                   make_conv("dw", "a", 24, 3, 1, 24), make_conv("g", "dw", 48, 1, 1, 4),
                   make_conv("out", "g", 10, 1)});
}

Network widths_net() {
  return make_net({make_input("image", 8, 8, 3), make_conv("c20", "image", 20, 3),
                   make_conv("c24", "c20", 24, 3), make_conv("c40", "c24", 40, 3),
                   make_conv("head", "c40", 5, 1)});
}

}  // namespace

TEST_CASE("depth_multiplier(1, 1) is the identity on every zoo network") {
  for (const auto& e : zoo_entries()) {
    INFO(e.name);
    const Network net = build_zoo(e.name);
    CHECK(to_yaml(depth_multiplier(net, 1.0, 1)) == to_yaml(net));
  }
}

TEST_CASE("depth_multiplier(0.75, 32) on mobilenet_v2: every conv is a multiple of 32, >= 32") {
  const Network net = build_zoo("mobilenet_v2");
  const Network out = depth_multiplier(net, 0.75, 32);
  REQUIRE(out.size() == net.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const Layer& l = out.layer(i);
    if (l.op != OpKind::Conv2d) continue;
    INFO(l.name << " has " << l.out_channels);
    CHECK(l.out_channels % 32 == 0);
    CHECK(l.out_channels >= 32);
    if (is_depthwise(net, i)) CHECK(is_depthwise(out, i));
  }
  CHECK(ch(out, "classifier") == 1000);  // the classes are not width
  CHECK(ch(out, "head") == 960);
  CHECK(output_shapes(out) == output_shapes(net));
  CHECK(total_macs(out) < total_macs(net));
  check_round_trip(out);
}

TEST_CASE("depth_multiplier: the nearest multiple of align, halves up, never below align") {
  const Network net = widths_net();
  const Network half = depth_multiplier(net, 0.5, 8);
  CHECK(ch(half, "c20") == 8);   // 10 -> 8
  CHECK(ch(half, "c24") == 16);  // 12 is halfway: up
  CHECK(ch(half, "c40") == 24);  // 20 -> 24 (2.5 * 8 rounds up)
  CHECK(ch(half, "head") == 5);  // the output keeps its channels
  const Network tiny = depth_multiplier(net, 0.05, 8);
  CHECK(ch(tiny, "c20") == 8);
  CHECK(ch(tiny, "c40") == 8);
  CHECK(ch(depth_multiplier(net, 2.0, 1), "c20") == 40);
}

TEST_CASE("depth_multiplier: depthwise convs follow their input, grouped convs keep divisibility") {
  const Network out = depth_multiplier(grouped_net(), 0.5, 8);
  CHECK(ch(out, "a") == 16);  // 12 -> 16 (lcm(8, 4) = 8)
  const Layer& dw = out.layer(out.index_of("dw"));
  CHECK(dw.groups == 16);
  CHECK(dw.out_channels == 16);
  const Layer& g = out.layer(out.index_of("g"));
  CHECK(g.groups == 4);
  CHECK(g.out_channels == 24);
  CHECK(ch(out, "out") == 10);
}

TEST_CASE("depth_multiplier: residual adds and squeeze-excite scales change both sides alike") {
  const Network net = make_net(
      {make_input("image", 8, 8, 3), make_conv("x", "image", 32, 3), make_conv("y", "x", 32, 3),
       make_layer("add", OpKind::Add, {"x", "y"}),
       make_layer("pool", OpKind::GlobalAvgPool, {"add"}), make_conv("reduce", "pool", 8, 1),
       make_conv("expand", "reduce", 32, 1), make_layer("scale", OpKind::Mul, {"add", "expand"}),
       make_conv("out", "scale", 10, 1)});
  const Network out = depth_multiplier(net, 0.5, 1);
  CHECK(ch(out, "x") == 16);
  CHECK(ch(out, "y") == 16);
  CHECK(ch(out, "expand") == 16);
  CHECK(ch(out, "reduce") == 4);
  CHECK(ch(out, "out") == 10);
}

TEST_CASE("depth_multiplier: an add between a concat and a conv freezes both sides") {
  const Network net =
      make_net({make_input("image", 8, 8, 3), make_conv("a", "image", 16, 3),
                make_conv("b", "image", 16, 3), make_layer("cat", OpKind::Concat, {"a", "b"}),
                make_conv("c", "image", 32, 3), make_layer("add", OpKind::Add, {"cat", "c"}),
                make_conv("d", "add", 64, 3), make_conv("out", "d", 10, 1)});
  const Network out = depth_multiplier(net, 0.5, 1);
  CHECK(ch(out, "a") == 16);
  CHECK(ch(out, "b") == 16);
  CHECK(ch(out, "c") == 32);
  CHECK(ch(out, "d") == 32);
}

TEST_CASE("align_channels: up rounds up, nearest rounds to the closest multiple (halves up)") {
  const Network net = widths_net();
  const Network up = align_channels(net, 16, AlignMode::Up);
  CHECK(ch(up, "c20") == 32);
  CHECK(ch(up, "c24") == 32);
  CHECK(ch(up, "c40") == 48);
  CHECK(ch(up, "head") == 5);
  const Network nearest = align_channels(net, 16, AlignMode::Nearest);
  CHECK(ch(nearest, "c20") == 16);
  CHECK(ch(nearest, "c24") == 32);
  CHECK(ch(nearest, "c40") == 48);
  CHECK(to_yaml(align_channels(net, 1)) == to_yaml(net));
  AlignMode m;
  CHECK(parse_align_mode("nearest", m));
  CHECK(m == AlignMode::Nearest);
  CHECK_FALSE(parse_align_mode("down", m));
}

TEST_CASE("width transforms: bad multipliers and alignments are UserErrors naming them") {
  const Network net = build_zoo("tiny");
  CHECK(contains(user_error([&] { depth_multiplier(net, 0, 8); }),
                 "depth_multiplier: multiplier must be > 0"));
  CHECK(contains(user_error([&] { depth_multiplier(net, -0.5, 8); }), "got -0.5"));
  CHECK(contains(user_error([&] { depth_multiplier(net, std::nan(""), 8); }), "multiplier"));
  CHECK(contains(user_error([&] { depth_multiplier(net, 0.5, 0); }),
                 "depth_multiplier: align must be"));
  CHECK(contains(user_error([&] { align_channels(net, 0); }), "align_channels: align must be"));
}

TEST_CASE("width transforms give valid networks with the same outputs on every zoo network") {
  for (const auto& e : zoo_entries()) {
    INFO(e.name);
    const Network net = build_zoo(e.name);
    for (const Network& out :
         {depth_multiplier(net, 0.5, 8), depth_multiplier(net, 1.3, 16),
          align_channels(net, 32, AlignMode::Up), align_channels(net, 16, AlignMode::Nearest)}) {
      CHECK(out.finalized());
      CHECK(out.size() == net.size());
      CHECK(output_shapes(out) == output_shapes(net));
      check_round_trip(out);
    }
    const Network half = depth_multiplier(net, 0.5, 8);
    for (std::size_t i = 0; i < half.size(); ++i) {
      const Layer& l = half.layer(i);
      if (l.op != OpKind::Conv2d && l.op != OpKind::FullyConnected) continue;
      INFO(l.name);
      // Scaled classes are aligned; frozen ones (outputs, inputs) keep their count.
      const bool aligned = l.out_channels % 8 == 0 && l.out_channels >= 8;
      CHECK((aligned || l.out_channels == net.layer(i).out_channels));
    }
  }
}
