// ONNX import (onnx/onnx_import.h): bad files, dynamic shapes and unsupported operators give one
// clear line naming the file, input or node.
#include <doctest/doctest.h>

#include <fstream>

#include "tests/workloads/onnx_helpers.h"

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

// Issue 12: files that crashed libonnx or the importer. Each is refused with one line naming the
// node before libonnx's shape inference (or any arithmetic on the file's sizes) runs.
namespace {

std::string reproducer(const std::string& name) {
  return std::string(ACCELNAS_SOURCE_DIR) + "/tests/data/onnx/" + name;
}

// Conv_0, Relu_1, MaxPool_2, GlobalAveragePool_3, Flatten_4, Gemm_5.
OnnxBuilder conv_pool_model() {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 3, 16, 16});
  x = b.pool("MaxPool", b.op("Relu", {b.conv(x, 8, 3, 1, 1)}), 2, 2);
  x = b.gemm(b.flatten(b.op("GlobalAveragePool", {x})), 8, 4);
  b.output(x);
  return b;
}

onnx::AttributeProto& attribute(onnx::NodeProto& n, const std::string& name) {
  for (auto& a : *n.mutable_attribute()) {
    if (a.name() == name) return a;
  }
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  return *a;
}

void set_ints(onnx::NodeProto& n, const std::string& name, const Dims& v) {
  auto& a = attribute(n, name);
  a.clear_ints();
  for (auto x : v) a.add_ints(x);
}

}  // namespace

TEST_CASE(
    "onnx: Conv weights whose rank or spatial shape disagrees with kernel_shape or the input are "
    "an error naming the node, before libonnx shape inference") {
  // Found by fuzz_onnx: a Conv without kernel_shape whose weights are 5-D under a 4-D input made
  // libonnx read past its arrays (SEGV), and another whose kernel_shape [1, 1] contradicts 3x3
  // weights.
  const std::string file = reproducer("min_onnx_segv_conv_weight_rank.onnx");
  CHECK(error_of(file) == file +
                              ": node 'Conv_2' (op Conv): kernel_shape [1, 1] does not match its "
                              "weights 'onnx::W_0' of shape [8, 4, 8, 3, 3]");
  const auto weights = [](OnnxBuilder& b) -> onnx::TensorProto& {
    for (auto& t : *b.graph().mutable_initializer()) {
      if (t.name() == b.graph().node(0).input(1)) return t;
    }
    FAIL("no weights");
    throw;
  };
  const auto drop_kernel_shape = [](onnx::NodeProto& n) {
    auto& as = *n.mutable_attribute();
    for (int i = 0; i < as.size(); ++i) {
      if (as.Get(i).name() == "kernel_shape") as.DeleteSubrange(i, 1);
    }
  };
  {  // 5-D weights under a 4-D input, kernel_shape absent: no crash, the mapper refuses them
    OnnxBuilder b = conv_pool_model();
    drop_kernel_shape(*b.graph().mutable_node(0));
    weights(b).add_dims(3);
    const std::string e = import_error(b);
    CHECK(contains(e, "model.onnx: node 'Conv_0' (op Conv): weights of rank 5 (expected 4)"));
    CHECK(one_line(e));
  }
  {  // 2-D weights
    OnnxBuilder b = conv_pool_model();
    drop_kernel_shape(*b.graph().mutable_node(0));
    weights(b).mutable_dims()->Truncate(2);
    CHECK(contains(import_error(b), "(op Conv): weights '" + b.graph().node(0).input(1) +
                                        "' have shape [8, 3], expected [out, in, kernel...]"));
  }
  {  // kernel_shape contradicting the weights
    OnnxBuilder b = conv_pool_model();
    set_ints(*b.graph().mutable_node(0), "kernel_shape", {1, 1});
    CHECK(contains(import_error(b), "(op Conv): kernel_shape [1, 1] does not match its weights '" +
                                        b.graph().node(0).input(1) + "' of shape [8, 3, 3, 3]"));
  }
  {  // weights computed by the graph and no kernel_shape
    OnnxBuilder b = conv_pool_model();
    onnx::NodeProto& conv = *b.graph().mutable_node(0);
    drop_kernel_shape(conv);
    const std::string w = b.op("Identity", {conv.input(1)});
    b.graph().mutable_node(0)->set_input(1, w);
    CHECK(contains(import_error(b), "(op Conv): has no kernel_shape and its weights '" + w +
                                        "' are computed by the graph"));
  }
  {  // without kernel_shape a consistent Conv imports as with it: the weights give the window
    OnnxBuilder b = conv_pool_model();
    drop_kernel_shape(*b.graph().mutable_node(0));
    const auto without = body(import_model(b).net);
    const auto with = body(import_model(conv_pool_model()).net);
    REQUIRE(without.size() == with.size());
    CHECK(without[0].kernel_h == 3);
    CHECK(without[0].kernel_w == 3);
    CHECK(without[0].kernel_h == with[0].kernel_h);
    CHECK(without[0].out_channels == with[0].out_channels);
  }
}

