// ONNX import of Pad (onnx_ops_compute.cpp map_pad): zero padding around H and W folds into the
// window of the Conv, MaxPool or AveragePool that reads it; anything else is unsupported.
#include <doctest/doctest.h>

#include "tests/workloads/onnx_helpers.h"

using namespace accelnas;
using namespace accelnas::onnx_test;
using wl::OpKind;
using wl::Shape;

namespace {

// Pad as opset 11+ exports it: pads (and an optional value) as constant inputs, NCHW order
// [n0, c0, h0, w0, n1, c1, h1, w1].
std::string pad(OnnxBuilder& b, const std::string& x, const Dims& pads,
                const std::string& mode = "") {
  onnx::NodeProto& n = b.node("Pad", {x, b.int_constant(pads)});
  if (!mode.empty()) OnnxBuilder::attr(n, "mode", mode);
  return n.output(0);
}

void check_padding(const wl::Layer& l, int top, int left, int bottom, int right) {
  CAPTURE(l.name);
  CHECK_FALSE(l.same_padding);
  CHECK(l.padding.top == top);
  CHECK(l.padding.left == left);
  CHECK(l.padding.bottom == bottom);
  CHECK(l.padding.right == right);
}

}  // namespace

TEST_CASE("onnx import: Pad before AveragePool folds into the pool's padding (DenseNet export)") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 16, 8, 8});
  x = b.pool("AveragePool", pad(b, x, {0, 0, 1, 1, 0, 0, 1, 1}), 2, 2);
  b.output(x);
  const auto r = import_model(b);
  const auto layers = body(r.net);
  REQUIRE(layers.size() == 1);  // no layer for the Pad
  CHECK(layers[0].op == OpKind::AvgPool);
  check_padding(layers[0], 1, 1, 1, 1);
  CHECK(layers[0].out == Shape{5, 5, 16});  // (8 + 2 - 2) / 2 + 1
  CHECK(r.warnings.empty());
}

TEST_CASE("onnx import: an asymmetric Pad adds to a Conv's own padding, MACs of the padded map") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 8, 9, 9});
  x = b.conv(pad(b, x, {0, 0, 0, 2, 0, 0, 1, 0}), 4, 3, 2, 1);  // TF-style extra bottom / left
  b.output(x);
  const auto r = import_model(b);
  const auto layers = body(r.net);
  REQUIRE(layers.size() == 1);
  check_padding(layers[0], 1, 3, 2, 1);
  // H: (9 + 1 + 2 - 3) / 2 + 1 = 5, W: (9 + 3 + 1 - 3) / 2 + 1 = 6
  CHECK(layers[0].out == Shape{5, 6, 4});
  CHECK(wl::layer_macs(r.net, r.net.index_of(layers[0].name)) == 5 * 6 * 4 * 8 * 3 * 3);
}

TEST_CASE("onnx import: the pads attribute of opset 10 and a Pad feeding two windows") {
  OnnxBuilder b(10);
  std::string x = b.input("image", {1, 8, 6, 6});
  onnx::NodeProto& n = b.node("Pad", {x});
  OnnxBuilder::attr(n, "pads", Dims{0, 0, 2, 2, 0, 0, 2, 2});
  const std::string padded = n.output(0);
  b.output(b.pool("MaxPool", padded, 3, 1));
  b.output(b.conv(padded, 8, 5));
  const auto layers = body(import_model(b).net);
  REQUIRE(layers.size() == 2);
  for (const auto& l : layers) {
    check_padding(l, 2, 2, 2, 2);
    CHECK(l.out.h == (l.op == OpKind::MaxPool ? 8 : 6));
  }
}

TEST_CASE("onnx import: an all-zero Pad adds no layer and no padding") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 8, 6, 6});
  x = b.op("Relu", {pad(b, x, {0, 0, 0, 0, 0, 0, 0, 0})});
  b.output(x);
  const auto layers = body(import_model(b).net);
  REQUIRE(layers.size() == 1);  // the Relu's 1x1 pass over the input
  CHECK(layers[0].out == Shape{6, 6, 8});
}

TEST_CASE("onnx import: a reflect Pad is modelled as zero padding, with a warning") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 8, 6, 6});
  x = b.conv(pad(b, x, {0, 0, 1, 1, 0, 0, 1, 1}, "reflect"), 8, 3);
  b.output(x);
  const auto r = import_model(b);
  check_padding(body(r.net).at(0), 1, 1, 1, 1);
  REQUIRE(r.warnings.size() == 1);
  CHECK(contains(r.warnings[0], "'reflect' padding modelled as the window's zero padding"));
}

TEST_CASE("onnx import: a Pad that feeds anything but a window is one error naming the node") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 8, 6, 6});
  x = b.op("Relu", {pad(b, x, {0, 0, 1, 1, 0, 0, 1, 1})});
  b.output(x);
  const std::string e = import_error(b);
  CHECK(contains(e, "model.onnx: node 'Pad_0' (op Pad): a Pad that feeds Relu"));
  CHECK(e.find('\n') == std::string::npos);

  wl::OnnxOptions allow;  // stands in as a resize to the padded size
  allow.allow_unsupported = true;
  const auto r = import_model(b, allow);
  const auto layers = body(r.net);
  REQUIRE(layers.size() == 1);  // the Relu fuses into it
  CHECK(layers[0].op == OpKind::Resize);
  CHECK(layers[0].out == Shape{8, 8, 8});
  CHECK(r.warnings.size() == 1);
}

TEST_CASE("onnx import: Pad of channels, negative pads and a padded graph output are unsupported") {
  struct Case {
    Dims pads;
    bool to_conv;
    const char* reason;
  };
  for (const Case& c :
       {Case{{0, 1, 0, 0, 0, 1, 0, 0}, true, "padding of the batch or channel axis"},
        Case{{0, 0, -1, 0, 0, 0, 0, 0}, true, "negative pads (cropping)"},
        Case{{0, 0, 1, 1, 0, 0, 1, 1}, false, "a padded graph output"}}) {
    CAPTURE(c.reason);
    OnnxBuilder b;
    std::string x = b.input("image", {1, 8, 6, 6});
    x = pad(b, x, c.pads);
    b.output(c.to_conv ? b.conv(x, 8, 3) : x);
    CHECK(contains(import_error(b), std::string("(op Pad): ") + c.reason));
  }
}
