// ONNX import: IBN, fused-IBN and squeeze-excite blocks found by pattern (onnx/block_patterns.h)
// in small graphs shaped like the PyTorch exports of torchvision's mobile networks.
#include <doctest/doctest.h>

#include "tests/workloads/onnx_helpers.h"
#include "tests/workloads/onnx_models.h"

using namespace accelnas;
using namespace accelnas::onnx_test;
using Strings = std::vector<std::string>;

namespace {

// "block/type/role" of each non-input layer in topological order ("-" when unset).
Strings annotations(const wl::Network& net) {
  Strings out;
  for (const auto& l : body(net)) {
    out.push_back(l.block.empty() ? "-" : l.block + "/" + l.block_type + "/" + l.role);
  }
  return out;
}

// torchvision SqueezeExcitation: avgpool, fc1 (1x1 conv, bias) + ReLU, fc2 (1x1 conv, bias) +
// gate, then scale * input.
std::string squeeze_excite(OnnxBuilder& b, const std::string& x, std::int64_t squeeze,
                           const std::string& gate) {
  std::string s = b.op("GlobalAveragePool", {x});
  s = b.op("Relu", {b.conv(s, squeeze, 1, 1, 0, 1, true)});
  s = b.op(gate, {b.conv(s, b.channels(x), 1, 1, 0, 1, true)});
  return b.op("Mul", {s, x});
}

}  // namespace

TEST_CASE(
    "onnx blocks: MobileNetV2's first block (depthwise -> project) and an expanding "
    "residual block are IBNs with roles") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 32, 32});
  x = b.clip(b.bn(b.conv(x, 16, 3, 2, 1)));                  // stem: not a block
  x = b.bn(b.conv(b.clip(b.bn(b.dwconv(x, 3, 1))), 16, 1));  // ibn1 without expand
  std::string y = b.clip(b.bn(b.conv(x, 96, 1)));
  y = b.bn(b.conv(b.clip(b.bn(b.dwconv(y, 3, 1))), 16, 1));
  x = b.op("Add", {x, y});
  b.output(x);
  const auto r = import_model(b);
  CHECK(annotations(r.net) == Strings{"-", "ibn1/ibn/depthwise", "ibn1/ibn/project",
                                      "ibn2/ibn/expand", "ibn2/ibn/depthwise", "ibn2/ibn/project",
                                      "ibn2/ibn/residual_add"});
}

TEST_CASE(
    "onnx blocks: MobileNetV3 bneck with hardswish and a hard-sigmoid squeeze-excite keeps "
    "one block id with se_* roles (opset 14 HardSwish and opset 11 x * HardSigmoid(x))") {
  for (int opset : {11, 14}) {
    CAPTURE(opset);
    OnnxBuilder b(opset);
    auto hswish = [&](const std::string& t) {
      return opset >= 14 ? b.op("HardSwish", {t}) : b.op("Mul", {t, b.op("HardSigmoid", {t})});
    };
    std::string x = b.input("image", {1, 40, 14, 14});
    std::string y = hswish(b.bn(b.conv(x, 240, 1)));
    y = hswish(b.bn(b.dwconv(y, 5, 1)));
    y = squeeze_excite(b, y, 64, "HardSigmoid");
    y = b.bn(b.conv(y, 40, 1));
    x = b.op("Add", {y, x});
    b.output(x);
    const auto r = import_model(b);
    CHECK(annotations(r.net) == Strings{"ibn1/ibn/expand", "ibn1/ibn/depthwise", "ibn1/ibn/se_pool",
                                        "ibn1/ibn/se_reduce", "ibn1/ibn/se_expand",
                                        "ibn1/ibn/se_scale", "ibn1/ibn/project",
                                        "ibn1/ibn/residual_add"});
    CHECK(ops_of(r.net) == Strings{"conv2d", "conv2d", "global_avgpool", "fully_connected",
                                   "fully_connected", "mul", "conv2d", "add"});
    const auto layers = body(r.net);
    CHECK(epilogue_text(layers[1].epilogue) == "bn,hswish");
    CHECK(epilogue_text(layers[4].epilogue) == "bias,hsigmoid");
    CHECK(r.warnings.empty());
  }
}

