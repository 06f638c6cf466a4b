// Loading networks from YAML and writing them back (loader.h).
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/workloads/helpers.h"
#include "workloads/loader.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

const char* kExample = R"(name: example
precision: int8
layers:
  - {name: image, op: input, shape: [32, 32, 3]}
  - name: conv1
    op: conv2d
    input: image
    out_channels: 16
    kernel: 3
    stride: 2
    padding: same
    epilogue: [bn, relu6]
    precision: int16
    block: b1
    block_type: ibn
  - {name: dw, op: conv2d, input: conv1, out_channels: 16, kernel: [3, 5], groups: 16, padding: [1, 2, 1, 2]}
  - {name: sum, op: add, inputs: [conv1, dw], block: b1}
  - {name: p, op: maxpool, input: sum, kernel: 3, stride: 2, padding: valid}
  - {name: up, op: resize, input: p, scale: 2, mode: bilinear}
  - {name: up2, op: resize, input: p, size: [10, 12]}
  - {name: cat, op: concat, inputs: [up, up]}
  - {name: pool, op: global_avgpool, input: cat}
  - {name: fc, op: fully_connected, input: pool, out_channels: 10, epilogue: [bias]}
)";

// Every attribute the format carries (origins and inferred shapes aside).
void check_same_layer(const Layer& a, const Layer& b) {
  INFO("layer " << a.name);
  CHECK(a.name == b.name);
  CHECK(a.op == b.op);
  CHECK(a.inputs == b.inputs);
  CHECK(a.precision == b.precision);
  CHECK(a.block == b.block);
  CHECK(a.block_type == b.block_type);
  CHECK(a.input_shape == b.input_shape);
  CHECK(a.kernel_h == b.kernel_h);
  CHECK(a.kernel_w == b.kernel_w);
  CHECK(a.stride_h == b.stride_h);
  CHECK(a.stride_w == b.stride_w);
  CHECK(a.same_padding == b.same_padding);
  if (!a.same_padding) {
    CHECK(a.padding.top == b.padding.top);
    CHECK(a.padding.left == b.padding.left);
    CHECK(a.padding.bottom == b.padding.bottom);
    CHECK(a.padding.right == b.padding.right);
  }
  CHECK(a.groups == b.groups);
  CHECK(a.out_channels == b.out_channels);
  CHECK(a.epilogue.bias == b.epilogue.bias);
  CHECK(a.epilogue.batchnorm == b.epilogue.batchnorm);
  CHECK(a.epilogue.activation == b.epilogue.activation);
  CHECK(a.resize_mode == b.resize_mode);
  CHECK(a.slice_begin == b.slice_begin);
  CHECK(a.slice_end == b.slice_end);
  CHECK(a.out == b.out);
}

void check_round_trip(const Network& net) {
  const Network back = load_network_string(to_yaml(net), "roundtrip.yaml");
  CHECK(back.name == net.name);
  CHECK(back.default_precision == net.default_precision);
  REQUIRE(back.size() == net.size());
  for (std::size_t i = 0; i < net.size(); ++i) check_same_layer(net.layer(i), back.layer(i));
  CHECK(to_yaml(back) == to_yaml(net));
}

}  // namespace

