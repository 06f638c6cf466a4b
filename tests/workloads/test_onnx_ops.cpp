// ONNX import (onnx/onnx_import.h): how each supported operator maps onto our layers.
#include <doctest/doctest.h>

#include "tests/workloads/onnx_helpers.h"

using namespace accelnas;
using namespace accelnas::onnx_test;
using wl::Activation;
using wl::OpKind;
using wl::Shape;
using Strings = std::vector<std::string>;

TEST_CASE(
    "onnx import: Conv+BatchNormalization+Relu fuse into one conv2d with a [bn, relu] "
    "epilogue") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 32, 32});
  x = b.op("Relu", {b.bn(b.conv(x, 16, 3, 2, 1))});
  b.output(x);
  const auto r = import_model(b);
  const auto layers = body(r.net);
  REQUIRE(layers.size() == 1);
  CHECK(layers[0].op == OpKind::Conv2d);
  CHECK(epilogue_text(layers[0].epilogue) == "bn,relu");
  CHECK(layers[0].out == Shape{16, 16, 16});
  CHECK(layers[0].kernel_h == 3);
  CHECK(layers[0].stride_h == 2);
  CHECK(r.net.layer(r.net.index_of("image")).out == Shape{32, 32, 3});
  CHECK(r.warnings.empty());
}

TEST_CASE("onnx import: a Conv bias input is a bias epilogue - group == channels is depthwise") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 8, 16, 16});
  x = b.conv(x, 8, 3, 1, 1, /*group=*/8, /*bias=*/true);
  b.output(x);
  const auto r = import_model(b);
  const auto i = r.net.order().back();
  CHECK(wl::is_depthwise(r.net, i));
  CHECK(epilogue_text(r.net.layer(i).epilogue) == "bias");
  CHECK(wl::layer_params(r.net, i) == 3 * 3 * 8 + 8);
  CHECK(wl::layer_macs(r.net, i) == 16 * 16 * 8 * 9);
}

TEST_CASE(
    "onnx import: Clip(0, 6) is relu6 with attribute bounds (opset 6) and constant inputs "
    "(opset 11+) - Clip(0, inf) is relu") {
  for (int opset : {6, 11, 13, 17}) {
    CAPTURE(opset);
    OnnxBuilder b(opset);
    std::string x = b.input("image", {1, 3, 8, 8});
    x = b.clip(b.bn(b.conv(x, 4, 1)));
    b.output(x);
    const auto layers = body(import_model(b).net);
    REQUIRE(layers.size() == 1);
    CHECK(epilogue_text(layers[0].epilogue) == "bn,relu6");
  }
  OnnxBuilder b(13);
  std::string x = b.input("image", {1, 3, 8, 8});
  x = b.op("Clip", {b.conv(x, 4, 1), b.weight({}, {0.0f})});  // no max: relu
  b.output(x);
  CHECK(body(import_model(b).net)[0].epilogue.activation == Activation::Relu);
}

TEST_CASE("onnx import: Clip to other bounds is unsupported") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 8, 8});
  x = b.clip(b.conv(x, 4, 1), -1, 1);
  b.output(x);
  CHECK(contains(import_error(b), "(op Clip): clip to [-1.000000, 1.000000]"));
}

TEST_CASE("onnx import: HardSwish, HardSigmoid and Sigmoid fuse as epilogue activations") {
  const std::pair<const char*, Activation> cases[] = {{"HardSwish", Activation::HSwish},
                                                      {"HardSigmoid", Activation::HSigmoid},
                                                      {"Sigmoid", Activation::Sigmoid},
                                                      {"Relu", Activation::Relu}};
  for (const auto& [op_name, activation] : cases) {
    const char* const op = op_name;  // a structured binding cannot be captured (C++17)
    CAPTURE(op);
    OnnxBuilder b(14);
    std::string x = b.input("image", {1, 3, 8, 8});
    x = b.op(op, {b.bn(b.conv(x, 4, 3, 1, 1))});
    b.output(x);
    const auto layers = body(import_model(b).net);
    REQUIRE(layers.size() == 1);
    CHECK(layers[0].epilogue.activation == activation);
  }
}

