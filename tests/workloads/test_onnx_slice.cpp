// ONNX import of Slice and Split along channels (channel_slice layers), and a ShuffleNetV2-like
// network built as torchvision exports it.
#include <doctest/doctest.h>

#include <limits>

#include "tests/workloads/onnx_helpers.h"

using namespace accelnas;
using namespace accelnas::onnx_test;
using wl::OpKind;
using wl::Shape;
using Strings = std::vector<std::string>;

namespace {

constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();

// Slice along `axes` with bounds as attributes (opset < 10) or constant inputs.
std::string slice(OnnxBuilder& b, const std::string& x, const Dims& starts, const Dims& ends,
                  const Dims& axes, const Dims& steps = {}) {
  if (b.opset() < 10) {
    onnx::NodeProto& n = b.node("Slice", {x});
    OnnxBuilder::attr(n, "starts", starts);
    OnnxBuilder::attr(n, "ends", ends);
    OnnxBuilder::attr(n, "axes", axes);
    return n.output(0);
  }
  std::vector<std::string> ins = {x, b.int_constant(starts), b.int_constant(ends),
                                  b.int_constant(axes)};
  if (!steps.empty()) ins.push_back(b.int_constant(steps));
  return b.op("Slice", ins);
}

// x.chunk(2, dim=1) as PyTorch 1.13 exports it: the bounds are shape arithmetic,
// Shape -> Gather(1) -> Add(1) -> Div(2) (integer, truncating) -> Mul(1) and Mul(2).
std::pair<std::string, std::string> torch_chunk(OnnxBuilder& b, const std::string& x) {
  const std::int64_t c = b.channels(x);
  onnx::NodeProto& gather = b.node("Gather", {b.op("Shape", {x}), b.int_constant({1})});
  OnnxBuilder::attr(gather, "axis", std::int64_t{0});
  const std::string half =
      b.op("Div", {b.op("Add", {gather.output(0), b.int_constant({1})}), b.int_constant({2})});
  const std::string end1 = b.op("Mul", {half, b.int_constant({1})});
  const std::string end2 = b.op("Mul", {half, b.int_constant({2})});
  const std::string axes = b.int_constant({1});
  const std::string x1 = b.op("Slice", {x, b.int_constant({0}), end1, axes});
  const std::string x2 = b.op("Slice", {x, end1, end2, axes});
  b.set_channels(x1, (c + 1) / 2);
  b.set_channels(x2, c - (c + 1) / 2);
  return {x1, x2};
}

// Split along channels into `sizes`: as an input (opset 13+) or the `split` attribute.
std::vector<std::string> split(OnnxBuilder& b, const std::string& x, const Dims& sizes) {
  std::vector<std::string> ins = {x};
  if (b.opset() >= 13) ins.push_back(b.int_constant(sizes));
  onnx::NodeProto& n = b.node("Split", ins, static_cast<int>(sizes.size()));
  OnnxBuilder::attr(n, "axis", std::int64_t{1});
  if (b.opset() < 13) OnnxBuilder::attr(n, "split", sizes);
  std::vector<std::string> outs;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    outs.push_back(n.output(static_cast<int>(k)));
    b.set_channels(outs.back(), sizes[k]);
  }
  return outs;
}

std::string conv_bn_relu(OnnxBuilder& b, const std::string& x, std::int64_t out) {
  return b.op("Relu", {b.bn(b.conv(x, out, 1))});
}

// torchvision's channel_shuffle(x, 2): Reshape [1, 2, C/2, H, W], Transpose, Reshape back.
std::string shuffle(OnnxBuilder& b, const std::string& x, std::int64_t hw) {
  const std::int64_t c = b.channels(x);
  std::string y = b.op("Reshape", {x, b.int_constant({1, 2, c / 2, hw, hw})});
  onnx::NodeProto& t = b.node("Transpose", {y});
  OnnxBuilder::attr(t, "perm", Dims{0, 2, 1, 3, 4});
  y = b.op("Reshape", {t.output(0), b.int_constant({1, -1, hw, hw})});
  b.set_channels(y, c);
  return y;
}

