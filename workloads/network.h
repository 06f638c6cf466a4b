// The network graph: nodes are operators (Layer), edges are tensors. Stored in a Boost.Graph
// adjacency_list. Layout is NHWC with the batch held once on the Network, so a Shape is (h, w, c).
//
// Contract: after finalize() returns, the graph is acyclic, every input name resolves, every
// layer's `out` shape is inferred and every attribute is valid. finalize() throws UserError naming
// the layer's origin (file:line or zoo name) and the reason otherwise.
#ifndef ACCELNAS_WORKLOADS_NETWORK_H
#define ACCELNAS_WORKLOADS_NETWORK_H

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "workloads/precision.h"

namespace accelnas::wl {

enum class OpKind {
  Input,
  Conv2d,          // groups == in_channels == out_channels is depthwise
  FullyConnected,  // flattens its input (h*w*c) to a vector
  Add,             // elementwise; the second input may be 1x1xC (broadcast)
  Mul,             // elementwise; the second input may be 1x1xC (squeeze-excite scale)
  MaxPool,
  AvgPool,
  GlobalAvgPool,  // h x w x c -> 1 x 1 x c
  Concat,         // along channels; all inputs share h and w
  Resize,         // to out_h x out_w, nearest or bilinear
  ChannelSlice,   // channels [slice_begin, slice_end) of its input; same h and w
};

enum class Activation { None, Relu, Relu6, HSwish, Sigmoid, HSigmoid };
enum class ResizeMode { Nearest, Bilinear };

const char* op_name(OpKind op);  // "conv2d", "fully_connected", ...
bool parse_op(const std::string& name, OpKind& out);
const std::vector<std::string>& op_names();    // in OpKind order
const std::string& op_name_string(OpKind op);  // op_name() as a std::string, without a strlen
const char* activation_name(Activation a);
bool parse_activation(const std::string& name, Activation& out);

// Epilogue fused into the producing layer's output stage (conv2d / fully_connected).
struct Epilogue {
  bool bias = false;
  bool batchnorm = false;  // folded into scale and bias at inference
  Activation activation = Activation::None;
  bool has_bias_term() const { return bias || batchnorm; }
};

struct Shape {
  std::int64_t h = 0, w = 0, c = 0;
  std::int64_t elements() const { return h * w * c; }
  bool operator==(const Shape& o) const { return h == o.h && w == o.w && c == o.c; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
};
std::string to_string(const Shape& s);  // "112x112x32"

struct Padding {
  int top = 0, left = 0, bottom = 0, right = 0;
};

struct Layer {
  std::string name;
  OpKind op = OpKind::Input;
  std::vector<std::string> inputs;  // producer layer names, in operand order
  Precision precision = Precision::Int8;
  // Blocks are first-class: every layer of an IBN, fused-IBN, residual or SE block carries the
  // block's id and type, and its role inside it. Vocabulary (transforms and the estimator rely on
  // it): block_type "ibn" | "fused_ibn" | "residual" | "se" | "stem" | "head" | ...;
  // role "expand" (1x1, or KxK in a fused IBN) | "depthwise" | "project" | "residual_add" |
  // "se_pool" | "se_reduce" | "se_expand" | "se_scale" | "conv" | ... A squeeze-excite inside an
  // IBN keeps the IBN's block id and marks its layers with the se_* roles.
  std::string block;       // optional block id, e.g. "ibn3"
  std::string block_type;  // optional, needs `block`
  std::string role;        // optional role inside the block
  std::string origin;      // "net.yaml:12: layers[3]" or "zoo:mobilenet_v2: conv1"

  // input
  Shape input_shape;

  // conv2d / pools
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  bool same_padding = false;  // TF "SAME": out = ceil(in / stride); else explicit `padding`
  Padding padding;
  int groups = 1;

  // conv2d / fully_connected
  std::int64_t out_channels = 0;
  Epilogue epilogue;

  // resize
  std::int64_t out_h = 0, out_w = 0;
  ResizeMode resize_mode = ResizeMode::Nearest;

  // channel_slice: the channel range [slice_begin, slice_end) of the input, 0 <= begin < end <= c
  std::int64_t slice_begin = 0, slice_end = 0;

  // Inferred by Network::finalize().
  Shape out;
  Padding resolved_padding;
};

// An edge: the tensor from a producer into one operand of a consumer.
struct Tensor {
  int operand = 0;  // index into the consumer's `inputs`
};

class Network {
 public:
  // Edges are never removed, so the edge list is a vector too (one allocation per network
  // rather than one list node per edge).
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Layer,
                                      Tensor, boost::no_property, boost::vecS>;
  using Vertex = Graph::vertex_descriptor;