TEST_CASE(
    "onnx import: x * HardSigmoid(x) is hswish (opset < 14 hardswish) - SiLU x * Sigmoid(x) "
    "is hswish with one warning for the model") {
  for (const char* gate : {"HardSigmoid", "Sigmoid"}) {
    CAPTURE(gate);
    OnnxBuilder b(11);
    std::string x = b.input("image", {1, 3, 8, 8});
    for (int k = 0; k < 2; ++k) {
      x = b.bn(b.conv(x, 8, 3, 1, 1));
      x = b.op("Mul", {x, b.op(gate, {x})});
    }
    b.output(x);
    const auto r = import_model(b);
    const auto layers = body(r.net);
    REQUIRE(layers.size() == 2);
    for (const auto& l : layers) CHECK(epilogue_text(l.epilogue) == "bn,hswish");
    const bool silu = std::string(gate) == "Sigmoid";
    REQUIRE(r.warnings.size() == (silu ? 1U : 0U));
    if (silu)
      CHECK(contains(r.warnings[0], "2 SiLU activation(s) (x * sigmoid(x)) mapped to hswish"));
  }
}

TEST_CASE(
    "onnx import: GlobalAveragePool -> Flatten -> Dropout -> Gemm is global_avgpool -> "
    "fully_connected") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 16, 16});
  x = b.conv(x, 64, 3, 2, 1);
  x = b.op("Dropout", {b.flatten(b.op("GlobalAveragePool", {x}))});
  x = b.gemm(x, 64, 10);
  b.output(x);
  const auto r = import_model(b);
  CHECK(ops_of(r.net) == Strings{"conv2d", "global_avgpool", "fully_connected"});
  const auto fc = body(r.net).back();
  CHECK(fc.out == Shape{1, 1, 10});
  CHECK(epilogue_text(fc.epilogue) == "bias");
  CHECK(wl::layer_params(r.net, r.net.order().back()) == 64 * 10 + 10);
}

TEST_CASE(
    "onnx import: Gemm without transB reads B as [K, N] - MatMul + constant Add is a "
    "fully_connected with a bias") {
  OnnxBuilder b;
  std::string x = b.input("features", {1, 32});
  onnx::NodeProto& g = b.node("Gemm", {x, b.weight({32, 16})});
  x = b.op("MatMul", {g.output(0), b.weight({16, 8})});
  x = b.op("Add", {x, b.weight({8})});
  b.output(x);
  const auto r = import_model(b);
  const auto layers = body(r.net);
  REQUIRE(layers.size() == 2);
  CHECK(layers[0].out_channels == 16);
  CHECK(epilogue_text(layers[0].epilogue).empty());
  CHECK(layers[1].out_channels == 8);
  CHECK(epilogue_text(layers[1].epilogue) == "bias");
  CHECK(r.warnings.empty());
}

TEST_CASE("onnx import: Gemm over a flattened HxWxC map multiplies all its elements") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 16, 6, 6});
  x = b.gemm(b.flatten(x), 16 * 6 * 6, 100);
  b.output(x);
  const auto r = import_model(b);
  CHECK(wl::layer_macs(r.net, r.net.order().back()) == 576 * 100);
}

TEST_CASE("onnx import: MaxPool with pads and ceil_mode keeps ONNX's output size") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 64, 112, 112});
  x = b.pool("MaxPool", x, 3, 2, 1);                 // ResNet: 112 -> 56
  x = b.pool("MaxPool", x, 3, 2, 0, /*ceil=*/true);  // SqueezeNet: 56 -> 28 (floor: 27)
  x = b.pool("AveragePool", x, 2, 2);
  b.output(x);
  const auto layers = body(import_model(b).net);
  REQUIRE(layers.size() == 3);
  CHECK(layers[0].op == OpKind::MaxPool);
  CHECK(layers[0].out == Shape{56, 56, 64});
  CHECK(layers[1].out == Shape{28, 28, 64});
  CHECK(layers[2].op == OpKind::AvgPool);
  CHECK(layers[2].out == Shape{14, 14, 64});
}

TEST_CASE("onnx import: auto_pad SAME_UPPER pads like TF SAME") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 15, 15});
  onnx::NodeProto& n = b.node("Conv", {x, b.weight({8, 3, 3, 3})});
  OnnxBuilder::attr(n, "auto_pad", std::string("SAME_UPPER"));
  OnnxBuilder::attr(n, "strides", Dims{2, 2});
  b.output(n.output(0));
  const auto layers = body(import_model(b).net);
  CHECK(layers[0].out == Shape{8, 8, 8});
}

TEST_CASE(
    "onnx import: Add and Mul of two graph tensors are add and mul, the 1x1xC operand "
    "second") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 8, 8, 8});
  const std::string a = b.conv(x, 8, 1), c = b.conv(x, 8, 3, 1, 1);
  const std::string sum = b.op("Add", {a, c});
  const std::string scale = b.op("GlobalAveragePool", {sum});
  x = b.op("Mul", {scale, sum});  // torchvision's SE: scale * input
  b.output(x);
  const auto r = import_model(b);
  const auto layers = body(r.net);
  REQUIRE(layers.size() == 5);
  CHECK(layers[2].op == OpKind::Add);
  CHECK(layers[4].op == OpKind::Mul);
  CHECK(layers[4].inputs == Strings{layers[2].name, layers[3].name});
  CHECK(layers[4].out == Shape{8, 8, 8});
}

