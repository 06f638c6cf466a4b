#include "workloads/onnx/onnx_mapper.h"

#include <cctype>
#include <filesystem>

#include "workloads/config/error.h"
#include "workloads/onnx/block_patterns.h"
#include "workloads/onnx/onnx_shape_eval.h"
#include "workloads/shape_inference.h"

namespace accelnas::wl::onnx_detail {
namespace {

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

// Layer names keep letters, digits and _ . - /; PyTorch's leading "/" is dropped.
std::string sanitize(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '/';
    out += ok ? c : '_';
  }
  const auto start = out.find_first_not_of('/');
  return start == std::string::npos ? "" : out.substr(start);
}

Dims nchw(const Shape& s, std::size_t rank) {
  if (rank == 2) return {1, s.elements()};
  return {1, s.c, s.h, s.w};
}

const Value kAbsent{};

}  // namespace

bool has_attr(const onnx::NodeProto& n, const std::string& name) {
  return find_attr(n, name) != nullptr;
}

std::int64_t attr_int(const onnx::NodeProto& n, const std::string& name, std::int64_t fallback) {
  const auto* a = find_attr(n, name);
  return a ? a->i() : fallback;
}

float attr_float(const onnx::NodeProto& n, const std::string& name, float fallback) {
  const auto* a = find_attr(n, name);
  return a ? a->f() : fallback;
}

std::string attr_string(const onnx::NodeProto& n, const std::string& name,
                        const std::string& fallback) {
  const auto* a = find_attr(n, name);
  return a ? a->s() : fallback;
}

Dims attr_ints(const onnx::NodeProto& n, const std::string& name, const Dims& fallback) {
  const auto* a = find_attr(n, name);
  return a ? Dims(a->ints().begin(), a->ints().end()) : fallback;
}

std::vector<double> attr_floats(const onnx::NodeProto& n, const std::string& name) {
  const auto* a = find_attr(n, name);
  return a ? std::vector<double>(a->floats().begin(), a->floats().end()) : std::vector<double>{};
}

bool to_hwc(const Dims& d, Shape& out) {
  if (d.size() == 4) {
    out = Shape{d[2], d[3], d[1]};
  } else if (d.size() == 2) {
    out = Shape{1, 1, d[1]};
  } else if (d.size() == 1) {  // batch squeezed away
    out = Shape{1, 1, d[0]};
  } else {
    return false;
  }
  return true;
}

bool is_view(const Dims& d, const Shape& s) {
  Shape view;
  if (to_hwc(d, view) && view == s) return true;
  if (d.size() == 2) return d[1] == s.elements();
  return d.size() == 5 && d[1] * d[2] == s.c && d[3] == s.h && d[4] == s.w;
}

const OpTable& op_table() {
  static const OpTable table = [] {
    OpTable t;
    add_compute_ops(t);
    add_tensor_ops(t);
    return t;
  }();
  return table;
}

Mapper::Mapper(const OnnxModel& model, const OnnxOptions& options)
    : model_(model), options_(options) {
  assign_names();
  find_swish_patterns();
  count_uses();
}

// ONNX names when present and unique after sanitizing, else "<op>_<node index>".
void Mapper::assign_names() {
  std::map<std::string, int> count;
  for (const auto* in : model_.inputs()) ++count[sanitize(in->name())];
  for (const auto& node : model_.graph().node()) ++count[sanitize(node.name())];
  std::set<std::string> taken;
  for (const auto& [name, n] : count) {
    if (!name.empty() && n == 1) taken.insert(name);
  }
  auto claim = [&](const std::string& preferred, const std::string& fallback) {
    if (!preferred.empty() && count[preferred] == 1) return preferred;
    std::string name = fallback;
    for (int k = 2; taken.count(name) != 0; ++k) name = fallback + "_" + std::to_string(k);
    taken.insert(name);
    return name;
  };
  for (const auto* in : model_.inputs())
    input_names_[in->name()] = claim(sanitize(in->name()), "input");
  int index = 0;
  for (const auto& node : model_.graph().node()) {
    node_names_[&node] =
        claim(sanitize(node.name()), sanitize(node.op_type()) + "_" + std::to_string(index++));
  }
}

