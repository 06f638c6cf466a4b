#include "workloads/onnx/onnx_model.h"

#include <onnx/shape_inference/implementation.h>

#include <climits>
#include <cstring>
#include <set>
#include <sstream>

#include "workloads/config/error.h"
#include "workloads/config/suggest.h"
#include "workloads/onnx/onnx_validate.h"

namespace accelnas::wl::onnx_detail {
namespace {

// Constants larger than this are weights: nobody needs their values.
constexpr std::int64_t kMaxDecodedElements = std::int64_t{1} << 16;

// Far past any released ONNX opset; libonnx uses its newest schemas for anything newer.
constexpr std::int64_t kMaxOpset = 1000;

std::string first_line(const std::string& s) {
  const auto end = s.find('\n');
  return end == std::string::npos ? s : s.substr(0, end);
}

std::string dim_text(const onnx::TensorShapeProto::Dimension& d) {
  if (d.has_dim_value()) return std::to_string(d.dim_value());
  return d.has_dim_param() && !d.dim_param().empty() ? d.dim_param() : "?";
}

std::string shape_text(const onnx::TensorShapeProto& shape) {
  std::string s;
  for (const auto& d : shape.dim()) s += (s.empty() ? "" : ", ") + dim_text(d);
  return "[" + s + "]";
}

// Copies `n` little-endian values of type T from raw bytes.
template <class T>
bool from_raw(const std::string& raw, std::int64_t n, std::vector<double>& out) {
  if (raw.size() != static_cast<std::size_t>(n) * sizeof(T)) return false;
  out.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * static_cast<std::int64_t>(sizeof(T)), sizeof(T));
    out[static_cast<std::size_t>(i)] = static_cast<double>(v);
  }
  return true;
}

template <class Field>
bool from_field(const Field& field, std::int64_t n, std::vector<double>& out) {
  if (field.size() != n) return false;
  out.assign(field.begin(), field.end());
  return true;
}

bool decode(const onnx::TensorProto& t, std::vector<double>& out) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL) return false;
  std::int64_t n = 0;
  if (!element_count(t.dims(), n) || n > kMaxDecodedElements) return false;
  const bool raw = t.has_raw_data();
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      return raw ? from_raw<float>(t.raw_data(), n, out) : from_field(t.float_data(), n, out);
    case onnx::TensorProto::DOUBLE:
      return raw ? from_raw<double>(t.raw_data(), n, out) : from_field(t.double_data(), n, out);
    case onnx::TensorProto::INT64:
      return raw ? from_raw<std::int64_t>(t.raw_data(), n, out)
                 : from_field(t.int64_data(), n, out);
    case onnx::TensorProto::INT32:
      return raw ? from_raw<std::int32_t>(t.raw_data(), n, out)
                 : from_field(t.int32_data(), n, out);
    default:
      return false;
  }
}

// A Constant node's value as a tensor (value, value_float(s), value_int(s)).
bool constant_tensor(const onnx::NodeProto& node, onnx::TensorProto& out) {
  for (const auto& a : node.attribute()) {
    if (a.name() == "value") {
      out = a.t();
    } else if (a.name() == "value_float") {
      out.set_data_type(onnx::TensorProto::FLOAT);
      out.add_float_data(a.f());
    } else if (a.name() == "value_floats") {
      out.set_data_type(onnx::TensorProto::FLOAT);
      out.add_dims(a.floats_size());
      for (float f : a.floats()) out.add_float_data(f);
    } else if (a.name() == "value_int") {
      out.set_data_type(onnx::TensorProto::INT64);
      out.add_int64_data(a.i());
    } else if (a.name() == "value_ints") {
      out.set_data_type(onnx::TensorProto::INT64);
      out.add_dims(a.ints_size());
      for (auto i : a.ints()) out.add_int64_data(i);
    } else {
      continue;
    }
    return true;
  }
  return false;
}

}  // namespace

std::string dims_text(const Dims& dims) {
  std::string s;
  for (auto d : dims) s += (s.empty() ? "" : ", ") + (d < 0 ? std::string("?") : std::to_string(d));
  return "[" + s + "]";
}