TEST_CASE(
    "onnx: a node input with no producer is an error naming the node and the input, before "
    "libonnx shape inference") {
  const std::string file = reproducer("min_onnx_segv_shapeinf.onnx");
  const std::string e = error_of(file);
  CHECK(e == file +
                 ": node '/Shape' (op Shape): input '/Reshape_1_output_0' is not a graph input, an "
                 "initializer or any node's output (truncated or corrupt file?)");
  OnnxBuilder b = conv_pool_model();  // the producer of the Relu's input deleted
  b.graph().mutable_node()->DeleteSubrange(0, 1);
  const std::string deleted = import_error(b);
  CHECK(contains(deleted, "model.onnx: node 'Relu_1' (op Relu): input '"));
  CHECK(contains(deleted, "' is not a graph input, an initializer or any node's output"));
  CHECK(one_line(deleted));
}

TEST_CASE("onnx: nodes out of topological order are sorted, as a stable topological sort") {
  OnnxBuilder sorted = conv_pool_model();
  OnnxBuilder shuffled = conv_pool_model();
  auto* nodes = shuffled.graph().mutable_node();
  for (int i = 0, j = nodes->size() - 1; i < j; ++i, --j) nodes->SwapElements(i, j);
  const auto a = import_model(sorted), b = import_model(shuffled);
  CHECK(ops_of(b.net) == ops_of(a.net));
  CHECK(ops_of(b.net) ==
        std::vector<std::string>{"conv2d", "maxpool", "global_avgpool", "fully_connected"});
  CHECK(body(b.net).back().out == body(a.net).back().out);
}

TEST_CASE("onnx: a cycle of nodes is one error naming a node in it and the input it waits on") {
  OnnxBuilder b = conv_pool_model();
  onnx::NodeProto& relu = *b.graph().mutable_node(1);
  onnx::NodeProto& pool = *b.graph().mutable_node(2);
  relu.set_input(0, pool.output(0));  // Relu reads MaxPool, which reads Relu
  const std::string e = import_error(b);
  CHECK(contains(e, "model.onnx: node 'Relu_1' (op Relu): input '" + pool.output(0) +
                        "' is computed in a cycle of nodes"));
  CHECK(one_line(e));
}

TEST_CASE("onnx: a tensor written by two nodes, or over a graph input, is an error") {
  OnnxBuilder b = conv_pool_model();
  b.graph().mutable_node(2)->set_output(0, b.graph().node(1).output(0));
  CHECK(contains(import_error(b), "node 'MaxPool_2' (op MaxPool): writes '" +
                                      b.graph().node(1).output(0) +
                                      "', which node 'Relu_1' (op Relu) writes too"));
  OnnxBuilder c = conv_pool_model();
  c.graph().mutable_node(1)->set_output(0, "image");
  CHECK(contains(import_error(c),
                 "node 'Relu_1' (op Relu): writes 'image', a graph input or initializer"));
}

