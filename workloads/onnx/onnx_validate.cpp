#include "workloads/onnx/onnx_validate.h"

#include <onnx/defs/schema.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <queue>
#include <set>
#include <vector>

#include "workloads/config/error.h"

namespace accelnas::wl::onnx_detail {
namespace {

// Operators with a sliding window over the spatial axes, whose shape inference divides by the
// strides.
const std::set<std::string> kWindowOps = {"Conv",    "ConvTranspose", "ConvInteger", "QLinearConv",
                                          "MaxPool", "AveragePool",   "LpPool",      "MaxUnpool"};

bool default_domain(const onnx::NodeProto& n) {
  return n.domain().empty() || n.domain() == "ai.onnx";
}

// "m.onnx: node 'Conv_3' (op Conv)"; a node without a name is "<op>_<index>".
std::string where(const std::string& file, const onnx::NodeProto& n, int index) {
  const std::string name = n.name().empty() ? n.op_type() + "_" + std::to_string(index) : n.name();
  return file + ": node '" + name + "' (op " + n.op_type() + ")";
}

std::string list_text(const std::vector<std::int64_t>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : ", ") + std::to_string(x);
  return "[" + s + "]";
}

std::string count_range(int lo, int hi) {
  if (lo == hi) return std::to_string(lo);
  if (hi == std::numeric_limits<int>::max()) return "at least " + std::to_string(lo);
  return std::to_string(lo) + " to " + std::to_string(hi);
}

// Input and output counts against the operator's schema; required inputs must not be "".
void check_arity(const std::string& at, const onnx::NodeProto& n, int opset) {
  if (n.output_size() == 0) throw UserError(at + ": the node has no outputs");
  if (!default_domain(n)) return;
  const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(n.op_type(), opset, "");
  if (schema == nullptr) return;  // not an ONNX operator at this opset: the mapper rejects it
  if (n.input_size() < schema->min_input() || n.input_size() > schema->max_input()) {
    throw UserError(at + ": " + std::to_string(n.input_size()) + " inputs; " + n.op_type() +
                    " (opset " + std::to_string(opset) + ") takes " +
                    count_range(schema->min_input(), schema->max_input()));
  }
  if (n.output_size() < schema->min_output() || n.output_size() > schema->max_output()) {
    throw UserError(at + ": " + std::to_string(n.output_size()) + " outputs; " + n.op_type() +
                    " (opset " + std::to_string(opset) + ") gives " +
                    count_range(schema->min_output(), schema->max_output()));
  }
  const auto& formal = schema->inputs();
  for (int k = 0; k < n.input_size() && !formal.empty(); ++k) {
    const auto& param =
        formal[std::min<std::size_t>(static_cast<std::size_t>(k), formal.size() - 1)];
    if (n.input(k).empty() && param.GetOption() != onnx::OpSchema::Optional) {
      throw UserError(at + ": input " + std::to_string(k) + " (" + param.GetName() +
                      ") is required but empty");
    }
  }
}

// kernel_shape, strides, dilations, pads, group and output_padding of a window operator.
void check_window(const std::string& at, const onnx::NodeProto& n) {
  std::map<std::string, std::vector<std::int64_t>> lists;
  for (const auto& a : n.attribute()) {
    const std::string& name = a.name();
    const bool list = name == "kernel_shape" || name == "strides" || name == "dilations" ||
                      name == "pads" || name == "output_padding";
    if (name == "group") {
      if (a.i() < 1 || a.i() > kMaxDim) {
        throw UserError(at + ": group must be an integer from 1 to " + std::to_string(kMaxDim) +
                        ", got " + std::to_string(a.i()));
      }
    }
    if (!list) continue;
    if (a.type() != onnx::AttributeProto::INTS && a.type() != onnx::AttributeProto::UNDEFINED)
      throw UserError(at + ": " + name + " must be a list of integers");
    const std::vector<std::int64_t> v(a.ints().begin(), a.ints().end());
    const bool padding = name == "pads" || name == "output_padding";
    const std::int64_t lo = padding ? 0 : 1;
    for (auto x : v) {
      if (x < lo || x > kMaxDim) {
        throw UserError(at + ": " + name + " must be integers from " + std::to_string(lo) + " to " +
                        std::to_string(kMaxDim) + ", got " + list_text(v));
      }
    }
    lists[name] = v;
  }
  // The spatial rank: kernel_shape's length, else that of any other per-axis list.
  std::size_t rank = 0;
  std::string from;
  for (const char* name : {"kernel_shape", "strides", "dilations", "output_padding"}) {
    const auto it = lists.find(name);
    if (it == lists.end()) continue;
    if (from.empty()) {
      rank = it->second.size();
      from = name;
      if (rank == 0) throw UserError(at + ": " + from + " is empty");
    } else if (it->second.size() != rank) {
      throw UserError(at + ": " + name + " " + list_text(it->second) + " has " +
                      std::to_string(it->second.size()) + " values, " + from + " " +
                      list_text(lists[from]) + " has " + std::to_string(rank));
    }
  }
  const auto pads = lists.find("pads");
  if (pads != lists.end() && (pads->second.size() % 2 != 0 || pads->second.empty() ||
                              (rank != 0 && pads->second.size() != 2 * rank))) {
    throw UserError(at + ": pads " + list_text(pads->second) + " has " +
                    std::to_string(pads->second.size()) + " values" +
                    (rank != 0 ? " (expected " + std::to_string(2 * rank) + ", two per axis)"
                               : " (expected two per axis)"));
  }
}

// Stable topological order (file order among ready nodes); throws on an undefined input, a
// tensor written twice or a cycle.
std::vector<int> topological_order(const std::string& file, const onnx::GraphProto& g,
                                   const std::function<std::string(int)>& at) {
  std::set<std::string> defined;
  for (const auto& in : g.input()) defined.insert(in.name());
  for (const auto& t : g.initializer()) defined.insert(t.name());
  std::map<std::string, int> producer;
  const int count = g.node_size();
  for (int i = 0; i < count; ++i) {
    for (const auto& out : g.node(i).output()) {
      if (out.empty()) continue;
      if (defined.count(out) != 0)
        throw UserError(at(i) + ": writes '" + out + "', a graph input or initializer");
      const auto [it, fresh] = producer.emplace(out, i);
      if (!fresh) {
        throw UserError(at(i) + ": writes '" + out + "', which " +
                        at(it->second).substr(file.size() + 2) + " writes too");
      }
    }
  }
  std::vector<int> pending(static_cast<std::size_t>(count), 0);
  std::vector<std::vector<int>> readers(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    std::set<int> waits;
    for (const auto& in : g.node(i).input()) {
      if (in.empty() || defined.count(in) != 0) continue;
      const auto it = producer.find(in);
      if (it == producer.end()) {
        throw UserError(at(i) + ": input '" + in +
                        "' is not a graph input, an initializer or any node's output (truncated "
                        "or corrupt file?)");
      }
      waits.insert(it->second);
    }
    pending[static_cast<std::size_t>(i)] = static_cast<int>(waits.size());
    for (int p : waits) readers[static_cast<std::size_t>(p)].push_back(i);
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < count; ++i) {
    if (pending[static_cast<std::size_t>(i)] == 0) ready.push(i);
  }
  std::vector<int> order;
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int r : readers[static_cast<std::size_t>(i)]) {
      if (--pending[static_cast<std::size_t>(r)] == 0) ready.push(r);
    }
  }
  for (int i = 0; i < count && static_cast<int>(order.size()) < count; ++i) {
    if (pending[static_cast<std::size_t>(i)] == 0) continue;
    for (const auto& in : g.node(i).input()) {
      const auto it = producer.find(in);
      if (it != producer.end() && pending[static_cast<std::size_t>(it->second)] != 0)
        throw UserError(at(i) + ": input '" + in + "' is computed in a cycle of nodes");
    }
  }
  return order;
}

