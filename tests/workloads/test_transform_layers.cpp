// Per-layer transforms (transforms/layers.h): depthwise to full conv, resolution, precision.
#include <doctest/doctest.h>

#include "tests/workloads/helpers.h"
#include "workloads/loader.h"
#include "workloads/transforms/layers.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

void check_round_trip(const Network& net) {
  const std::string yaml = to_yaml(net);
  CHECK(to_yaml(load_network_string(yaml, "roundtrip.yaml")) == yaml);
}

std::size_t depthwise_count(const Network& net) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < net.size(); ++i) n += is_depthwise(net, i) ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("dw_to_conv all: no depthwise left, more parameters and MACs, same shapes") {
  const Network net = build_zoo("mobilenet_v2");
  const Network full = dw_to_conv(net);
  CHECK(depthwise_count(net) == 17);
  CHECK(depthwise_count(full) == 0);
  CHECK(total_params(full) > total_params(net));
  CHECK(total_macs(full) > total_macs(net));
  for (std::size_t i = 0; i < net.size(); ++i) {
    CHECK(full.layer(i).out == net.layer(i).out);
  }
  const Layer& dw = full.layer(full.index_of("ibn3_dw"));
  CHECK(dw.groups == 1);
  CHECK(dw.role == "conv");
  CHECK(dw.block_type == "ibn");
  check_round_trip(full);
}

TEST_CASE("dw_to_conv: by layer name or block id - other layers are UserErrors") {
  const Network net = build_zoo("mobilenet_v2");
  CHECK(depthwise_count(dw_to_conv(net, "ibn3_dw,ibn5")) == 15);
  CHECK(contains(user_error([&] { dw_to_conv(net, "ibn3_expand"); }),
                 "dw_to_conv: layer 'ibn3_expand' is not a depthwise convolution"));
  CHECK(contains(user_error([&] { dw_to_conv(net, "ibn3_dww"); }), "did you mean: ibn3_dw"));
  const Network full = dw_to_conv(net);
  CHECK(contains(user_error([&] { dw_to_conv(full, "ibn3"); }),
                 "dw_to_conv: block 'ibn3' has no depthwise convolution"));
}

TEST_CASE("set_resolution: doubling the input quadruples every conv's MACs (the pixel ratio)") {
  const Network net = build_zoo("mobilenet_v2");
  const Network big = set_resolution(net, 448, 448);
  CHECK(out_of(big, "image") == Shape{448, 448, 3});
  for (std::size_t i = 0; i < net.size(); ++i) {
    const Layer& l = net.layer(i);
    INFO(l.name);
    if (l.op == OpKind::Conv2d) CHECK(layer_macs(big, i) == 4 * layer_macs(net, i));
    if (l.op == OpKind::FullyConnected) CHECK(layer_macs(big, i) == layer_macs(net, i));
  }
  CHECK(total_params(big) == total_params(net));
  CHECK(out_of(big, "classifier") == out_of(net, "classifier"));
  check_round_trip(big);
}

TEST_CASE("set_resolution: resize layers scale with the input - bad sizes are UserErrors") {
  Layer up = make_layer("up", OpKind::Resize, {"c"});
  up.out_h = 32;
  up.out_w = 32;
  const Network net = make_net({make_input("image", 16, 16, 3), make_conv("c", "image", 8, 3), up});
  const Network r = set_resolution(net, 24, 8);
  CHECK(out_of(r, "up") == Shape{48, 16, 8});
  CHECK(contains(user_error([&] { set_resolution(net, 0, 8); }),
                 "set_resolution: resolution must be"));
  const Network two = make_net({make_input("a", 16, 16, 3), make_input("b", 8, 8, 3),
                                make_conv("c", "a", 8, 3), make_conv("d", "b", 8, 3)});
  CHECK(contains(user_error([&] { set_resolution(two, 32, 32); }), "differ in size"));
  const Network big_kernel = make_net(
      {make_input("image", 16, 16, 3), make_window("c", OpKind::Conv2d, "image", 7, 1, 8)});
  Network explicit_pad = big_kernel;
  explicit_pad.mutable_layer(1).same_padding = false;
  explicit_pad.finalize();
  CHECK(contains(user_error([&] { set_resolution(explicit_pad, 4, 4); }),
                 "set_resolution 4x4: the transformed network is invalid"));
}

TEST_CASE("set_precision: named layers or all - all also sets the network default") {
  const Network net = build_zoo("tiny");
  const Network some = set_precision(net, "stem,ibn1", Precision::Int16);
  CHECK(some.layer(some.index_of("stem")).precision == Precision::Int16);
  CHECK(some.layer(some.index_of("ibn1_dw")).precision == Precision::Int16);
  CHECK(some.layer(some.index_of("classifier")).precision == Precision::Int8);
  CHECK(some.default_precision == Precision::Int8);
  const Network all = set_precision(net, "all", Precision::Fp16);
  CHECK(all.default_precision == Precision::Fp16);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all.layer(i).precision == Precision::Fp16);
  check_round_trip(some);
  check_round_trip(all);
  CHECK(contains(user_error([&] { set_precision(net, "nope", Precision::Int16); }),
                 "set_precision: network 'tiny' has no layer or block 'nope'"));
}

TEST_CASE("per-layer transforms give valid networks on every zoo network") {
  for (const auto& e : zoo_entries()) {
    INFO(e.name);
    const Network net = build_zoo(e.name);
    const Shape in = net.layer(net.order().front()).out;
    for (const Network& out :
         {dw_to_conv(net), set_resolution(net, in.h * 2, in.w * 2),
          set_precision(net, "all", Precision::Int16), set_precision(net, "", Precision::Bf16)}) {
      CHECK(out.finalized());
      CHECK(out.size() == net.size());
      check_round_trip(out);
    }
    CHECK(total_params(dw_to_conv(net)) >= total_params(net));
  }
}