OnnxModel::OnnxModel(const std::string& file, std::string_view bytes,
                     const std::vector<InputShape>& input_shapes,
                     const std::function<void(const std::string&)>& warn)
    : file_(file) {
  parse(bytes);
  // libonnx's shape inference trusts the graph: check it first.
  check_and_sort_nodes(file_, *model_.mutable_graph(), opset_);
  check_tensor_sizes(file_, model_.graph());
  apply_input_shapes(input_shapes, warn);
  check_kernel_shapes(file_, *model_.mutable_graph());
  infer_shapes();
  index_tensors();
}

void OnnxModel::parse(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX) ||
      !model_.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw UserError(file_ +
                    ": not a valid ONNX model (protobuf parse failed: truncated or corrupt?)");
  }
  if (!model_.has_graph() || model_.graph().node_size() == 0) {
    throw UserError(file_ + ": not a valid ONNX model (no graph nodes: empty or truncated file?)");
  }
  std::int64_t opset = 0;
  for (const auto& op : model_.opset_import()) {
    if (op.domain().empty() || op.domain() == "ai.onnx") opset = op.version();
  }
  if (opset == 0) throw UserError(file_ + ": not a valid ONNX model (no opset_import for ai.onnx)");
  if (opset < 1 || opset > kMaxOpset) {
    throw UserError(file_ + ": not a valid ONNX model (opset " + std::to_string(opset) +
                    " of ai.onnx)");
  }
  opset_ = static_cast<int>(opset);
}

void OnnxModel::apply_input_shapes(const std::vector<InputShape>& shapes,
                                   const std::function<void(const std::string&)>& warn) {
  std::set<std::string> initializers;
  for (const auto& t : model_.graph().initializer()) initializers.insert(t.name());
  onnx::GraphProto* g = model_.mutable_graph();
  std::vector<onnx::ValueInfoProto*> inputs;
  for (auto& in : *g->mutable_input()) {
    if (initializers.count(in.name()) == 0) inputs.push_back(&in);
  }
  bool changed = false;
  for (const InputShape& s : shapes) {
    onnx::ValueInfoProto* target = nullptr;
    std::vector<std::string> names;
    for (auto* in : inputs) {
      names.push_back(in->name());
      if (in->name() == s.name || (s.name.empty() && inputs.size() == 1)) target = in;
    }
    if (target == nullptr) {
      if (s.name.empty()) {
        throw UserError("--input-shape: " + file_ + " has " + std::to_string(inputs.size()) +
                        " inputs; name one as NAME=HxWxC (inputs: " + join(names, ", ") + ")");
      }
      throw UserError("--input-shape: " + file_ + " has no input '" + s.name + "'" +
                      suggestion_suffix(s.name, names) + " (inputs: " + join(names, ", ") + ")");
    }
    auto* shape = target->mutable_type()->mutable_tensor_type()->mutable_shape();
    if (shape->dim_size() != 0 && shape->dim_size() != static_cast<int>(s.dims.size())) {
      throw UserError("--input-shape: input '" + target->name() + "' of " + file_ + " has rank " +
                      std::to_string(shape->dim_size()) + " " + shape_text(*shape) + ", got " +
                      std::to_string(s.dims.size()) + " dimensions");
    }
    for (int k = 1; k < shape->dim_size(); ++k) {  // fixed dims other than the batch must agree
      const auto& d = shape->dim(k);
      if (d.has_dim_value() && d.dim_value() > 0 && d.dim_value() != s.dims[k]) {
        throw UserError("--input-shape: input '" + target->name() + "' of " + file_ + " is " +
                        shape_text(*shape) + ": dimension " + std::to_string(k) + " is fixed at " +
                        std::to_string(d.dim_value()) + ", got " + std::to_string(s.dims[k]));
      }
    }
    shape->clear_dim();
    for (auto d : s.dims) shape->add_dim()->set_dim_value(d);
    changed = true;
  }
  for (auto* in : inputs) {
    const auto& type = in->type();
    if (!type.has_tensor_type() || !type.tensor_type().has_shape()) {
      throw UserError(file_ + ": input '" + in->name() +
                      "' has no shape; give it with --input-shape " + in->name() + "=HxWxC");
    }
    auto* shape = in->mutable_type()->mutable_tensor_type()->mutable_shape();
    const std::string original = shape_text(*shape);
    for (int k = 0; k < shape->dim_size(); ++k) {
      auto* d = shape->mutable_dim(k);
      if (d->has_dim_value() && d->dim_value() > 0) continue;
      if (k == 0 && shape->dim_size() >= 2) {  // a dynamic batch: one image
        d->set_dim_value(1);
        changed = true;
        continue;
      }
      const std::string c = shape->dim_size() == 4 && shape->dim(1).has_dim_value()
                                ? std::to_string(shape->dim(1).dim_value())
                                : "C";
      throw UserError(file_ + ": input '" + in->name() + "' has a dynamic shape " + original +
                      "; give it with --input-shape " + in->name() + "=HxWxC (e.g. " + in->name() +
                      "=224x224x" + c + ") to accelnas import");
    }
    check_input_size(file_, *in);
    if (shape->dim_size() >= 2 && shape->dim(0).dim_value() > 1 && warn) {
      warn(file_ + ": input '" + in->name() + "' has batch " +
           std::to_string(shape->dim(0).dim_value()) +
           "; imported per image (simulate with --batch to run several)");
    }
  }
  if (changed) {  // stale shapes from the exporter would conflict with the new ones
    g->clear_value_info();
    for (auto& out : *g->mutable_output()) {
      if (out.type().has_tensor_type()) out.mutable_type()->mutable_tensor_type()->clear_shape();
    }
  }
}