TEST_CASE(
    "onnx: a Conv or pool with a stride, dilation or kernel below 1, negative pads, sizes over "
    "2^24 or lists of the wrong length is an error naming the node and attribute") {
  const std::string file = reproducer("min_onnx_fpe_conv_stride0.onnx");
  const std::string e = error_of(file);
  CHECK(e == file +
                 ": node '/pw/Conv' (op Conv): strides must be integers from 1 to 16777216, got "
                 "[0, 1]");
  struct Case {
    int node;
    const char* attr;
    Dims value;
    const char* message;
  };
  const Case cases[] = {
      {0, "strides", {1, 0}, "(op Conv): strides must be integers from 1 to 16777216, got [1, 0]"},
      {0, "dilations", {0, 1}, "(op Conv): dilations must be integers from 1 to 16777216"},
      {0, "kernel_shape", {3, -1}, "(op Conv): kernel_shape must be integers from 1 to"},
      {0, "pads", {1, 1, -1, 1}, "(op Conv): pads must be integers from 0 to 16777216, got"},
      {0, "strides", {1, std::int64_t{1} << 62}, "(op Conv): strides must be integers from 1"},
      {0, "group", {0}, "(op Conv): group must be an integer from 1 to 16777216, got 0"},
      {0, "strides", {1, 1, 1}, "(op Conv): strides [1, 1, 1] has 3 values, kernel_shape [3, 3]"},
      {0, "pads", {1, 1}, "(op Conv): pads [1, 1] has 2 values (expected 4, two per axis)"},
      {2, "strides", {0, 2}, "(op MaxPool): strides must be integers from 1 to 16777216"},
      {2, "kernel_shape", {}, "(op MaxPool): kernel_shape is empty"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.attr);
    CAPTURE(c.message);
    OnnxBuilder b = conv_pool_model();
    onnx::NodeProto& n = *b.graph().mutable_node(c.node);
    if (std::string(c.attr) == "group") {
      attribute(n, "group").set_i(c.value[0]);
    } else {
      set_ints(n, c.attr, c.value);
    }
    const std::string got = import_error(b);
    CHECK(contains(got, c.message));
    CHECK(one_line(got));
  }
}

TEST_CASE(
    "onnx: a graph input, initializer or reshape target over 2^40 elements is an error before "
    "any arithmetic on its sizes") {
  const std::string file = reproducer("min_onnx_ubsan_reshape_overflow.onnx");
  CHECK(error_of(file) == file +
                              ": input 'input' has shape [4611686018427387904, 3, 32, 32], over "
                              "2^40 elements");
  OnnxBuilder b = conv_pool_model();
  b.graph()
      .mutable_input(0)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->mutable_dim(0)
      ->set_dim_value(std::int64_t{1} << 40);
  std::vector<std::string> warnings;
  wl::OnnxOptions options;
  options.warn = [&warnings](const std::string& w) { warnings.push_back(w); };
  CHECK(contains(import_error(b, options), "input 'image' has shape [1099511627776, 3, 16, 16]"));
  CHECK(warnings.empty());  // no "imported per image" for a batch that is refused

  OnnxBuilder w = conv_pool_model();
  w.graph().mutable_initializer(0)->set_dims(0, -8);
  CHECK(contains(import_error(w), "initializer '" + w.graph().initializer(0).name() +
                                      "' has dims [-8, 3, 3, 3] (a negative dimension, or over "
                                      "2^40 elements)"));

  OnnxBuilder r;
  std::string x = r.input("image", {1, 8, 4, 4});
  x = r.op("Reshape", {x, r.int_constant({std::int64_t{1} << 40, std::int64_t{1} << 40, -1})});
  r.output(x);
  const std::string e = import_error(r);
  CHECK(contains(e, "model.onnx"));
  CHECK(one_line(e));
}

