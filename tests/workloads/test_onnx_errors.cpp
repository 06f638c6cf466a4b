// ONNX import (onnx/onnx_import.h): bad files, dynamic shapes and unsupported operators give one
// clear line naming the file, input or node.
#include <doctest/doctest.h>

#include <fstream>

#include "onnx_helpers.h"

using namespace accelnas;
using namespace accelnas::onnx_test;
using wl::Shape;

namespace {

OnnxBuilder small_model() {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 32, 32});
  x = b.clip(b.bn(b.conv(x, 16, 3, 2, 1)));
  x = b.gemm(b.flatten(b.op("GlobalAveragePool", {x})), 16, 10);
  b.output(x);
  return b;
}

std::string error_of(const std::string& path, const wl::OnnxOptions& options = {}) {
  return user_error([&] { wl::import_onnx(path, options); });
}

bool one_line(const std::string& s) {
  return s.find('\n') == std::string::npos;
}

// A graph whose input has dynamic height and width, as exported with dynamic_axes.
OnnxBuilder dynamic_model() {
  OnnxBuilder b;
  std::string x = b.input("pixels", {-1, 3, -1, -1}, {"batch", "", "height", "width"});
  x = b.op("Relu", {b.conv(x, 8, 3, 2, 1)});
  b.output(x);
  return b;
}

}  // namespace

TEST_CASE("onnx import: a missing file is one error naming it") {
  CHECK(error_of("/nonexistent/net.onnx") == "/nonexistent/net.onnx: no such file");
}

TEST_CASE("onnx import: a truncated file is one error line naming the file") {
  const ScratchDir dir;
  std::string bytes;
  small_model().model().SerializeToString(&bytes);
  for (std::size_t keep : {bytes.size() / 2, bytes.size() - 3, std::size_t{0}}) {
    CAPTURE(keep);
    const std::string path = dir.file("cut.onnx");
    std::ofstream(path, std::ios::binary) << bytes.substr(0, keep);
    const std::string e = error_of(path);
    CHECK(e.rfind(path + ": not a valid ONNX model", 0) == 0);
    CHECK(one_line(e));
  }
}

TEST_CASE("onnx import: a file that is not protobuf is one error line naming the file") {
  const ScratchDir dir;
  const std::string path = dir.file("net.onnx");
  std::ofstream(path, std::ios::binary) << "name: tiny\nlayers:\n  - {name: x, op: input}\n";
  const std::string e = error_of(path);
  CHECK(e == path + ": not a valid ONNX model (protobuf parse failed: truncated or corrupt?)");
}

TEST_CASE(
    "onnx import: dynamic H and W without an input shape name the input and suggest "
    "--input-shape") {
  const std::string e = import_error(dynamic_model());
  CHECK(contains(e, "input 'pixels' has a dynamic shape [batch, 3, height, width]"));
  CHECK(contains(e, "give it with --input-shape pixels=HxWxC (e.g. pixels=224x224x3)"));
  CHECK(one_line(e));
}

TEST_CASE("onnx import: an input shape makes a dynamic model import, as HxWxC or N,C,H,W") {
  for (const char* text : {"pixels=64x48x3", "pixels=1,3,64,48", "64x48x3"}) {
    CAPTURE(text);
    wl::OnnxOptions options;
    options.input_shapes.push_back(wl::parse_input_shape(text));
    const auto r = import_model(dynamic_model(), options);
    CHECK(r.net.layer(r.net.index_of("pixels")).out == Shape{64, 48, 3});
    CHECK(body(r.net)[0].out == Shape{32, 24, 8});
  }
}

TEST_CASE("onnx import: a dynamic batch alone is taken as 1") {
  OnnxBuilder b;
  std::string x = b.input("image", {-1, 3, 16, 16}, {"N"});
  x = b.gemm(b.flatten(b.op("GlobalAveragePool", {b.conv(x, 8, 3, 1, 1)})), 8, 4);
  b.output(x);
  const auto r = import_model(b);
  CHECK(r.net.layer(r.net.index_of("image")).out == Shape{16, 16, 3});
  CHECK(r.warnings.empty());
}

TEST_CASE("onnx import: an input shape for an unknown input or of the wrong rank is an error") {
  wl::OnnxOptions options;
  options.input_shapes.push_back(wl::parse_input_shape("pixel=64x64x3"));
  CHECK(contains(import_error(dynamic_model(), options),
                 "has no input 'pixel' (did you mean: pixels?)"));
  options.input_shapes = {wl::parse_input_shape("pixels=1,3,64")};
  CHECK(contains(import_error(dynamic_model(), options), "input 'pixels' of "));
  CHECK(contains(import_error(dynamic_model(), options), "has rank 4"));
  options.input_shapes = {wl::parse_input_shape("pixels=64x64x1")};
  CHECK(contains(import_error(dynamic_model(), options),
                 "is [batch, 3, height, width]: dimension 1 is fixed at 3, got 1"));
}