// The same as exported with a dynamic batch: both target shapes are computed from Shape(x)
// (Gather, Div, Concat), which ONNX shape inference does not follow.
std::string dynamic_shuffle(OnnxBuilder& b, const std::string& x) {
  const std::int64_t c = b.channels(x);
  const std::string shape = b.op("Shape", {x});
  const auto dim = [&](std::int64_t k) {
    onnx::NodeProto& g = b.node("Gather", {shape, b.int_constant({k})});
    OnnxBuilder::attr(g, "axis", std::int64_t{0});
    return g.output(0);
  };
  const auto cat = [&](const std::vector<std::string>& parts) {
    onnx::NodeProto& n = b.node("Concat", parts);
    OnnxBuilder::attr(n, "axis", std::int64_t{0});
    return n.output(0);
  };
  const std::string per_group = b.op("Div", {dim(1), b.int_constant({2})});
  std::string y =
      b.op("Reshape", {x, cat({dim(0), b.int_constant({2}), per_group, dim(2), dim(3)})});
  onnx::NodeProto& t = b.node("Transpose", {y});
  OnnxBuilder::attr(t, "perm", Dims{0, 2, 1, 3, 4});
  y = b.op("Reshape", {t.output(0), cat({dim(0), b.int_constant({-1}), dim(2), dim(3)})});
  b.set_channels(y, c);
  return y;
}

// ShuffleNetV2's branch2: 1x1 conv, 3x3 depthwise (stride s), 1x1 conv, with BN and ReLU.
std::string branch2(OnnxBuilder& b, const std::string& x, std::int64_t out, int stride) {
  std::string y = conv_bn_relu(b, x, out);
  y = b.bn(b.dwconv(y, 3, stride));
  return conv_bn_relu(b, y, out);
}

}  // namespace

TEST_CASE(
    "onnx import: Slice along channels is channel_slice - negative and INT64_MAX bounds clamp "
    "as ONNX specifies (attributes before opset 10, inputs after)") {
  for (int opset : {9, 13}) {
    CAPTURE(opset);
    OnnxBuilder b(opset);
    std::string x = b.conv(b.input("image", {1, 3, 8, 8}), 16, 1);
    const std::string s1 = slice(b, x, {0}, {6}, {1});
    const std::string s2 = slice(b, x, {-10}, {kEnd}, {-3});  // channels [6, 16)
    b.set_channels(s1, 6);
    x = b.concat({b.conv(s1, 4, 1), s2});
    b.output(x);
    const auto r = import_model(b);
    CHECK(ops_of(r.net) == Strings{"conv2d", "channel_slice", "channel_slice", "conv2d", "concat"});
    const auto layers = body(r.net);
    CHECK(layers[1].slice_begin == 0);
    CHECK(layers[1].slice_end == 6);
    CHECK(layers[1].out == Shape{8, 8, 6});
    CHECK(layers[2].slice_begin == 6);
    CHECK(layers[2].slice_end == 16);
    CHECK(layers[2].out == Shape{8, 8, 10});
    CHECK(layers[4].out == Shape{8, 8, 14});
    // 8*8*16*3 + 8*8*4*6: the slices add no MACs, only vector ops (their output elements).
    CHECK(wl::total_macs(r.net) == 3072 + 1536);
    CHECK(wl::layer_vector_ops(r.net, r.net.index_of(layers[2].name)) == 640);
    CHECK(r.warnings.empty());
  }
}

TEST_CASE("onnx import: a Slice that keeps every channel adds no layer") {
  OnnxBuilder b(13);
  std::string x = b.conv(b.input("image", {1, 3, 8, 8}), 16, 1);
  x = slice(b, x, {0, 0}, {kEnd, 8}, {1, 2});  // all channels, all rows
  x = b.conv(x, 4, 1);
  b.output(x);
  CHECK(ops_of(import_model(b).net) == Strings{"conv2d", "conv2d"});
}

