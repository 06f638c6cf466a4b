// Network graph contract (network.h): names, edges, cycles, order, per-layer arithmetic.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/workloads/helpers.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas::wl;
using namespace accelnas::wl::test;

TEST_CASE("op names: every op round-trips through its name") {
  const std::vector<std::string> expected = {
      "input",   "conv2d",         "fully_connected", "add",    "mul",          "maxpool",
      "avgpool", "global_avgpool", "concat",          "resize", "channel_slice"};
  CHECK(op_names() == expected);
  for (const auto& name : op_names()) {
    OpKind op = OpKind::Input;
    REQUIRE(parse_op(name, op));
    CHECK(name == op_name(op));
    CHECK(op_name_string(op) == op_name(op));
  }
  OpKind op = OpKind::Add;
  CHECK_FALSE(parse_op("conv", op));
  CHECK(op == OpKind::Add);
}

TEST_CASE("activation names: none, relu, relu6, hswish, sigmoid, hsigmoid") {
  for (const char* name : {"none", "relu", "relu6", "hswish", "sigmoid", "hsigmoid"}) {
    Activation a = Activation::None;
    REQUIRE(parse_activation(name, a));
    CHECK(std::string(activation_name(a)) == name);
  }
  Activation a = Activation::None;
  CHECK_FALSE(parse_activation("gelu", a));
}

TEST_CASE("shape: to_string is h x w x c") {
  CHECK(to_string(Shape{112, 112, 32}) == "112x112x32");
}

TEST_CASE("epilogue: bias or batchnorm gives a bias term") {
  Epilogue e;
  CHECK_FALSE(e.has_bias_term());
  e.batchnorm = true;
  CHECK(e.has_bias_term());
}

TEST_CASE("network: layer names are unique, and the error names both origins") {
  Network net;
  net.add_layer(make_input("x", 4, 4, 4));
  Layer dup = make_input("x", 8, 8, 8);
  dup.origin = "net.yaml:9: layers[3] (x)";
  const std::string msg = user_error([&] { net.add_layer(dup); });
  CHECK(msg == "net.yaml:9: layers[3] (x): duplicate layer name 'x' (first defined at test: x)");
  CHECK(contains(user_error([&] { net.add_layer(make_input("", 1, 1, 1)); }), "layer has no name"));
}

TEST_CASE("network: an input that names no layer is a dangling input") {
  const std::string msg = user_error([] {
    make_net({make_input("x", 8, 8, 4), make_conv("c", "y", 8, 3)});
  });
  CHECK(msg == "test: c: input 'y' is not a layer of this network");
}

TEST_CASE("network: a cycle is rejected naming the layers on it") {
  // x -> a -> b -> a: a and b form the cycle, c only hangs off it.
  const std::string msg = user_error([] {
    Layer a = make_layer("a", OpKind::Add, {"x", "b"});
    make_net({make_input("x", 4, 4, 4), a, make_conv("b", "a", 4, 1), make_conv("c", "b", 4, 1)});
  });
  CHECK(msg == "test: a: cycle through layers a -> b -> a");
}

TEST_CASE("network: a layer consuming itself is a cycle") {
  CHECK(user_error([] { make_net({make_conv("a", "a", 4, 1)}); }) ==
        "test: a: cycle through layers a -> a");
}

TEST_CASE("network: a failed finalize leaves the network un-finalized and unchanged") {
  Network net;
  net.add_layer(make_input("x", 8, 8, 4));
  net.add_layer(make_conv("c", "x", 8, 3));
  net.finalize();
  net.mutable_layer(1).inputs = {"nope"};
  CHECK_FALSE(net.finalized());
  CHECK_THROWS_AS(net.finalize(), accelnas::UserError);
  CHECK_FALSE(net.finalized());
  net.mutable_layer(1).inputs = {"x"};
  net.mutable_layer(1).out_channels = 12;
  net.finalize();
  CHECK(net.layer(1).out.c == 12);
}

TEST_CASE("topological order: Kahn's algorithm takes the lowest ready index first") {
  // Added consumers-first: 0 c(a, b), 1 b(a), 2 a, 3 d(a).
  const Network net = make_net({make_layer("c", OpKind::Add, {"a", "b"}), make_conv("b", "a", 4, 1),
                                make_input("a", 4, 4, 4), make_conv("d", "a", 4, 1)});
  CHECK(net.order() == std::vector<std::size_t>{2, 1, 0, 3});
}

TEST_CASE("topological order: every producer comes before its consumers") {
  const Network net = build_zoo("mobilenet_v2");
  std::vector<std::size_t> position(net.size());
  for (std::size_t k = 0; k < net.order().size(); ++k) position[net.order()[k]] = k;
  REQUIRE(net.order().size() == net.size());
  for (std::size_t i = 0; i < net.size(); ++i) {
    for (std::size_t p : net.producers(i)) CHECK(position[p] < position[i]);
  }
}

TEST_CASE("topological order: is the same on every build") {
  CHECK(build_zoo("mobilenet_v2").order() == build_zoo("mobilenet_v2").order());
}

TEST_CASE("network: producers are in operand order, consumers ascending and unique") {
  // y is added before x, and the add names them [x, y].
  const Network net = make_net({make_input("y", 4, 4, 4), make_input("x", 4, 4, 4),
                                make_layer("s", OpKind::Add, {"x", "y"}),
                                make_layer("sq", OpKind::Mul, {"x", "x"})});
  CHECK(net.producers(2) == std::vector<std::size_t>{1, 0});
  CHECK(net.producers(3) == std::vector<std::size_t>{1, 1});
  CHECK(net.consumers(1) == std::vector<std::size_t>{2, 3});
  CHECK(net.outputs() == std::vector<std::size_t>{2, 3});
  const auto edges = boost::in_edges(2, net.graph());
  for (auto it = edges.first; it != edges.second; ++it) {
    CHECK(net.graph()[*it].operand == (boost::source(*it, net.graph()) == 1 ? 0 : 1));
  }
}