TEST_CASE("parse_input_shape: NAME=HxWxC is batch 1 in NCHW order - malformed text is an error") {
  const wl::InputShape s = wl::parse_input_shape("input.1=224x160x3");
  CHECK(s.name == "input.1");
  CHECK(s.dims == std::vector<std::int64_t>{1, 3, 224, 160});
  for (const char* bad : {"x=224x224", "x=", "=1,3,8,8", "x=1,0,8,8", "x=a,b", "x=224x224x3x1"}) {
    CAPTURE(bad);
    CHECK(contains(user_error([&] { wl::parse_input_shape(bad); }),
                   "expected NAME=HxWxC (e.g. input=224x224x3) or NAME=N,C,H,W"));
  }
}

TEST_CASE("onnx import: an unsupported operator names the operator and the node") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 8, 8});
  x = b.op("Relu", {b.conv(x, 4, 1)});
  b.graph().mutable_node(1)->set_name("Foo_12");
  b.graph().mutable_node(1)->set_op_type("Erf");
  b.output(x);
  const std::string e = import_error(b);
  CHECK(contains(e,
                 "model.onnx: node 'Foo_12' (op Erf): unsupported operator; "
                 "--allow-unsupported maps it to a vector-unit op"));
  CHECK(one_line(e));
}

TEST_CASE(
    "onnx import: with allow_unsupported an unsupported operator is a 1x1 avgpool on the "
    "vector unit, with one warning per node") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 8, 8});
  x = b.op("Erf", {b.op("Erf", {b.conv(x, 4, 1)})});
  b.output(x);
  wl::OnnxOptions options;
  options.allow_unsupported = true;
  const auto r = import_model(b, options);
  const auto layers = body(r.net);
  REQUIRE(layers.size() == 3);
  for (std::size_t k : {1, 2}) {
    CHECK(layers[k].op == wl::OpKind::AvgPool);
    CHECK(layers[k].kernel_h == 1);
    CHECK(layers[k].out == Shape{8, 8, 4});
  }
  REQUIRE(r.warnings.size() == 2);
  CHECK(contains(r.warnings[0],
                 "node 'Erf_1' (op Erf): unsupported operator; modelled as a 1x1 "
                 "avgpool pass on the vector unit"));
}

TEST_CASE(
    "onnx import: allow_unsupported cannot stand in for an operator that changes the "
    "channels") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 8, 8});
  onnx::NodeProto& n = b.node("SpaceToDepth", {x});
  OnnxBuilder::attr(n, "blocksize", std::int64_t{2});
  b.output(n.output(0));
  wl::OnnxOptions options;
  options.allow_unsupported = true;
  CHECK(contains(import_error(b, options),
                 "cannot stand in for it: it changes the 8x8x3 tensor "
                 "to 4x4x12"));
}

TEST_CASE("onnx import: a Reshape that changes the spatial layout is unsupported") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 8, 4, 4});
  x = b.op("Reshape", {x, b.int_constant({1, 2, 8, 8})});
  b.output(x);
  CHECK(contains(import_error(b),
                 "(op Reshape): the result [1, 2, 8, 8] changes the layout of "
                 "the 4x4x8 tensor"));
}

TEST_CASE("onnx import: a Transpose that moves data between H, W and C is unsupported") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 8, 4, 4});
  onnx::NodeProto& n = b.node("Transpose", {x});
  OnnxBuilder::attr(n, "perm", Dims{0, 2, 3, 1});
  b.output(n.output(0));
  CHECK(contains(import_error(b),
                 "model.onnx: node 'Transpose_0' (op Transpose): permutation [0, 2, 3, 1] of a "
                 "[1, 8, 4, 4] tensor (only a channel shuffle"));
}

TEST_CASE("onnx import: initializers listed as graph inputs are weights, not inputs") {
  OnnxBuilder b(9);  // keep_initializers_as_inputs, as older exports did
  std::string x = b.input("image", {1, 3, 8, 8});
  x = b.conv(x, 4, 3, 1, 1, 1, true);
  for (const auto& t : b.graph().initializer()) {
    auto* in = b.graph().add_input();
    in->set_name(t.name());
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (auto d : t.dims()) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }
  b.output(x);
  const auto r = import_model(b);
  CHECK(r.net.size() == 2);
  CHECK(body(r.net)[0].epilogue.bias);
}