void check_tensor_dims(const std::string& what, const onnx::TensorProto& t) {
  std::int64_t n = 0;
  if (!element_count(t.dims(), n)) {
    throw UserError(what + " has dims " +
                    list_text(std::vector<std::int64_t>(t.dims().begin(), t.dims().end())) +
                    " (a negative dimension, or over 2^40 elements)");
  }
}

// The index of the weight input of a convolution, or -1 for a pool (whose kernel_shape is a
// required attribute).
int weight_input(const onnx::NodeProto& n) {
  if (n.op_type() == "QLinearConv") return 3;
  if (n.op_type() == "Conv" || n.op_type() == "ConvTranspose" || n.op_type() == "ConvInteger")
    return 1;
  return -1;
}

// The shapes known before shape inference: initializers, Constant values and graph inputs whose
// every dimension is fixed.
std::map<std::string, std::vector<std::int64_t>> static_shapes(const onnx::GraphProto& g) {
  std::map<std::string, std::vector<std::int64_t>> known;
  for (const auto& in : g.input()) {
    const auto& type = in.type();
    if (!type.has_tensor_type() || !type.tensor_type().has_shape()) continue;
    std::vector<std::int64_t> dims;
    for (const auto& d : type.tensor_type().shape().dim()) {
      if (!d.has_dim_value()) break;
      dims.push_back(d.dim_value());
    }
    if (static_cast<int>(dims.size()) == type.tensor_type().shape().dim_size())
      known[in.name()] = dims;
  }
  for (const auto& t : g.initializer())
    known[t.name()] = std::vector<std::int64_t>(t.dims().begin(), t.dims().end());
  for (const auto& n : g.node()) {
    if (!default_domain(n) || n.op_type() != "Constant" || n.output_size() == 0) continue;
    for (const auto& a : n.attribute()) {
      if (a.name() == "value" && a.has_t())
        known[n.output(0)] = std::vector<std::int64_t>(a.t().dims().begin(), a.t().dims().end());
    }
  }
  return known;
}

}  // namespace