TEST_CASE(
    "onnx import: a constant operand folds into the conv's bias or is ignored with a "
    "warning") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 8, 8});
  x = b.op("Add", {b.conv(x, 4, 1), b.weight({1, 4, 1, 1})});  // into the bias
  x = b.op("Relu", {x});
  x = b.op("Mul", {x, b.weight({}, {0.5f})});  // after the activation: ignored
  b.output(x);
  const auto r = import_model(b);
  const auto layers = body(r.net);
  REQUIRE(layers.size() == 1);
  CHECK(epilogue_text(layers[0].epilogue) == "bias,relu");
  REQUIRE(r.warnings.size() == 1);
  CHECK(contains(r.warnings[0], "(op Mul): constant factor ignored"));
}

TEST_CASE("onnx import: Concat along channels is concat (SqueezeNet fire)") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 64, 16, 16});
  const std::string s = b.op("Relu", {b.conv(x, 16, 1, 1, 0, 1, true)});
  const std::string e1 = b.op("Relu", {b.conv(s, 64, 1, 1, 0, 1, true)});
  const std::string e3 = b.op("Relu", {b.conv(s, 64, 3, 1, 1, 1, true)});
  x = b.concat({e1, e3});
  b.output(x);
  const auto r = import_model(b);
  CHECK(ops_of(r.net) == Strings{"conv2d", "conv2d", "conv2d", "concat"});
  CHECK(body(r.net).back().out == Shape{16, 16, 128});
  for (const auto& l : body(r.net)) CHECK(l.block.empty());
}

TEST_CASE("onnx import: Resize with scales or sizes inputs and Upsample are resize") {
  SUBCASE("Resize-11 with scales") {
    OnnxBuilder b(11);
    std::string x = b.input("image", {1, 8, 10, 12});
    onnx::NodeProto& n = b.node("Resize", {x, b.weight({0}), b.weight({4}, {1, 1, 2, 2})});
    OnnxBuilder::attr(n, "mode", std::string("linear"));
    b.output(n.output(0));
    const auto l = body(import_model(b).net)[0];
    CHECK(l.out == Shape{20, 24, 8});
    CHECK(l.resize_mode == wl::ResizeMode::Bilinear);
  }
  SUBCASE("Resize-13 with sizes") {
    OnnxBuilder b(13);
    std::string x = b.input("image", {1, 8, 10, 12});
    b.output(b.op("Resize", {x, "", "", b.int_constant({1, 8, 5, 7})}));
    const auto l = body(import_model(b).net)[0];
    CHECK(l.out == Shape{5, 7, 8});
    CHECK(l.resize_mode == wl::ResizeMode::Nearest);
  }
  SUBCASE("Resize-13 with sizes from shape arithmetic (F.interpolate(x, size=y.shape[-2:]))") {
    OnnxBuilder b(13);
    std::string image = b.input("image", {1, 3, 16, 12});
    std::string x = b.conv(image, 8, 3, 4, 1);  // 4x3
    const auto dim = [&](std::int64_t k) {
      onnx::NodeProto& g = b.node("Gather", {b.op("Shape", {image}), b.int_constant({k})});
      OnnxBuilder::attr(g, "axis", std::int64_t{0});
      return g.output(0);
    };
    const std::string nc =
        b.op("Slice", {b.op("Shape", {x}), b.int_constant({0}), b.int_constant({2})});
    onnx::NodeProto& sizes = b.node("Concat", {nc, dim(2), dim(3)});
    OnnxBuilder::attr(sizes, "axis", std::int64_t{0});
    onnx::NodeProto& n = b.node("Resize", {x, "", "", sizes.output(0)});
    OnnxBuilder::attr(n, "mode", std::string("linear"));
    b.output(n.output(0));
    const auto layers = body(import_model(b).net);
    REQUIRE(layers.size() == 2);
    CHECK(layers[1].op == OpKind::Resize);
    CHECK(layers[1].out == Shape{16, 12, 8});
  }
  SUBCASE("Upsample-9") {
    OnnxBuilder b(9);
    std::string x = b.input("image", {1, 8, 10, 12});
    b.output(b.op("Upsample", {x, b.weight({4}, {1, 1, 2, 2})}));
    CHECK(body(import_model(b).net)[0].out == Shape{20, 24, 8});
  }
}

