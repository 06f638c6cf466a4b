// Internal to the ONNX importer: walks the ONNX nodes in file order and turns each into a layer,
// an epilogue step fused into an earlier layer, or nothing (shape-only operators, constants).
//
// Every ONNX tensor gets a Value. A Feature value is the output of one of our layers, possibly
// seen through shape-only operators (Flatten, Reshape, ...); Constant values are initializers and
// Constant nodes; Derived values are computed from constants only (shape arithmetic) and never
// become layers.
#ifndef ACCELNAS_WORKLOADS_ONNX_ONNX_MAPPER_H
#define ACCELNAS_WORKLOADS_ONNX_ONNX_MAPPER_H

#include <array>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "workloads/network.h"
#include "workloads/onnx/onnx_import.h"
#include "workloads/onnx/onnx_model.h"

namespace accelnas::wl::onnx_detail {

struct Value {
  enum class Kind { Feature, Constant, Derived };
  Kind kind = Kind::Derived;
  std::string layer;  // Feature: the layer that computes it
  Dims dims;          // ONNX dims; empty when unknown
  // Feature: every tensor from the layer's output up to this one has exactly one consumer, so
  // the consumer may fuse into the layer.
  bool sole = false;
  // Feature: zero padding a Pad node added around H and W ([top, left, bottom, right]), not yet
  // applied. Only a Conv or pool consumes such a value: it adds the padding to its own window.
  std::array<std::int64_t, 4> pad{};
  bool padded() const { return pad[0] != 0 || pad[1] != 0 || pad[2] != 0 || pad[3] != 0; }
};

class Mapper;
using OpHandler = void (*)(Mapper& m, const onnx::NodeProto& node);
using OpTable = std::map<std::string, OpHandler>;
void add_compute_ops(OpTable& table);  // Conv, Gemm, MatMul, pools, Resize (onnx_ops_compute)
void add_tensor_ops(OpTable& table);   // elementwise, activations, Concat, shape-only ops
const OpTable& op_table();

// Attributes, with the value used when the node does not set them.
bool has_attr(const onnx::NodeProto& n, const std::string& name);
std::int64_t attr_int(const onnx::NodeProto& n, const std::string& name, std::int64_t fallback);
float attr_float(const onnx::NodeProto& n, const std::string& name, float fallback);
std::string attr_string(const onnx::NodeProto& n, const std::string& name,
                        const std::string& fallback);
Dims attr_ints(const onnx::NodeProto& n, const std::string& name, const Dims& fallback);
std::vector<double> attr_floats(const onnx::NodeProto& n, const std::string& name);  // or {}

// Our HxWxC for ONNX dims: [N,C,H,W] -> HxWxC, [N,K] -> 1x1xK. False for other ranks.
bool to_hwc(const Dims& dims, Shape& out);

// True when ONNX dims are a view of our HxWxC tensor `s` that keeps its data in place: the same
// shape, flattened ([N, H*W*C]), or the channels split into two factors ([N, a, b, H, W] with
// a * b == C, the first step of a channel shuffle).
bool is_view(const Dims& dims, const Shape& s);

class Mapper {
 public:
  Mapper(const OnnxModel& model, const OnnxOptions& options);
  Network run();

  const OnnxModel& model() const { return model_; }

  // The value of input k of `node` ("" inputs are Derived).
  const Value& input(const onnx::NodeProto& node, int k) const;
  // Input k, which must be a Feature (fails naming the node otherwise).
  const Value& feature(const onnx::NodeProto& node, int k) const;
  bool has_input(const onnx::NodeProto& node, int k) const;
  // Input k's constant values; false when it is absent or not a decodable constant.
  bool constant_input(const onnx::NodeProto& node, int k, std::vector<double>& out) const;
  // Input k's integer values: a constant, or shape arithmetic on constants and on the shapes of
  // tensors (ONNX's, else the importer's own, Value::dims). False when absent or not computable.
  bool integer_input(const onnx::NodeProto& node, int k, Dims& out) const;
  Layer& layer(const std::string& name);
  const Shape& shape_of(const Value& v) const;  // the producing layer's output shape
  // Consumers of a tensor, counting graph outputs and not counting absorbed nodes, nor Shape and
  // Size (they read dimensions only).
  int uses(const std::string& tensor) const;
  // The nodes among them (each once per input that reads the tensor), in file order.
  const std::vector<const onnx::NodeProto*>& consumers(const std::string& tensor) const;

  // A layer named after `node` with its origin set.
  Layer new_layer(const onnx::NodeProto& node, OpKind op, std::vector<std::string> inputs) const;
  // Adds `layer` (shape inferred now, checked against ONNX) as the value of output 0.
  void emit(const onnx::NodeProto& node, Layer layer);
  // As emit(), for output k of a node with several (Split): output 0's layer keeps its name,
  // output k > 0's is renamed "<name>_<k>" (with a further "_<n>" when that name is taken).
  void emit_output(const onnx::NodeProto& node, int k, Layer layer);
  // Output 0 is `in` seen through a shape-only operator (is_view); unsupported() otherwise. Its
  // dims are ONNX's, else `dims` when given, else in's.
  void alias(const onnx::NodeProto& node, const Value& in, const Dims* dims = nullptr);
  // Output 0 is `in` with `pad` ([top, left, bottom, right]) more zero padding, left for the
  // consuming Conv or pool to fold into its window (Value::pad).
  void pad(const onnx::NodeProto& node, const Value& in, const std::array<std::int64_t, 4>& pad);
  // A 1x1 avgpool pass on the vector unit standing in for an elementwise operator.
  void emit_pass(const onnx::NodeProto& node, const Value& in);
  // The node is not supported (reason): a UserError, or with allow_unsupported a vector-unit
  // pass (or resize) of its first graph-tensor input with a warning.
  void unsupported(const onnx::NodeProto& node, const std::string& reason);

  // x * Sigmoid(x) / x * HardSigmoid(x) found before mapping: `x` is the input the activation
  // applies to and `silu` tells which.
  bool swish(const onnx::NodeProto& mul, std::string& x, bool& silu) const;
  void note_silu() { ++silu_count_; }

  [[noreturn]] void fail(const onnx::NodeProto& node, const std::string& reason) const;
  void warn(const onnx::NodeProto& node, const std::string& message) const;
  void warn(const std::string& message) const;
  std::string where(const onnx::NodeProto& node) const;  // "m.onnx: node 'x' (op Conv)"

 private:
  void assign_names();
  void find_swish_patterns();
  void count_uses();
  void add_inputs();
  void map_node(const onnx::NodeProto& node);
  void set_output(const onnx::NodeProto& node, int k, Value v);

  const OnnxModel& model_;
  const OnnxOptions& options_;
  std::map<const onnx::NodeProto*, std::string> node_names_;
  std::map<std::string, std::string> input_names_;  // graph input -> layer name
  std::set<const onnx::NodeProto*> absorbed_;       // Sigmoid / HardSigmoid of a swish
  std::map<const onnx::NodeProto*, std::pair<std::string, bool>> swish_;  // Mul -> (x, silu)
  std::map<std::string, int> uses_;
  std::map<std::string, std::vector<const onnx::NodeProto*>> consumers_;
  std::map<std::string, Value> values_;
  std::deque<Layer> layers_;  // stable references while layers are added
  std::map<std::string, std::size_t> layer_index_;
  int silu_count_ = 0;
};

}  // namespace accelnas::wl::onnx_detail

#endif  // ACCELNAS_WORKLOADS_ONNX_ONNX_MAPPER_H