void check_and_sort_nodes(const std::string& file, onnx::GraphProto& graph, int opset) {
  const auto at = [&](int i) { return where(file, graph.node(i), i); };
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    for (const auto& a : n.attribute()) {
      if (a.has_g() || a.graphs_size() > 0 || a.type() == onnx::AttributeProto::GRAPH ||
          a.type() == onnx::AttributeProto::GRAPHS) {
        throw UserError(at(i) + ": attribute '" + a.name() +
                        "' holds a subgraph (If, Loop, Scan bodies are unsupported)");
      }
    }
    check_arity(at(i), n, opset);
    if (default_domain(n) && kWindowOps.count(n.op_type()) != 0) check_window(at(i), n);
  }
  const std::vector<int> order = topological_order(file, graph, at);
  bool sorted = true;
  for (std::size_t k = 0; k < order.size(); ++k) sorted = sorted && order[k] == static_cast<int>(k);
  if (sorted) return;
  std::vector<onnx::NodeProto> nodes(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) nodes[k].Swap(graph.mutable_node(order[k]));
  graph.clear_node();
  for (auto& n : nodes) graph.add_node()->Swap(&n);
}

void check_tensor_sizes(const std::string& file, const onnx::GraphProto& graph) {
  for (const auto& t : graph.initializer())
    check_tensor_dims(file + ": initializer '" + t.name() + "'", t);
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const auto& a : graph.node(i).attribute()) {
      const std::string what = where(file, graph.node(i), i) + ": attribute '" + a.name() + "'";
      if (a.has_t()) check_tensor_dims(what, a.t());
      for (const auto& t : a.tensors()) check_tensor_dims(what, t);
    }
  }
}

void check_input_size(const std::string& file, const onnx::ValueInfoProto& input) {
  std::vector<std::int64_t> dims;
  for (const auto& d : input.type().tensor_type().shape().dim()) dims.push_back(d.dim_value());
  std::int64_t n = 0;
  if (!element_count(dims, n)) {
    throw UserError(file + ": input '" + input.name() + "' has shape " + list_text(dims) +
                    ", over 2^40 elements");
  }
}

void check_kernel_shapes(const std::string& file, onnx::GraphProto& graph) {
  const auto known = static_shapes(graph);
  for (int i = 0; i < graph.node_size(); ++i) {
    onnx::NodeProto& n = *graph.mutable_node(i);
    const int k = default_domain(n) ? weight_input(n) : -1;
    if (k < 0 || k >= n.input_size()) continue;
    const std::string at = where(file, n, i);
    const onnx::AttributeProto* kernel = nullptr;
    for (const auto& a : n.attribute()) {
      if (a.name() == "kernel_shape") kernel = &a;
    }
    const auto w = known.find(n.input(k));
    if (w == known.end()) {
      if (kernel != nullptr) continue;  // libonnx reads the window from the attribute
      throw UserError(at + ": has no kernel_shape and its weights '" + n.input(k) +
                      "' are computed by the graph, so their shape is unknown; give kernel_shape");
    }
    const std::vector<std::int64_t>& dims = w->second;
    if (dims.size() < 3) {
      throw UserError(at + ": weights '" + n.input(k) + "' have shape " + list_text(dims) +
                      ", expected [out, in, kernel...] with at least one spatial axis");
    }
    const std::vector<std::int64_t> window(dims.begin() + 2, dims.end());
    if (kernel == nullptr) {
      for (auto x : window) {
        if (x < 1 || x > kMaxDim) {
          throw UserError(at + ": weights '" + n.input(k) + "' have shape " + list_text(dims) +
                          ", a kernel axis outside 1 to " + std::to_string(kMaxDim));
        }
      }
      // The ONNX default, written down: libonnx would otherwise take it from the weights
      // without checking it against the input's rank.
      onnx::AttributeProto& a = *n.add_attribute();
      a.set_name("kernel_shape");
      a.set_type(onnx::AttributeProto::INTS);
      for (auto x : window) a.add_ints(x);
    } else if (std::vector<std::int64_t>(kernel->ints().begin(), kernel->ints().end()) != window) {
      throw UserError(
          at + ": kernel_shape " + list_text({kernel->ints().begin(), kernel->ints().end()}) +
          " does not match its weights '" + n.input(k) + "' of shape " + list_text(dims));
    }
  }
}

}  // namespace accelnas::wl::onnx_detail