TEST_CASE("loader: the example network loads with every attribute") {
  const Network net = load_network_string(kExample, "example.yaml");
  CHECK(net.finalized());
  CHECK(net.name == "example");
  REQUIRE(net.size() == 10);
  const Layer& conv1 = net.layer(net.index_of("conv1"));
  CHECK(conv1.out == Shape{16, 16, 16});
  CHECK(conv1.precision == accelnas::Precision::Int16);
  CHECK(conv1.epilogue.batchnorm);
  CHECK(conv1.epilogue.activation == Activation::Relu6);
  CHECK_FALSE(conv1.epilogue.bias);
  CHECK(conv1.block == "b1");
  CHECK(conv1.block_type == "ibn");
  const Layer& dw = net.layer(net.index_of("dw"));
  CHECK(dw.kernel_h == 3);
  CHECK(dw.kernel_w == 5);
  CHECK(dw.padding.left == 2);
  CHECK(dw.out == Shape{16, 16, 16});
  CHECK(is_depthwise(net, net.index_of("dw")));
  CHECK(net.layer(net.index_of("sum")).inputs == std::vector<std::string>{"conv1", "dw"});
  CHECK(net.layer(net.index_of("p")).out == Shape{7, 7, 16});
  CHECK(net.layer(net.index_of("up")).out == Shape{14, 14, 16});
  CHECK(net.layer(net.index_of("up")).resize_mode == ResizeMode::Bilinear);
  CHECK(net.layer(net.index_of("up2")).out == Shape{10, 12, 16});
  CHECK(net.layer(net.index_of("up2")).resize_mode == ResizeMode::Nearest);
  CHECK(net.layer(net.index_of("cat")).out == Shape{14, 14, 32});
  CHECK(net.layer(net.index_of("fc")).out == Shape{1, 1, 10});
  CHECK(net.layer(net.index_of("fc")).epilogue.bias);
  CHECK(net.layer(net.index_of("fc")).precision == accelnas::Precision::Int8);
}

TEST_CASE("loader: each layer's origin is file:line: layers[i] (name)") {
  const Network net = load_network_string(kExample, "example.yaml");
  CHECK(net.layer(0).origin == "example.yaml:4: layers[0] (image)");
  CHECK(net.layer(1).origin == "example.yaml:5: layers[1] (conv1)");
  CHECK(net.layer(2).origin == "example.yaml:16: layers[2] (dw)");
}

TEST_CASE("loader: defaults are stride 1, SAME padding, groups 1, no epilogue, int8") {
  const Network net = load_network_string(
      "layers:\n"
      "  - {name: x, op: input, shape: [9, 9, 2]}\n"
      "  - {name: c, op: conv2d, input: x, out_channels: 4, kernel: 3}\n",
      "dir/defaults.yaml");
  const Layer& c = net.layer(1);
  CHECK(net.name == "defaults");
  CHECK(net.default_precision == accelnas::Precision::Int8);
  CHECK(c.stride_h == 1);
  CHECK(c.same_padding);
  CHECK(c.groups == 1);
  CHECK_FALSE(c.epilogue.has_bias_term());
  CHECK(c.epilogue.activation == Activation::None);
  CHECK(c.precision == accelnas::Precision::Int8);
  CHECK(c.out == Shape{9, 9, 4});
}

TEST_CASE("loader: the network precision is every layer's default") {
  const Network net = load_network_string(
      "precision: bf16\n"
      "layers:\n"
      "  - {name: x, op: input, shape: [4, 4, 2]}\n"
      "  - {name: c, op: conv2d, input: x, out_channels: 4, kernel: 1, precision: fp16}\n",
      "p.yaml");
  CHECK(net.default_precision == accelnas::Precision::Bf16);
  CHECK(net.layer(0).precision == accelnas::Precision::Bf16);
  CHECK(net.layer(1).precision == accelnas::Precision::Fp16);
}

TEST_CASE("loader: a single padding number pads all four sides") {
  const Network net = load_network_string(
      "layers:\n"
      "  - {name: x, op: input, shape: [224, 224, 3]}\n"
      "  - {name: c, op: conv2d, input: x, out_channels: 64, kernel: 7, stride: 2, padding: 3}\n",
      "p.yaml");
  const Layer& c = net.layer(1);
  CHECK_FALSE(c.same_padding);
  CHECK(c.padding.top == 3);
  CHECK(c.padding.right == 3);
  CHECK(c.out == Shape{112, 112, 64});
}

TEST_CASE("loader: load_network_file reads a file and names the network after its stem") {
  const auto path = std::filesystem::temp_directory_path() / "accelnas_test_loader_net.yaml";
  {
    std::ofstream out(path);
    out << "layers:\n  - {name: x, op: input, shape: [4, 4, 2]}\n";
  }
  const Network net = load_network_file(path.string());
  CHECK(net.name == "accelnas_test_loader_net");
  CHECK(net.size() == 1);
  CHECK(resolve_model(path.string()).size() == 1);
  std::filesystem::remove(path);
}