TEST_CASE(
    "onnx import: PyTorch's chunk (Slice bounds from Shape, Gather, Add, Div, Mul) is two "
    "channel slices, integer division truncating") {
  OnnxBuilder b(13);
  std::string x = b.conv(b.input("image", {1, 3, 4, 4}), 9, 1);
  const auto [x1, x2] = torch_chunk(b, x);  // (9 + 1) / 2 = 5: [0, 5) and [5, 9)
  b.output(b.concat({b.conv(x2, 2, 1), x1}));
  const auto layers = body(import_model(b).net);
  REQUIRE(layers.size() == 5);
  CHECK(layers[1].op == OpKind::ChannelSlice);
  CHECK(layers[1].slice_begin == 0);
  CHECK(layers[1].slice_end == 5);
  CHECK(layers[2].slice_begin == 5);
  CHECK(layers[2].slice_end == 9);
  CHECK(layers[4].out == Shape{4, 4, 7});

  OnnxBuilder even(13);  // (8 + 1) / 2 = 4 only when Div truncates
  std::string y = even.conv(even.input("image", {1, 3, 4, 4}), 8, 1);
  const auto [y1, y2] = torch_chunk(even, y);
  even.output(even.concat({y1, even.conv(y2, 2, 1)}));
  const auto e = body(import_model(even).net);
  CHECK(e[1].slice_end == 4);
  CHECK(e[2].slice_begin == 4);
}

TEST_CASE("onnx import: a Slice along height or with step 2 is unsupported, naming the node") {
  OnnxBuilder rows(13);
  std::string x = rows.conv(rows.input("image", {1, 3, 8, 8}), 8, 1);
  rows.output(slice(rows, x, {0}, {4}, {2}));
  const std::string e = import_error(rows);
  CHECK(contains(e,
                 "model.onnx: node 'Slice_1' (op Slice): slice [0, 4) along axis 2 (height) of "
                 "a [1, 8, 8, 8] tensor (only along channels, axis 1); --allow-unsupported"));
  CHECK(e.find('\n') == std::string::npos);

  OnnxBuilder step(13);
  x = step.conv(step.input("image", {1, 3, 8, 8}), 8, 1);
  step.output(slice(step, x, {0}, {8}, {1}, {2}));
  const std::string s = import_error(step);
  CHECK(contains(s,
                 "model.onnx: node 'Slice_1' (op Slice): step 2 along axis 1 (channels) "
                 "(only step 1 along channels)"));
  CHECK(s.find('\n') == std::string::npos);
}

TEST_CASE(
    "onnx import: Split along channels is one channel_slice per output - sizes from the input "
    "(opset 13), the attribute (opset 11) or equal parts") {
  for (int opset : {11, 13}) {
    CAPTURE(opset);
    OnnxBuilder b(opset);
    std::string x = b.conv(b.input("image", {1, 3, 4, 4}), 12, 1);
    const auto parts = split(b, x, {4, 8});
    b.output(b.concat({b.conv(parts[0], 2, 1), b.conv(parts[1], 2, 1)}));
    const auto r = import_model(b);
    CHECK(ops_of(r.net) ==
          Strings{"conv2d", "channel_slice", "channel_slice", "conv2d", "conv2d", "concat"});
    const auto layers = body(r.net);
    CHECK(layers[1].name == "Split_1");
    CHECK(layers[2].name == "Split_1_1");
    CHECK(layers[1].slice_begin == 0);
    CHECK(layers[1].slice_end == 4);
    CHECK(layers[2].slice_begin == 4);
    CHECK(layers[2].slice_end == 12);
    // 4*4*12*3 + 4*4*2*4 + 4*4*2*8
    CHECK(wl::total_macs(r.net) == 576 + 128 + 256);
  }
  OnnxBuilder b(13);
  std::string x = b.conv(b.input("image", {1, 3, 4, 4}), 12, 1);
  onnx::NodeProto& n = b.node("Split", {x}, 3);
  OnnxBuilder::attr(n, "axis", std::int64_t{-3});
  for (int k = 0; k < 3; ++k) b.set_channels(n.output(k), 4);
  b.output(b.concat({n.output(2), n.output(0), n.output(1)}));
  const auto layers = body(import_model(b).net);
  REQUIRE(layers.size() == 5);
  for (int k = 0; k < 3; ++k) {
    CAPTURE(k);
    CHECK(layers[1 + k].slice_begin == 4 * k);
    CHECK(layers[1 + k].slice_end == 4 * k + 4);
  }
}