TEST_CASE("network: index_of finds layers by name and rejects unknown names") {
  const Network net = make_net({make_input("x", 4, 4, 4), make_conv("c", "x", 4, 1)});
  CHECK(net.index_of("c") == 1);
  CHECK(net.has("x"));
  CHECK_FALSE(net.has("z"));
  CHECK(contains(user_error([&] { net.index_of("z"); }), "has no layer 'z'"));
}

TEST_CASE("network: the prepare hook sees inferred producers before each layer") {
  Network net;
  net.add_layer(make_input("x", 10, 6, 3));
  net.add_layer(make_layer("r", OpKind::Resize, {"x"}));
  net.finalize([](Layer& l, const std::vector<const Layer*>& in) {
    if (l.op == OpKind::Resize) {
      l.out_h = in[0]->out.h * 3;
      l.out_w = in[0]->out.w * 3;
    }
  });
  CHECK(out_of(net, "r") == Shape{30, 18, 3});
}

TEST_CASE("layer arithmetic: conv MACs = out_h*out_w*out_c*kh*kw*(in_c/groups)") {
  Layer g = make_conv("g", "x", 32, 3, 2, 4);
  const Network net = make_net({make_input("x", 56, 56, 16), make_conv("c", "x", 32, 3, 2),
                                make_conv("dw", "x", 16, 5, 1, 16), g});
  CHECK(layer_macs(net, 1) == 28 * 28 * 32 * 9 * 16);
  CHECK(layer_macs(net, 2) == 56 * 56 * 16 * 25 * 1);
  CHECK(layer_macs(net, 3) == 28 * 28 * 32 * 9 * 4);
  CHECK(layer_weight_elements(net, 1) == 9 * 16 * 32);
  CHECK(layer_weight_elements(net, 2) == 25 * 16);
  CHECK(layer_weight_elements(net, 3) == 9 * 4 * 32);
  CHECK(input_channels(net, 1) == 16);
  CHECK(input_channels(net, 0) == 0);
}

TEST_CASE("layer arithmetic: fully_connected MACs = input elements * out_channels") {
  Layer fc = make_layer("fc", OpKind::FullyConnected, {"x"});
  fc.out_channels = 10;
  fc.epilogue.bias = true;
  const Network net = make_net({make_input("x", 7, 7, 64), fc});
  CHECK(layer_macs(net, 1) == 7 * 7 * 64 * 10);
  CHECK(layer_weight_elements(net, 1) == 7 * 7 * 64 * 10);
  CHECK(layer_bias_elements(net, 1) == 10);
  CHECK(layer_params(net, 1) == 7 * 7 * 64 * 10 + 10);
}

TEST_CASE("layer arithmetic: a bias term exists only with bias or batchnorm") {
  Layer plain = make_conv("plain", "x", 8, 1);
  Layer bn = make_conv("bn", "x", 8, 1);
  bn.epilogue.batchnorm = true;
  bn.epilogue.activation = Activation::Relu6;
  Layer act = make_conv("act", "x", 8, 1);
  act.epilogue.activation = Activation::Relu;
  const Network net = make_net({make_input("x", 4, 4, 4), plain, bn, act});
  CHECK(layer_bias_elements(net, 1) == 0);
  CHECK(layer_bias_elements(net, 2) == 8);
  CHECK(layer_bias_elements(net, 3) == 0);
  CHECK(layer_params(net, 2) == 4 * 8 + 8);
}

TEST_CASE("layer arithmetic: vector ops have no MACs and count elements times window") {
  Layer near = make_layer("near", OpKind::Resize, {"x"});
  near.out_h = near.out_w = 16;
  Layer bil = near;
  bil.name = "bil";
  bil.resize_mode = ResizeMode::Bilinear;
  const Network net =
      make_net({make_input("x", 8, 8, 4), make_layer("add", OpKind::Add, {"x", "x"}),
                make_window("max", OpKind::MaxPool, "x", 3, 2),
                make_window("avg", OpKind::AvgPool, "x", 2, 2),
                make_layer("gap", OpKind::GlobalAvgPool, {"x"}),
                make_layer("cat", OpKind::Concat, {"x", "x"}), near, bil});
  CHECK(layer_vector_ops(net, net.index_of("add")) == 8 * 8 * 4);
  CHECK(layer_vector_ops(net, net.index_of("max")) == 4 * 4 * 4 * 9);
  CHECK(layer_vector_ops(net, net.index_of("avg")) == 4 * 4 * 4 * 4);
  CHECK(layer_vector_ops(net, net.index_of("gap")) == 8 * 8 * 4);
  CHECK(layer_vector_ops(net, net.index_of("cat")) == 8 * 8 * 8);
  CHECK(layer_vector_ops(net, net.index_of("near")) == 16 * 16 * 4);
  CHECK(layer_vector_ops(net, net.index_of("bil")) == 16 * 16 * 4 * 4);
  CHECK(layer_vector_ops(net, 0) == 0);
  for (std::size_t i = 0; i < net.size(); ++i) CHECK(layer_macs(net, i) == 0);
}

TEST_CASE("layer arithmetic: totals sum the layers") {
  const Network net = build_zoo("tiny");
  std::int64_t macs = 0, params = 0;
  for (std::size_t i = 0; i < net.size(); ++i) {
    macs += layer_macs(net, i);
    params += layer_params(net, i);
  }
  CHECK(total_macs(net) == macs);
  CHECK(total_params(net) == params);
  CHECK(macs > 0);
}