// Mul(x, Sigmoid(x)) and Mul(x, HardSigmoid(x)) where the gate feeds only the Mul.
void Mapper::find_swish_patterns() {
  std::map<std::string, const onnx::NodeProto*> producer;
  std::map<std::string, int> raw_uses;
  for (const auto& node : model_.graph().node()) {
    for (const auto& out : node.output()) producer[out] = &node;
    for (const auto& in : node.input()) ++raw_uses[in];
  }
  for (const auto& out : model_.graph().output()) ++raw_uses[out.name()];
  for (const auto& node : model_.graph().node()) {
    if (node.op_type() != "Mul" || node.input_size() != 2) continue;
    for (int k = 0; k < 2; ++k) {
      const std::string& x = node.input(k);
      const std::string& gate = node.input(1 - k);
      const auto it = producer.find(gate);
      if (it == producer.end() || x == gate || raw_uses[gate] != 1) continue;
      const onnx::NodeProto* g = it->second;
      const bool silu = g->op_type() == "Sigmoid";
      if ((!silu && g->op_type() != "HardSigmoid") || g->input_size() < 1 || g->input(0) != x)
        continue;
      absorbed_.insert(g);
      swish_[&node] = {x, silu};
      break;
    }
  }
}

void Mapper::count_uses() {
  for (const auto& node : model_.graph().node()) {
    if (absorbed_.count(&node) != 0) continue;
    // Shape and Size read a tensor's dimensions, not its data: the producer may still fuse what
    // follows (a channel shuffle after a dynamic-batch export's Concat, say).
    if (node.op_type() == "Shape" || node.op_type() == "Size") continue;
    const auto sw = swish_.find(&node);
    for (const auto& in : node.input()) {
      if (sw != swish_.end() && in != sw->second.first) continue;  // the absorbed gate
      ++uses_[in];
      consumers_[in].push_back(&node);
    }
  }
  for (const auto& out : model_.graph().output()) ++uses_[out.name()];
}

bool Mapper::swish(const onnx::NodeProto& mul, std::string& x, bool& silu) const {
  const auto it = swish_.find(&mul);
  if (it == swish_.end()) return false;
  x = it->second.first;
  silu = it->second.second;
  return true;
}

int Mapper::uses(const std::string& tensor) const {
  const auto it = uses_.find(tensor);
  return it == uses_.end() ? 0 : it->second;
}

const std::vector<const onnx::NodeProto*>& Mapper::consumers(const std::string& tensor) const {
  static const std::vector<const onnx::NodeProto*> kNone;
  const auto it = consumers_.find(tensor);
  return it == consumers_.end() ? kNone : it->second;
}

void Mapper::add_inputs() {
  for (const auto& t : model_.graph().initializer()) {
    values_[t.name()] = Value{Value::Kind::Constant, "", Dims(t.dims().begin(), t.dims().end())};
  }
  for (const auto* in : model_.inputs()) {
    if (uses(in->name()) == 0) continue;
    Dims d;
    Shape s;
    if (!model_.dims(in->name(), d) || !to_hwc(d, s)) {
      throw UserError(model_.file() + ": input '" + in->name() + "' has shape " + dims_text(d) +
                      "; expected [N, C, H, W] or [N, features]");
    }
    Layer l;
    l.name = input_names_.at(in->name());
    l.op = OpKind::Input;
    l.input_shape = s;
    l.origin = model_.file() + ": input '" + in->name() + "'";
    infer_layer_shape(l, {});
    layer_index_[l.name] = layers_.size();
    values_[in->name()] = Value{Value::Kind::Feature, l.name, d, uses(in->name()) == 1};
    layers_.push_back(std::move(l));
  }
}

Network Mapper::run() {
  add_inputs();
  for (const auto& node : model_.graph().node()) {
    if (absorbed_.count(&node) == 0) map_node(node);
  }
  if (silu_count_ > 0) {
    warn(model_.file() + ": " + std::to_string(silu_count_) +
         " SiLU activation(s) (x * sigmoid(x)) mapped to hswish, the closest activation the "
         "hardware model has");
  }
  if (layers_.empty()) throw UserError(model_.file() + ": the model has no graph inputs to import");
  Network net;
  net.name = std::filesystem::path(model_.file()).stem().string();
  for (const Layer& l : layers_) net.add_layer(l);
  net.finalize();
  annotate_blocks(net);
  return net;
}