TEST_CASE("onnx import: a Split along width is unsupported, naming the node") {
  OnnxBuilder b(13);
  std::string x = b.conv(b.input("image", {1, 3, 8, 8}), 8, 1);
  onnx::NodeProto& n = b.node("Split", {x}, 2);
  OnnxBuilder::attr(n, "axis", std::int64_t{3});
  b.set_channels(n.output(1), 8);
  b.output(b.concat({n.output(0), n.output(1)}));
  CHECK(contains(import_error(b),
                 "model.onnx: node 'Split_1' (op Split): split along axis 3 of a [1, 8, 8, 8] "
                 "tensor (only NCHW along channels, axis 1)"));
}

TEST_CASE(
    "onnx import: a ShuffleNetV2-like network (chunk or Split, branch convs, Concat, channel "
    "shuffle) imports with every layer and its MACs") {
  OnnxBuilder b(13);
  std::string x = b.input("image", {1, 24, 16, 16});
  // Stride-2 unit: both branches read the whole input.
  const std::string left = conv_bn_relu(b, b.bn(b.dwconv(x, 3, 2)), 24);
  x = shuffle(b, b.concat({left, branch2(b, x, 24, 2)}), 8);
  // Stride-1 unit with x.chunk(2, dim=1), as torchvision exports it.
  const auto [x1, x2] = torch_chunk(b, x);
  x = shuffle(b, b.concat({x1, branch2(b, x2, 24, 1)}), 8);
  // Stride-1 unit with a Split, as other exporters write the chunk.
  const auto parts = split(b, x, {24, 24});
  x = shuffle(b, b.concat({parts[0], branch2(b, parts[1], 24, 1)}), 8);
  x = b.gemm(b.flatten(b.op("GlobalAveragePool", {x})), 48, 10);
  b.output(x);
  const auto r = import_model(b);
  const Strings unit = {"channel_slice", "channel_slice", "conv2d", "conv2d", "conv2d", "concat"};
  Strings expected = {"conv2d", "conv2d", "conv2d", "conv2d", "conv2d", "concat"};
  expected.insert(expected.end(), unit.begin(), unit.end());
  expected.insert(expected.end(), unit.begin(), unit.end());
  expected.insert(expected.end(), {"global_avgpool", "fully_connected"});
  CHECK(ops_of(r.net) == expected);
  // Stride-2 unit: dw 8*8*24*9, 1x1 8*8*24*24, 1x1 16*16*24*24, dw 8*8*24*9, 1x1 8*8*24*24;
  // each stride-1 unit: 8*8*24*24 * 2 + 8*8*24*9; the classifier 48*10.
  const std::int64_t s2 = 13824 + 36864 + 147456 + 13824 + 36864;
  const std::int64_t s1 = 36864 * 2 + 13824;
  CHECK(wl::total_macs(r.net) == s2 + 2 * s1 + 480);
  for (const auto& l : body(r.net)) {
    if (l.op != OpKind::ChannelSlice && l.op != OpKind::Concat) continue;
    CAPTURE(l.name);
    CHECK(l.out == (l.op == OpKind::Concat ? Shape{8, 8, 48} : Shape{8, 8, 24}));
  }
  CHECK(r.warnings.empty());
}

TEST_CASE(
    "onnx import: with a dynamic batch the channel shuffle's computed shapes and the chunk after "
    "it are evaluated on the importer's shapes - no extra layer") {
  OnnxBuilder b(13);
  std::string x = b.conv(b.input("image", {-1, 3, 8, 8}, {"batch"}), 8, 1);
  const auto [x1, x2] = torch_chunk(b, x);
  x = b.concat({x1, b.conv(x2, 4, 1)});  // read by the Shape of the shuffle too
  const auto [y1, y2] = torch_chunk(b, dynamic_shuffle(b, x));
  b.output(b.concat({y1, b.conv(y2, 4, 1)}));
  const auto r = import_model(b);
  CHECK(ops_of(r.net) == Strings{"conv2d", "channel_slice", "channel_slice", "conv2d", "concat",
                                 "channel_slice", "channel_slice", "conv2d", "concat"});
  const auto layers = body(r.net);
  CHECK(layers[5].slice_end == 4);
  CHECK(layers.back().out == Shape{8, 8, 8});
}
