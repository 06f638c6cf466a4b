// ONNX import: the variants PyTorch exporters write for the same layers (opsets 9-17, with and
// without batchnorm folding, Constant nodes, 1.x and 2.x naming).
#include <doctest/doctest.h>

#include "tests/workloads/onnx_helpers.h"

using namespace accelnas;
using namespace accelnas::onnx_test;
using wl::Shape;
using Strings = std::vector<std::string>;

namespace {

// A Constant node holding one float, as torch.onnx writes Clip bounds.
std::string float_constant_node(OnnxBuilder& b, float v) {
  onnx::NodeProto& n = b.node("Constant", {});
  auto* a = n.add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
  a->mutable_t()->add_float_data(v);
  return n.output(0);
}

}  // namespace

TEST_CASE("onnx import: layer names are the node names when unique, else <op>_<node index>") {
  OnnxBuilder b;
  std::string x = b.input("input.1", {1, 3, 8, 8});
  x = b.conv(x, 4, 1);
  b.graph().mutable_node(0)->set_name("/features/features.0/Conv");
  b.name_nodes(false);
  x = b.conv(x, 4, 1);
  x = b.conv(x, 4, 1);
  b.output(x);
  const auto r = import_model(b);
  Strings names;
  for (std::size_t i : r.net.order()) names.push_back(r.net.layer(i).name);
  CHECK(names == Strings{"input.1", "features/features.0/Conv", "Conv_1", "Conv_2"});
  CHECK(r.net.name == "model");
}

TEST_CASE("onnx import: duplicate node names fall back to <op>_<node index> and stay unique") {
  OnnxBuilder b;
  std::string x = b.input("Conv_1", {1, 3, 8, 8});
  x = b.conv(x, 4, 1);
  x = b.conv(x, 4, 1);
  b.graph().mutable_node(0)->set_name("block");
  b.graph().mutable_node(1)->set_name("block");
  b.output(x);
  const auto r = import_model(b);
  Strings names;
  for (std::size_t i : r.net.order()) names.push_back(r.net.layer(i).name);
  CHECK(names == Strings{"Conv_1", "Conv_0", "Conv_1_2"});
}

TEST_CASE("onnx import: Clip bounds from Constant nodes (torch.onnx, opset 11+) are relu6") {
  OnnxBuilder b(12);
  std::string x = b.input("input", {1, 3, 16, 16});
  x = b.conv(x, 8, 3, 1, 1, 1, true);  // batchnorm folded into the bias by the exporter
  x = b.op("Clip", {x, float_constant_node(b, 0), float_constant_node(b, 6)});
  b.output(x);
  const auto layers = body(import_model(b).net);
  REQUIRE(layers.size() == 1);
  CHECK(epilogue_text(layers[0].epilogue) == "bias,relu6");
}

TEST_CASE("onnx import: Dropout with ratio and training_mode inputs (opset 12+) adds no layer") {
  OnnxBuilder b(13);
  std::string x = b.input("input", {1, 64});
  onnx::NodeProto& d = b.node("Dropout", {x, b.weight({}, {0.2f}), ""}, 2);
  x = b.gemm(d.output(0), 64, 10);
  b.output(x);
  CHECK(ops_of(import_model(b).net) == Strings{"fully_connected"});
}

TEST_CASE("onnx import: Upsample-7 with a scales attribute is a nearest resize") {
  OnnxBuilder b(7);
  std::string x = b.input("input", {1, 4, 5, 6});
  onnx::NodeProto& n = b.node("Upsample", {x});
  auto* a = n.add_attribute();
  a->set_name("scales");
  a->set_type(onnx::AttributeProto::FLOATS);
  for (float f : {1.0f, 1.0f, 2.0f, 3.0f}) a->add_floats(f);
  b.output(n.output(0));
  const auto layers = body(import_model(b).net);
  REQUIRE(layers.size() == 1);
  CHECK(layers[0].out == Shape{10, 18, 4});
}

TEST_CASE("onnx import: a dilated conv keeps its kernel and MACs, with a warning") {
  OnnxBuilder b;
  std::string x = b.input("input", {1, 8, 16, 16});
  onnx::NodeProto& n = b.node("Conv", {x, b.weight({8, 8, 3, 3})});
  OnnxBuilder::attr(n, "dilations", Dims{2, 2});
  OnnxBuilder::attr(n, "pads", Dims{2, 2, 2, 2});
  b.output(n.output(0));
  const auto r = import_model(b);
  const auto layers = body(r.net);
  CHECK(layers[0].out == Shape{16, 16, 8});
  CHECK(wl::layer_macs(r.net, r.net.order().back()) == 16 * 16 * 8 * 8 * 9);
  REQUIRE(r.warnings.size() == 1);
  CHECK(contains(r.warnings[0], "dilation 2x2 modelled as a dense 3x3 window (same MACs)"));
}

namespace {

// torchvision's channel_shuffle(x, groups) as torch.onnx exports it: Reshape to
// [N, g, C/g, H, W], Transpose [0, 2, 1, 3, 4], Reshape back to [N, C, H, W].
std::string channel_shuffle(OnnxBuilder& b, const std::string& x, const Dims& nchw,
                            std::int64_t groups) {
  std::string y =
      b.op("Reshape", {x, b.int_constant({nchw[0], groups, nchw[1] / groups, nchw[2], nchw[3]})});
  onnx::NodeProto& t = b.node("Transpose", {y});
  OnnxBuilder::attr(t, "perm", Dims{0, 2, 1, 3, 4});
  return b.op("Reshape", {t.output(0), b.int_constant({nchw[0], -1, nchw[2], nchw[3]})});
}

}  // namespace

TEST_CASE(
    "onnx import: a channel shuffle (Reshape, Transpose, Reshape) after a concat or a conv adds "
    "no layer - the producer writes the channels in shuffled order") {
  OnnxBuilder b;
  const std::string in = b.input("input", {1, 8, 4, 4});
  std::string x = b.concat({b.conv(in, 4, 1), b.conv(in, 4, 1)});
  x = channel_shuffle(b, x, {1, 8, 4, 4}, 2);
  x = b.op("Relu", {b.conv(x, 8, 3, 1, 1, 1, true)});
  x = channel_shuffle(b, x, {1, 8, 4, 4}, 4);
  onnx::NodeProto& same = b.node("Transpose", {x});  // the identity permutation: no layer
  OnnxBuilder::attr(same, "perm", Dims{0, 1, 2, 3});
  x = b.conv(same.output(0), 16, 1);
  b.output(x);
  const auto r = import_model(b);
  CHECK(ops_of(r.net) == Strings{"conv2d", "conv2d", "concat", "conv2d", "conv2d"});
  const auto layers = body(r.net);
  CHECK(epilogue_text(layers[3].epilogue) == "bias,relu");
  CHECK(layers.back().out == Shape{4, 4, 16});
  CHECK(wl::layer_macs(r.net, r.net.order().back()) == 4 * 4 * 16 * 8);
  CHECK(r.warnings.empty());
}

TEST_CASE("onnx import: a channel shuffle of a tensor with other readers is a 1x1 avgpool pass") {
  OnnxBuilder b;
  const std::string in = b.input("input", {1, 8, 4, 4});
  const std::string c = b.conv(in, 8, 1);
  const std::string x = b.op("Add", {channel_shuffle(b, c, {1, 8, 4, 4}, 2), c});
  b.output(x);
  const auto r = import_model(b);
  CHECK(ops_of(r.net) == Strings{"conv2d", "avgpool", "add"});
  CHECK(body(r.net)[1].out == Shape{4, 4, 8});
}
