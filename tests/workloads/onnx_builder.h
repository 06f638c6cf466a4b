// Builds small ONNX models in C++ with the ONNX protobuf API (onnx::ModelProto) and writes them to
// temporary files, for the importer's tests: nothing is downloaded. Weights are initializers of
// the right shape filled with zeros; node and tensor names follow PyTorch 1.x exports
// ("Conv_3", "onnx::Conv_12").
#ifndef ACCELNAS_TESTS_WORKLOADS_ONNX_BUILDER_H
#define ACCELNAS_TESTS_WORKLOADS_ONNX_BUILDER_H

#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace accelnas::onnx_test {

using Dims = std::vector<std::int64_t>;

// A fresh directory under /tmp, removed with its files when the object goes.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = "/tmp/accelnas-onnx-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int opset = 13, std::string graph_name = "torch_jit") {
    model_.set_ir_version(opset >= 13 ? 7 : 6);
    model_.set_producer_name("accelnas-tests");
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    opset_ = opset;
    model_.mutable_graph()->set_name(std::move(graph_name));
  }

  int opset() const { return opset_; }
  onnx::ModelProto& model() { return model_; }
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }
  // Node names: false leaves them empty, as some exporters do.
  void name_nodes(bool on) { name_nodes_ = on; }

  // A float graph input. A negative dim is dynamic, named by `params` (or "dim<k>").
  std::string input(const std::string& name, const Dims& dims,
                    const std::vector<std::string>& params = {}) {
    auto* in = graph().add_input();
    in->set_name(name);
    auto* t = in->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = t->mutable_shape();
    for (std::size_t k = 0; k < dims.size(); ++k) {
      auto* d = shape->add_dim();
      if (dims[k] >= 0) {
        d->set_dim_value(dims[k]);
      } else {
        d->set_dim_param(k < params.size() ? params[k] : "dim" + std::to_string(k));
      }
    }
    if (dims.size() >= 2) channels_[name] = dims[1];
    return name;
  }

  void output(const std::string& tensor) {
    auto* out = graph().add_output();
    out->set_name(tensor);
    out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  }

  // A float initializer of zeros (or `values` when given).
  std::string weight(const Dims& dims, const std::vector<float>& values = {}) {
    const std::string name = "onnx::W_" + std::to_string(next_tensor_++);
    auto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    std::int64_t n = 1;
    for (auto d : dims) {
      t->add_dims(d);
      n *= d;
    }
    if (!values.empty()) {
      for (float v : values) t->add_float_data(v);
    } else {
      t->set_raw_data(std::string(static_cast<std::size_t>(n) * sizeof(float), '\0'));
    }
    return name;
  }

  std::string int_constant(const Dims& values) {
    const std::string name = "onnx::C_" + std::to_string(next_tensor_++);
    auto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<std::int64_t>(values.size()));
    for (auto v : values) t->add_int64_data(v);
    return name;
  }

  // Any node; returns its node. Outputs are fresh tensors.
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        int outputs = 1) {
    auto* n = graph().add_node();
    n->set_op_type(op);
    if (name_nodes_) n->set_name(op + "_" + std::to_string(next_node_));
    ++next_node_;
    for (const auto& in : inputs) n->add_input(in);
    for (int k = 0; k < outputs; ++k) n->add_output(std::to_string(next_tensor_++));
    if (!inputs.empty() && channels_.count(inputs[0]) != 0)
      channels_[n->output(0)] = channels_[inputs[0]];
    return *n;
  }
  std::string op(const std::string& op, const std::vector<std::string>& inputs) {
    return node(op, inputs).output(0);
  }

  static void attr(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr(onnx::NodeProto& n, const std::string& name, float v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  static void attr(onnx::NodeProto& n, const std::string& name, const std::string& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }
  static void attr(onnx::NodeProto& n, const std::string& name, const Dims& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto x : v) a->add_ints(x);
  }

  std::int64_t channels(const std::string& tensor) const { return channels_.at(tensor); }
  // For tensors whose channels node() cannot follow (a Slice or Split output).
  void set_channels(const std::string& tensor, std::int64_t c) { channels_[tensor] = c; }

  // Square kernel, symmetric padding, as torch.nn.Conv2d exports it.
  std::string conv(const std::string& x, std::int64_t out, int k, int stride = 1, int pad = 0,
                   int group = 1, bool bias = false) {
    std::vector<std::string> ins = {x, weight({out, channels(x) / group, k, k})};
    if (bias) ins.push_back(weight({out}));
    onnx::NodeProto& n = node("Conv", ins);
    attr(n, "dilations", Dims{1, 1});
    attr(n, "group", std::int64_t{group});
    attr(n, "kernel_shape", Dims{k, k});
    attr(n, "pads", Dims{pad, pad, pad, pad});
    attr(n, "strides", Dims{stride, stride});
    channels_[n.output(0)] = out;
    return n.output(0);
  }
  std::string dwconv(const std::string& x, int k, int stride) {
    const auto c = channels(x);
    return conv(x, c, k, stride, k / 2, static_cast<int>(c));
  }

  std::string bn(const std::string& x) {
    const Dims c = {channels(x)};
    onnx::NodeProto& n =
        node("BatchNormalization", {x, weight(c), weight(c), weight(c), weight(c)});
    attr(n, "epsilon", 1e-5f);
    attr(n, "momentum", 0.9f);
    return n.output(0);
  }

  // ReLU6 as PyTorch exports it: attributes before opset 11, constant inputs after.
  std::string clip(const std::string& x, float lo = 0, float hi = 6) {
    if (opset_ < 11) {
      onnx::NodeProto& n = node("Clip", {x});
      attr(n, "max", hi);
      attr(n, "min", lo);
      return n.output(0);
    }
    return op("Clip", {x, weight({}, {lo}), weight({}, {hi})});
  }

  std::string gemm(const std::string& x, std::int64_t in, std::int64_t out, bool bias = true) {
    std::vector<std::string> ins = {x, weight({out, in})};
    if (bias) ins.push_back(weight({out}));
    onnx::NodeProto& n = node("Gemm", ins);
    attr(n, "alpha", 1.0f);
    attr(n, "beta", 1.0f);
    attr(n, "transB", std::int64_t{1});
    channels_[n.output(0)] = out;
    return n.output(0);
  }

  std::string pool(const std::string& op, const std::string& x, int k, int stride, int pad = 0,
                   bool ceil = false) {
    onnx::NodeProto& n = node(op, {x});
    if (ceil) attr(n, "ceil_mode", std::int64_t{1});
    attr(n, "kernel_shape", Dims{k, k});
    attr(n, "pads", Dims{pad, pad, pad, pad});
    attr(n, "strides", Dims{stride, stride});
    return n.output(0);
  }

  std::string flatten(const std::string& x) {
    onnx::NodeProto& n = node("Flatten", {x});
    attr(n, "axis", std::int64_t{1});
    return n.output(0);
  }

  std::string concat(const std::vector<std::string>& xs) {
    onnx::NodeProto& n = node("Concat", xs);
    attr(n, "axis", std::int64_t{1});
    std::int64_t c = 0;
    for (const auto& x : xs) c += channels(x);
    channels_[n.output(0)] = c;
    return n.output(0);
  }

  // Writes the model to `path` and returns it.
  std::string write(const std::string& path) const {
    std::ofstream out(path, std::ios::binary);
    if (!model_.SerializeToOstream(&out)) throw std::runtime_error("cannot write " + path);
    return path;
  }

 private:
  onnx::ModelProto model_;
  int opset_ = 13;
  bool name_nodes_ = true;
  int next_node_ = 0;
  int next_tensor_ = 0;
  std::map<std::string, std::int64_t> channels_;
};

}  // namespace accelnas::onnx_test

#endif  // ACCELNAS_TESTS_WORKLOADS_ONNX_BUILDER_H