  std::string name = "network";
  Precision default_precision = Precision::Int8;

  // Adds a layer; names must be unique (UserError naming both origins otherwise).
  std::size_t add_layer(Layer layer);
  // Resolves input names into edges, rejects cycles and dangling inputs, infers shapes.
  void finalize();
  // finalize() with a hook: `prepare` is called on each layer in topological order, after its
  // producers' shapes are inferred and just before its own is, so it can derive attributes from
  // them (the loader turns `resize: {scale: 2}` into out_h/out_w this way).
  using PrepareFn = std::function<void(Layer& layer, const std::vector<const Layer*>& producers)>;
  void finalize(const PrepareFn& prepare);
  bool finalized() const { return finalized_; }

  std::size_t size() const { return graph_ ? boost::num_vertices(*graph_) : 0; }
  const Layer& layer(std::size_t i) const { return (*graph_)[i]; }
  Layer& mutable_layer(std::size_t i);  // marks the network un-finalized
  const Graph& graph() const { return *graph_; }
  std::size_t index_of(const std::string& name) const;  // UserError if absent
  bool has(const std::string& name) const;

  // Producers of layer i in operand order, and consumers in ascending index order (distinct).
  // Computed once by finalize(): planners and analyses ask for them many times per layer.
  const std::vector<std::size_t>& producers(std::size_t i) const {
    if (!finalized_) not_finalized("producers");
    return producers_.at(i);
  }
  const std::vector<std::size_t>& consumers(std::size_t i) const {
    if (!finalized_) not_finalized("consumers");
    return consumers_.at(i);
  }
  // Deterministic topological order (Kahn's algorithm, lowest index first). Requires finalize().
  const std::vector<std::size_t>& order() const {
    if (!finalized_) not_finalized("order");
    return order_;
  }
  // Layers nobody consumes: the network's outputs.
  std::vector<std::size_t> outputs() const;

 private:
  [[noreturn]] static void not_finalized(const char* what);  // a programming error: panics
  // Behind a pointer: Boost's adjacency_list has no move operations (even its swap copies), so
  // a Network held by value would deep-copy its graph on every move. Copies stay deep; a
  // moved-from Network is empty.
  struct GraphPtr {
    std::unique_ptr<Graph> p = std::make_unique<Graph>();
    GraphPtr() = default;
    GraphPtr(const GraphPtr& o) : p(std::make_unique<Graph>(*o.p)) {}
    GraphPtr& operator=(const GraphPtr& o) {
      if (this != &o) p = std::make_unique<Graph>(*o.p);
      return *this;
    }
    GraphPtr(GraphPtr&&) noexcept = default;
    GraphPtr& operator=(GraphPtr&&) noexcept = default;
    Graph& operator*() const { return *p; }
    explicit operator bool() const { return p != nullptr; }
  };
  GraphPtr graph_;
  // std::hash of each layer's name, for add_layer's duplicate check (rebuilt when stale).
  std::vector<std::size_t> name_hash_;
  std::vector<std::size_t> order_;
  std::vector<std::vector<std::size_t>> producers_, consumers_;
  bool finalized_ = false;
};

// The batch is held once, outside shapes. Up to kMaxBatch images, so that with the per-layer size
// limits of shape inference every count (bytes, MACs, cycles) stays exact in 64 bits.
constexpr std::int64_t kMaxBatch = 4096;
// Throws UserError "--batch: expected an integer from 1 to 4096, got N" outside that range.
void check_batch(std::int64_t batch);

// Per-layer arithmetic (batch 1). MACs count multiply-accumulates of conv2d / fully_connected;
// vector ops have 0 MACs and report `vector_ops` instead (elements touched times window).
std::int64_t layer_macs(const Network& net, std::size_t i);
std::int64_t layer_weight_elements(const Network& net, std::size_t i);  // kernel weights
std::int64_t layer_bias_elements(const Network& net, std::size_t i);    // 0 or out_channels
std::int64_t layer_params(const Network& net, std::size_t i);           // weights + bias
std::int64_t layer_vector_ops(const Network& net, std::size_t i);
std::int64_t input_channels(const Network& net, std::size_t i);  // of operand 0
bool is_depthwise(const Network& net, std::size_t i);
// Sums of layer_macs / layer_params over the whole network.
std::int64_t total_macs(const Network& net);
std::int64_t total_params(const Network& net);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_NETWORK_H