void OnnxModel::infer_shapes() {
  try {
    onnx::ShapeInferenceOptions options(/*check_type=*/false, /*error_mode=*/0,
                                        /*enable_data_propagation=*/true);
    onnx::shape_inference::InferShapes(model_, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    throw UserError(file_ + ": ONNX shape inference failed: " + first_line(e.what()));
  }
}

void OnnxModel::index_tensors() {
  const onnx::GraphProto& g = model_.graph();
  for (const auto& t : g.initializer()) constants_[t.name()] = &t;
  inputs_.clear();
  for (const auto& in : g.input()) {
    if (constants_.count(in.name()) == 0) inputs_.push_back(&in);
  }
  std::map<std::string, const onnx::NodeProto*> producer;
  for (const auto& node : g.node()) {
    for (const auto& out : node.output()) producer[out] = &node;
  }
  // Shapes from the file or from shape inference (which multiplies dims without bounds): a
  // tensor over kMaxElements is an error naming the node that computes it.
  auto record = [&](const onnx::ValueInfoProto& v) {
    if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
    Dims dims;
    for (const auto& d : v.type().tensor_type().shape().dim()) {
      if (!d.has_dim_value() || d.dim_value() < 0) return;
      dims.push_back(d.dim_value());
    }
    std::int64_t n = 0;
    if (!element_count(dims, n)) {
      const auto it = producer.find(v.name());
      const std::string at = it == producer.end() ? file_
                                                  : file_ + ": node '" + it->second->name() +
                                                        "' (op " + it->second->op_type() + ")";
      throw UserError(at + ": tensor '" + v.name() + "' of shape " + dims_text(dims) +
                      " has over 2^40 elements");
    }
    dims_[v.name()] = dims;
  };
  for (const auto& v : g.input()) record(v);
  for (const auto& v : g.value_info()) record(v);
  for (const auto& v : g.output()) record(v);
  for (const auto& t : g.initializer()) dims_[t.name()] = Dims(t.dims().begin(), t.dims().end());

  for (const auto& node : g.node()) {
    if (node.op_type() != "Constant" || node.output_size() != 1) continue;
    onnx::TensorProto t;
    if (!constant_tensor(node, t)) continue;
    owned_.push_back(std::move(t));
    constants_[node.output(0)] = &owned_.back();
    dims_[node.output(0)] = Dims(owned_.back().dims().begin(), owned_.back().dims().end());
  }
}

bool OnnxModel::dims(const std::string& tensor, Dims& out) const {
  const auto it = dims_.find(tensor);
  if (it == dims_.end()) return false;
  out = it->second;
  return true;
}

bool OnnxModel::is_constant(const std::string& tensor) const {
  return constants_.count(tensor) != 0;
}

bool OnnxModel::constant_values(const std::string& tensor, std::vector<double>& out) const {
  const auto it = constants_.find(tensor);
  return it != constants_.end() && decode(*it->second, out);
}

}  // namespace accelnas::wl::onnx_detail