TEST_CASE("onnx blocks: EfficientNet MBConv with SiLU and a sigmoid squeeze-excite is an IBN") {
  OnnxBuilder b(13);
  auto silu = [&](const std::string& t) { return b.op("Mul", {t, b.op("Sigmoid", {t})}); };
  std::string x = b.input("image", {1, 16, 28, 28});
  std::string y = silu(b.bn(b.conv(x, 96, 1)));
  y = silu(b.bn(b.dwconv(y, 3, 2)));
  std::string s = b.op("GlobalAveragePool", {y});
  s = silu(b.conv(s, 4, 1, 1, 0, 1, true));
  s = b.op("Sigmoid", {b.conv(s, 96, 1, 1, 0, 1, true)});
  y = b.op("Mul", {y, s});
  y = b.bn(b.conv(y, 24, 1));
  b.output(y);
  const auto r = import_model(b);
  CHECK(annotations(r.net) == Strings{"ibn1/ibn/expand", "ibn1/ibn/depthwise", "ibn1/ibn/se_pool",
                                      "ibn1/ibn/se_reduce", "ibn1/ibn/se_expand",
                                      "ibn1/ibn/se_scale", "ibn1/ibn/project"});
  const auto layers = body(r.net);
  CHECK(epilogue_text(layers[0].epilogue) == "bn,hswish");
  CHECK(epilogue_text(layers[3].epilogue) == "bias,hswish");
  CHECK(epilogue_text(layers[4].epilogue) == "bias,sigmoid");
  REQUIRE(r.warnings.size() == 1);
  CHECK(contains(r.warnings[0], "3 SiLU activation(s)"));
}

TEST_CASE("onnx blocks: a KxK conv that expands, then a linear 1x1 conv, is a fused IBN") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 24, 28, 28});
  std::string y = b.op("Relu", {b.bn(b.conv(x, 96, 3, 1, 1))});
  y = b.bn(b.conv(y, 24, 1));
  x = b.op("Add", {x, y});
  b.output(x);
  CHECK(annotations(import_model(b).net) ==
        Strings{"ibn1/fused_ibn/expand", "ibn1/fused_ibn/project", "ibn1/fused_ibn/residual_add"});
}

TEST_CASE("onnx blocks: MNASNet's stem (conv, depthwise, linear 1x1) and ReduceMean head") {
  OnnxBuilder b(13);
  std::string x = b.input("image", {1, 3, 64, 64});
  x = b.op("Relu", {b.bn(b.conv(x, 16, 3, 2, 1))});
  x = b.op("Relu", {b.bn(b.dwconv(x, 3, 1))});
  x = b.bn(b.conv(x, 8, 1));
  onnx::NodeProto& mean = b.node("ReduceMean", {x});
  OnnxBuilder::attr(mean, "axes", Dims{2, 3});
  OnnxBuilder::attr(mean, "keepdims", std::int64_t{0});
  x = b.gemm(b.op("Dropout", {mean.output(0)}), 8, 10);
  b.output(x);
  CHECK(annotations(import_model(b).net) ==
        Strings{"-", "ibn1/ibn/depthwise", "ibn1/ibn/project", "-", "-"});
}

TEST_CASE("onnx blocks: ResNet's basic block and SqueezeNet's fire module are not IBNs") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 64, 56, 56});
  std::string y = b.op("Relu", {b.bn(b.conv(x, 64, 3, 1, 1))});
  y = b.bn(b.conv(y, 64, 3, 1, 1));
  x = b.op("Relu", {b.op("Add", {y, x})});
  const std::string s = b.op("Relu", {b.conv(x, 16, 1, 1, 0, 1, true)});
  x = b.concat({b.op("Relu", {b.conv(s, 64, 1, 1, 0, 1, true)}),
                b.op("Relu", {b.conv(s, 64, 3, 1, 1, 1, true)})});
  b.output(x);
  for (const auto& a : annotations(import_model(b).net)) CHECK(a == "-");
}

TEST_CASE("onnx blocks: torchvision-style MobileNetV2 has the zoo's 17 IBNs, 10 residual") {
  OnnxBuilder b;
  mobilenet_v2(b, 96);
  const auto r = import_model(b);
  std::set<std::string> blocks;
  int adds = 0;
  for (const auto& l : body(r.net)) {
    if (!l.block.empty()) blocks.insert(l.block);
    adds += l.role == "residual_add";
  }
  CHECK(blocks.size() == 17);
  CHECK(adds == 10);
  CHECK(r.warnings.empty());
}