TEST_CASE(
    "onnx import: Reshape to a constant shape, Squeeze, Unsqueeze and Identity add no "
    "layer") {
  OnnxBuilder b(13);
  std::string x = b.input("image", {1, 32, 7, 7});
  x = b.op("GlobalAveragePool", {x});
  x = b.op("Reshape", {x, b.int_constant({1, -1})});
  x = b.op("Unsqueeze", {x, b.int_constant({2, 3})});
  x = b.op("Squeeze", {x, b.int_constant({2, 3})});
  x = b.op("Identity", {x});
  x = b.gemm(x, 32, 5);
  b.output(x);
  CHECK(ops_of(import_model(b).net) == Strings{"global_avgpool", "fully_connected"});
}

TEST_CASE("onnx import: a Shape -> Gather -> Concat -> Reshape flatten adds no layer") {
  OnnxBuilder b(13);
  std::string x = b.input("image", {1, 16, 4, 4});
  const std::string shape = b.op("Shape", {x});
  onnx::NodeProto& gather = b.node("Gather", {shape, b.int_constant({0})});
  OnnxBuilder::attr(gather, "axis", std::int64_t{0});
  onnx::NodeProto& dims = b.node("Concat", {gather.output(0), b.int_constant({-1})});
  OnnxBuilder::attr(dims, "axis", std::int64_t{0});
  x = b.op("Reshape", {x, dims.output(0)});
  x = b.gemm(x, 256, 10);
  b.output(x);
  CHECK(ops_of(import_model(b).net) == Strings{"fully_connected"});
}

TEST_CASE("onnx import: ReduceMean over H and W is global_avgpool (MNASNet's x.mean([2, 3]))") {
  OnnxBuilder b(13);
  std::string x = b.input("image", {1, 32, 7, 7});
  onnx::NodeProto& n = b.node("ReduceMean", {x});
  OnnxBuilder::attr(n, "axes", Dims{2, 3});
  OnnxBuilder::attr(n, "keepdims", std::int64_t{0});
  x = b.gemm(n.output(0), 32, 10);
  b.output(x);
  CHECK(ops_of(import_model(b).net) == Strings{"global_avgpool", "fully_connected"});
}

TEST_CASE("onnx import: an activation after a vector op adds no layer (ResNet's Add -> Relu)") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 16, 8, 8});
  std::string y = b.op("Relu", {b.bn(b.conv(x, 16, 3, 1, 1))});
  y = b.bn(b.conv(y, 16, 3, 1, 1));
  x = b.op("Relu", {b.op("Add", {y, x})});
  b.output(x);
  const auto r = import_model(b);
  CHECK(ops_of(r.net) == Strings{"conv2d", "conv2d", "add"});
  for (const auto& l : body(r.net)) CHECK(l.block.empty());
}

TEST_CASE("onnx import: an activation on a tensor with other consumers is a 1x1 avgpool pass") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 16, 8, 8});
  const std::string c = b.conv(x, 16, 1);
  x = b.op("Add", {b.op("Relu", {c}), c});
  b.output(x);
  const auto layers = body(import_model(b).net);
  CHECK(ops_of(import_model(b).net) == Strings{"conv2d", "avgpool", "add"});
  CHECK(layers[1].kernel_h == 1);
  CHECK(layers[0].epilogue.activation == Activation::None);
}

TEST_CASE(
    "onnx import: a 1x1 Conv over a pooled vector is a fully_connected (squeeze-excite) - "
    "over a 1x1 map it stays conv2d") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 32, 1, 1});
  x = b.conv(x, 16, 1);
  x = b.op("GlobalAveragePool", {x});
  x = b.op("Relu", {b.conv(x, 8, 1, 1, 0, 1, true)});
  b.output(x);
  const auto layers = body(import_model(b).net);
  REQUIRE(layers.size() == 3);
  CHECK(layers[0].op == OpKind::Conv2d);
  CHECK(layers[2].op == OpKind::FullyConnected);
  CHECK(epilogue_text(layers[2].epilogue) == "bias,relu");
  CHECK(layers[2].out == Shape{1, 1, 8});
}

TEST_CASE("onnx import: Softmax is a vector-unit pass and a batch of 4 is imported per image") {
  OnnxBuilder b;
  std::string x = b.input("input", {4, 16});
  x = b.op("Softmax", {b.gemm(x, 16, 10)});
  b.output(x);
  const auto r = import_model(b);
  CHECK(ops_of(r.net) == Strings{"fully_connected", "avgpool"});
  REQUIRE(r.warnings.size() == 1);
  CHECK(contains(r.warnings[0], "input 'input' has batch 4; imported per image"));
}