void Mapper::map_node(const onnx::NodeProto& node) {
  if (node.op_type() == "Constant") {
    for (int k = 0; k < node.output_size(); ++k) {
      Dims d;
      model_.dims(node.output(k), d);
      set_output(node, k, Value{Value::Kind::Constant, "", d});
    }
    return;
  }
  bool any_feature = false;
  for (const auto& in : node.input()) {
    const auto it = values_.find(in);
    any_feature = any_feature || (it != values_.end() && it->second.kind == Value::Kind::Feature);
  }
  if (!any_feature) {  // shape arithmetic on constants: no layer
    for (int k = 0; k < node.output_size(); ++k) {
      Dims d;
      model_.dims(node.output(k), d);
      set_output(node, k, Value{Value::Kind::Derived, "", d});
    }
    return;
  }
  const bool default_domain = node.domain().empty() || node.domain() == "ai.onnx";
  const auto it = op_table().find(node.op_type());
  if (!default_domain || it == op_table().end()) {
    unsupported(node, "unsupported operator");
  } else {
    it->second(*this, node);
  }
  for (int k = 0; k < node.output_size(); ++k) {  // unused extra outputs (Dropout mask, ...)
    if (!node.output(k).empty() && values_.count(node.output(k)) == 0) set_output(node, k, Value{});
  }
}

void Mapper::set_output(const onnx::NodeProto& node, int k, Value v) {
  if (k < node.output_size() && !node.output(k).empty()) values_[node.output(k)] = std::move(v);
}

bool Mapper::has_input(const onnx::NodeProto& node, int k) const {
  return k < node.input_size() && !node.input(k).empty();
}

const Value& Mapper::input(const onnx::NodeProto& node, int k) const {
  if (!has_input(node, k)) return kAbsent;
  const auto it = values_.find(node.input(k));
  if (it == values_.end()) fail(node, "input '" + node.input(k) + "' is not available");
  return it->second;
}

const Value& Mapper::feature(const onnx::NodeProto& node, int k) const {
  const Value& v = input(node, k);
  if (v.kind != Value::Kind::Feature) {
    fail(node, "input " + std::to_string(k) + " ('" + (has_input(node, k) ? node.input(k) : "") +
                   "') must be a tensor computed by the graph, not a constant");
  }
  return v;
}

bool Mapper::constant_input(const onnx::NodeProto& node, int k, std::vector<double>& out) const {
  return has_input(node, k) && model_.constant_values(node.input(k), out);
}

bool Mapper::integer_input(const onnx::NodeProto& node, int k, Dims& out) const {
  const DimsLookup own = [this](const std::string& tensor, Dims& dims) {
    const auto it = values_.find(tensor);
    if (it == values_.end() || it->second.kind != Value::Kind::Feature || it->second.dims.empty())
      return false;
    dims = it->second.dims;
    return true;
  };
  return has_input(node, k) && integer_values(model_, node.input(k), out, own);
}

Layer& Mapper::layer(const std::string& name) {
  return layers_.at(layer_index_.at(name));
}

const Shape& Mapper::shape_of(const Value& v) const {
  return layers_.at(layer_index_.at(v.layer)).out;
}

Layer Mapper::new_layer(const onnx::NodeProto& node, OpKind op,
                        std::vector<std::string> inputs) const {
  Layer l;
  l.name = node_names_.at(&node);
  l.op = op;
  l.inputs = std::move(inputs);
  l.origin = where(node);
  return l;
}

void Mapper::emit(const onnx::NodeProto& node, Layer layer) {
  emit_output(node, 0, std::move(layer));
}

void Mapper::emit_output(const onnx::NodeProto& node, int k, Layer layer) {
  if (k > 0) {
    // Node names are claimed up front (assign_names), so a later node's name is never taken.
    const auto taken = [this](const std::string& name) {
      if (layer_index_.count(name) != 0) return true;
      for (const auto& entry : node_names_) {
        if (entry.second == name) return true;
      }
      for (const auto& entry : input_names_) {
        if (entry.second == name) return true;
      }
      return false;
    };
    const std::string base = layer.name + "_" + std::to_string(k);
    layer.name = base;
    for (int n = 2; taken(layer.name); ++n) layer.name = base + "_" + std::to_string(n);
  }
  const bool window =
      layer.op == OpKind::Conv2d || layer.op == OpKind::MaxPool || layer.op == OpKind::AvgPool;
  for (int i = 0; i < node.input_size() && !window; ++i) {
    const auto it = values_.find(node.input(i));
    ACCELNAS_CHECK(it == values_.end() || !it->second.padded(),
                   "a Pad's pending padding reached a layer without a window");
  }
  std::vector<const Layer*> producers;
  for (const auto& in : layer.inputs) producers.push_back(&layers_.at(layer_index_.at(in)));
  infer_layer_shape(layer, producers);
  Dims d;
  if (model_.dims(node.output(k), d)) {
    if (!is_view(d, layer.out)) {
      fail(node, (k > 0 ? "output " + std::to_string(k) + " " : std::string()) + "imported as " +
                     op_name(layer.op) + " with output " + to_string(layer.out) +
                     ", but ONNX infers " + dims_text(d));
    }
  } else {
    d = nchw(layer.out, layer.op == OpKind::FullyConnected ? 2 : 4);
  }
  const std::string name = layer.name;
  layer_index_[name] = layers_.size();
  layers_.push_back(std::move(layer));
  set_output(node, k, Value{Value::Kind::Feature, name, d, uses(node.output(k)) == 1});
}