TEST_CASE("resolve_model: a missing .yaml path is a no-such-file error, not a zoo lookup") {
  CHECK(user_error([] { resolve_model("/nonexistent/net.yaml"); }) ==
        "/nonexistent/net.yaml: no such file");
  CHECK(user_error([] { resolve_model("missing.yml"); }) == "missing.yml: no such file");
}

TEST_CASE("resolve_model: a .onnx path goes to the ONNX importer, not the zoo") {
  CHECK(user_error([] { resolve_model("models/resnet50.onnx"); }) ==
        "models/resnet50.onnx: no such file");
}

TEST_CASE("resolve_model: anything else is a zoo spec") {
  CHECK(resolve_model("tiny").name == "tiny");
  CHECK(resolve_model("mobilenet_v2:width=0.5").name == "mobilenet_v2:width=0.5");
  CHECK(contains(user_error([] { resolve_model("tinyy"); }), "unknown model 'tinyy'"));
}

TEST_CASE("to_yaml: round trip reproduces the example's layers and shapes") {
  check_round_trip(load_network_string(kExample, "example.yaml"));
}

TEST_CASE("to_yaml: round trip reproduces the zoo networks") {
  check_round_trip(build_zoo("tiny"));
  check_round_trip(build_zoo("mobilenet_v2:width=0.75,resolution=160"));
}

TEST_CASE("to_yaml: names that are not plain YAML words are quoted and read back") {
  Network net;
  net.name = "mobilenet_v2:width=0.75";
  net.add_layer(make_input("in: {x}", 4, 4, 2));
  net.add_layer(make_conv("null", "in: {x}", 4, 1));
  net.add_layer(make_conv("say \"hi\", \\o/", "null", 4, 1));
  net.finalize();
  check_round_trip(net);
}

TEST_CASE("to_yaml: explicit padding is written as [t, l, b, r] - SAME as same") {
  Layer c = make_conv("c", "x", 4, 3);
  c.same_padding = false;
  c.padding = Padding{0, 1, 2, 3};
  const Network net = make_net({make_input("x", 8, 8, 2), c, make_conv("d", "c", 4, 3)});
  const std::string text = to_yaml(net);
  CHECK(contains(text,
                 "{name: c, op: conv2d, input: x, out_channels: 4, kernel: 3, "
                 "padding: [0, 1, 2, 3]}"));
  CHECK(
      contains(text, "{name: d, op: conv2d, input: c, out_channels: 4, kernel: 3, padding: same}"));
  check_round_trip(net);
}

TEST_CASE("to_yaml: a channel_slice is written with its begin and end and read back") {
  const Network net = load_network_string(
      "layers:\n"
      "  - {name: x, op: input, shape: [8, 8, 12]}\n"
      "  - {name: lo, op: channel_slice, input: x, begin: 0, end: 5}\n"
      "  - {name: hi, op: channel_slice, input: x, begin: 5, end: 12}\n"
      "  - {name: cat, op: concat, inputs: [hi, lo]}\n",
      "slice.yaml");
  CHECK(net.layer(net.index_of("lo")).out == Shape{8, 8, 5});
  CHECK(net.layer(net.index_of("hi")).out == Shape{8, 8, 7});
  CHECK(net.layer(net.index_of("cat")).out == Shape{8, 8, 12});
  CHECK(layer_macs(net, net.index_of("hi")) == 0);
  CHECK(layer_params(net, net.index_of("hi")) == 0);
  CHECK(layer_vector_ops(net, net.index_of("hi")) == 8 * 8 * 7);
  CHECK(contains(to_yaml(net), "{name: hi, op: channel_slice, input: x, begin: 5, end: 12}"));
  check_round_trip(net);
}

TEST_CASE("to_yaml: output is deterministic") {
  CHECK(to_yaml(build_zoo("mobilenet_v2")) == to_yaml(build_zoo("mobilenet_v2")));
  CHECK(to_yaml(build_zoo("tiny"))
            .rfind("name: tiny\nprecision: int8\nlayers:\n  - {name: image, "
                   "op: input, shape: [32, 32, 3]}\n",
                   0) == 0);
}