TEST_CASE(
    "onnx: a node with fewer inputs than its operator takes is one error naming the node, "
    "before any input is read") {
  const std::string file = reproducer("min_onnx_protobuf_check.onnx");
  // Its Clip has the bounds as inputs (opset 11) under opset 7; the Gemm and MatMul below.
  CHECK(error_of(file) == file + ": node '/Clip' (op Clip): 3 inputs; Clip (opset 7) takes 1");
  for (const char* op : {"Gemm", "MatMul"}) {
    CAPTURE(op);
    OnnxBuilder b = conv_pool_model();
    onnx::NodeProto& gemm = *b.graph().mutable_node(b.graph().node_size() - 1);
    gemm.set_op_type(op);
    gemm.mutable_input()->DeleteSubrange(1, gemm.input_size() - 1);
    CHECK(contains(import_error(b), "(op " + std::string(op) + "): 1 inputs; " + op +
                                        " (opset 13) takes " +
                                        (std::string(op) == "Gemm" ? "2 to 3" : "2")));
  }
  OnnxBuilder empty = conv_pool_model();
  empty.graph().mutable_node(0)->set_input(1, "");
  CHECK(
      contains(import_error(empty), "node 'Conv_0' (op Conv): input 1 (W) is required but empty"));
  OnnxBuilder none = conv_pool_model();
  none.graph().mutable_node(3)->clear_output();
  CHECK(contains(import_error(none), "(op GlobalAveragePool): the node has no outputs"));
}

TEST_CASE("onnx: a subgraph (If, Loop, Scan) is an error naming the node") {
  OnnxBuilder b = conv_pool_model();
  auto* a = b.graph().mutable_node(1)->add_attribute();
  a->set_name("then_branch");
  a->set_type(onnx::AttributeProto::GRAPH);
  a->mutable_g()->set_name("body");
  CHECK(contains(import_error(b),
                 "node 'Relu_1' (op Relu): attribute 'then_branch' holds a "
                 "subgraph (If, Loop, Scan bodies are unsupported)"));
}

TEST_CASE("onnx: names with control characters still give a one-line error") {
  OnnxBuilder b = conv_pool_model();
  b.graph().mutable_node(1)->set_input(0, "bad\nname");
  const std::string e = import_error(b);
  CHECK(contains(e, "input 'bad?name' is not a graph input"));
  CHECK(one_line(e));
}

TEST_CASE(
    "onnx: shape arithmetic on a tensor ONNX cannot type (a custom-domain operator's output) "
    "does not crash shape inference") {
  OnnxBuilder b;
  std::string x = b.input("image", {1, 8, 4, 4});
  onnx::NodeProto& custom = b.node("FusedConv", {b.conv(x, 8, 1)});
  custom.set_domain("com.microsoft");
  auto* opset = b.model().add_opset_import();
  opset->set_domain("com.microsoft");
  opset->set_version(1);
  x = custom.output(0);
  onnx::NodeProto& g = b.node("Gather", {b.op("Shape", {x}), b.int_constant({0})});
  OnnxBuilder::attr(g, "axis", std::int64_t{0});
  onnx::NodeProto& shape = b.node(
      "Concat", {g.output(0), b.int_constant({8}), b.int_constant({4}), b.int_constant({4})});
  OnnxBuilder::attr(shape, "axis", std::int64_t{0});
  b.output(b.op("Reshape", {x, shape.output(0)}));
  wl::OnnxOptions options;
  options.allow_unsupported = true;
  const auto r = import_model(b, options);
  CHECK(ops_of(r.net) == std::vector<std::string>{"conv2d", "avgpool"});
}

TEST_CASE(
    "onnx: with allow_unsupported, a node that reads a Pad's output and is not a window is an "
    "error, not a stand-in that drops the padding") {
  OnnxBuilder b;
  const std::string x = b.input("image", {1, 4, 8, 8});
  const std::string w = b.input("weights", {4, 4, 3, 3});  // weights computed by the graph
  onnx::NodeProto& pad = b.node("Pad", {x, b.int_constant({0, 0, 2, 2, 0, 0, 2, 2})});
  onnx::NodeProto& conv = b.node("Conv", {pad.output(0), w});
  OnnxBuilder::attr(conv, "kernel_shape", Dims{3, 3});
  b.output(conv.output(0));
  wl::OnnxOptions options;
  options.allow_unsupported = true;
  const std::string e = import_error(b, options);
  CHECK(contains(e,
                 "node 'Conv_1' (op Conv): weights computed by the graph (only constant weights "
                 "are supported); --allow-unsupported cannot stand in for it: its input comes "
                 "through a Pad"));
}