void Mapper::alias(const onnx::NodeProto& node, const Value& in, const Dims* dims) {
  Dims d;
  if (!model_.dims(node.output(0), d)) d = dims != nullptr ? *dims : in.dims;
  const Shape& s = shape_of(in);
  if (!is_view(d, s)) {
    return unsupported(node, "the result " + dims_text(d) + " changes the layout of the " +
                                 to_string(s) + " tensor");
  }
  const Value v{Value::Kind::Feature, in.layer, d, in.sole && uses(node.output(0)) == 1};
  set_output(node, 0, v);
}

void Mapper::pad(const onnx::NodeProto& node, const Value& in,
                 const std::array<std::int64_t, 4>& pad) {
  Value v = in;
  for (std::size_t k = 0; k < pad.size(); ++k) v.pad[k] += pad[k];
  const Shape& s = shape_of(in);
  const Dims padded{1, s.c, s.h + v.pad[0] + v.pad[2], s.w + v.pad[1] + v.pad[3]};
  Dims d;
  if (model_.dims(node.output(0), d) && d.size() == 4 && d[1] == s.c && d[2] >= 0 && d[3] >= 0 &&
      (d[2] != padded[2] || d[3] != padded[3])) {
    fail(node, "padded to " + dims_text(padded) + ", but ONNX infers " + dims_text(d));
  }
  v.dims = padded;
  v.dims[0] = in.dims.empty() ? 1 : in.dims[0];
  v.sole = in.sole && uses(node.output(0)) == 1;
  set_output(node, 0, std::move(v));
}

void Mapper::emit_pass(const onnx::NodeProto& node, const Value& in) {
  Layer l = new_layer(node, OpKind::AvgPool, {in.layer});
  emit(node, std::move(l));  // kernel 1x1, stride 1, no padding: same shape
}

void Mapper::unsupported(const onnx::NodeProto& node, const std::string& reason) {
  const std::string what = where(node) + ": " + reason;
  if (!options_.allow_unsupported)
    throw UserError(what + "; --allow-unsupported maps it to a vector-unit op");
  const Value* in = nullptr;
  for (const auto& name : node.input()) {
    const auto it = values_.find(name);
    if (in == nullptr && it != values_.end() && it->second.kind == Value::Kind::Feature)
      in = &it->second;
  }
  ACCELNAS_CHECK(in != nullptr, "unsupported(): node without graph-tensor input");
  if (in->padded()) {  // only a window can take a Pad's padding (Value::pad)
    throw UserError(what +
                    "; --allow-unsupported cannot stand in for it: its input comes "
                    "through a Pad whose padding only a Conv or pool window can take");
  }
  Dims d;
  Shape out;
  const Shape s = shape_of(*in);
  if (!model_.dims(node.output(0), d) || !to_hwc(d, out) || out == s) {
    warn(what + "; modelled as a 1x1 avgpool pass on the vector unit");
    return emit_pass(node, *in);
  }
  if (out.c != s.c) {
    throw UserError(what + "; --allow-unsupported cannot stand in for it: it changes the " +
                    to_string(s) + " tensor to " + to_string(out));
  }
  warn(what + "; modelled as a resize to " + to_string(out) + " on the vector unit");
  Layer l = new_layer(node, OpKind::Resize, {in->layer});
  l.out_h = out.h;
  l.out_w = out.w;
  emit(node, std::move(l));
}

std::string Mapper::where(const onnx::NodeProto& node) const {
  return model_.file() + ": node '" + node_names_.at(&node) + "' (op " + node.op_type() + ")";
}

void Mapper::fail(const onnx::NodeProto& node, const std::string& reason) const {
  throw UserError(where(node) + ": " + reason);
}

void Mapper::warn(const onnx::NodeProto& node, const std::string& message) const {
  warn(where(node) + ": " + message);
}

void Mapper::warn(const std::string& message) const {
  if (options_.warn) options_.warn(message);
}

}  // namespace accelnas::wl::onnx_detail
