// Elementwise operators, activations, BatchNormalization, Concat, Slice / Split along channels
// and the shape-only operators.
#include <limits>

#include "workloads/onnx/onnx_fusion.h"
#include "workloads/onnx/onnx_shape_eval.h"
#include "workloads/onnx/onnx_validate.h"

namespace accelnas::wl::onnx_detail {
namespace {

bool broadcasts_to(const Shape& small, const Shape& big) {
  return small.h == 1 && small.w == 1 && small.c == big.c;
}

// Add / Sub / Mul / Div. Two graph tensors: add or mul, the 1x1xC operand second. One constant:
// folded (onnx_fusion.h). x * Sigmoid(x) and x * HardSigmoid(x): hswish.
void map_binary(Mapper& m, const onnx::NodeProto& n, OpKind op) {
  std::string x;
  bool silu = false;
  if (m.swish(n, x, silu)) {
    if (silu) m.note_silu();
    return apply_activation(m, n, m.feature(n, n.input(0) == x ? 0 : 1), Activation::HSwish);
  }
  const Value& a = m.input(n, 0);
  const Value& b = m.input(n, 1);
  const bool fa = a.kind == Value::Kind::Feature, fb = b.kind == Value::Kind::Feature;
  if (!fa || !fb) return apply_constant_operand(m, n, fa ? a : b, op == OpKind::Add);
  const Shape sa = m.shape_of(a), sb = m.shape_of(b);
  std::vector<std::string> ins;
  if (sa == sb || broadcasts_to(sb, sa)) {
    ins = {a.layer, b.layer};
  } else if (broadcasts_to(sa, sb)) {
    ins = {b.layer, a.layer};
  } else {
    return m.unsupported(n, "broadcast between " + to_string(sa) + " and " + to_string(sb) +
                                " (only equal shapes or a 1x1xC operand)");
  }
  m.emit(n, m.new_layer(n, op, ins));
}

void map_add(Mapper& m, const onnx::NodeProto& n) {
  map_binary(m, n, OpKind::Add);
}
void map_mul(Mapper& m, const onnx::NodeProto& n) {
  map_binary(m, n, OpKind::Mul);
}

void map_relu(Mapper& m, const onnx::NodeProto& n) {
  apply_activation(m, n, m.feature(n, 0), Activation::Relu);
}

void map_sigmoid(Mapper& m, const onnx::NodeProto& n) {
  apply_activation(m, n, m.feature(n, 0), Activation::Sigmoid);
}

void map_hard_sigmoid(Mapper& m, const onnx::NodeProto& n) {
  apply_activation(m, n, m.feature(n, 0), Activation::HSigmoid);
}

void map_hard_swish(Mapper& m, const onnx::NodeProto& n) {
  apply_activation(m, n, m.feature(n, 0), Activation::HSwish);
}

// Clip bounds are attributes before opset 11 and optional constant inputs after.
void map_clip(Mapper& m, const onnx::NodeProto& n) {
  const Value& x = m.feature(n, 0);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double bound[2] = {-kInf, kInf};
  const char* names[2] = {"min", "max"};
  for (int k = 0; k < 2; ++k) {
    std::vector<double> v;
    if (has_attr(n, names[k])) {
      bound[k] = attr_float(n, names[k], 0.0f);
    } else if (m.has_input(n, k + 1)) {
      if (!m.constant_input(n, k + 1, v) || v.size() != 1)
        return m.unsupported(n, std::string("a ") + names[k] + " bound that is not a constant");
      bound[k] = v[0];
    }
  }
  const bool unbounded = bound[1] >= static_cast<double>(std::numeric_limits<float>::max());
  if (bound[0] == 0 && bound[1] == 6) return apply_activation(m, n, x, Activation::Relu6);
  if (bound[0] == 0 && unbounded) return apply_activation(m, n, x, Activation::Relu);
  m.unsupported(n, "clip to [" + std::to_string(bound[0]) + ", " + std::to_string(bound[1]) +
                       "] (only relu [0, inf) and relu6 [0, 6])");
}

void map_batchnorm(Mapper& m, const onnx::NodeProto& n) {
  apply_batchnorm(m, n, m.feature(n, 0));
}

void map_concat(Mapper& m, const onnx::NodeProto& n) {
  std::vector<std::string> ins;
  for (int k = 0; k < n.input_size(); ++k) {
    const Value& v = m.input(n, k);
    if (v.kind != Value::Kind::Feature)
      return m.unsupported(n, "concatenation of a graph tensor with a constant");
    ins.push_back(v.layer);
  }
  const Value& first = m.feature(n, 0);
  const auto rank = static_cast<std::int64_t>(first.dims.size());
  std::int64_t axis = attr_int(n, "axis", 1);
  if (axis < 0) axis += rank;
  if (axis != 1 || (rank != 4 && rank != 2)) {
    return m.unsupported(n, "concatenation along axis " + std::to_string(axis) + " of a rank-" +
                                std::to_string(rank) + " tensor (only channels)");
  }
  if (ins.size() == 1) return m.alias(n, first);
  m.emit(n, m.new_layer(n, OpKind::Concat, ins));
}

std::string list_text(const Dims& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : ", ") + std::to_string(x);
  return "[" + s + "]";
}

const char* kNchwAxis[] = {"batch", "channels", "height", "width"};

// Slice of an NCHW tensor along channels (axis 1, step 1): a channel_slice layer, or no layer
// when it keeps every channel. Bounds are attributes before opset 10 and inputs (constants or
// shape arithmetic, as PyTorch's chunk exports them) after. An entry for another axis is allowed
// when it keeps that whole axis.
void map_slice(Mapper& m, const onnx::NodeProto& n) {
  const Value& x = m.feature(n, 0);
  const Dims& dims = x.dims;
  if (dims.size() != 4) {
    return m.unsupported(n, "slice of a rank-" + std::to_string(dims.size()) + " tensor " +
                                dims_text(dims) + " (only NCHW along channels)");
  }
  Dims starts, ends, axes, steps;
  if (m.model().opset() < 10) {
    starts = attr_ints(n, "starts", {});
    ends = attr_ints(n, "ends", {});
    axes = attr_ints(n, "axes", {});
  } else {
    if (!m.integer_input(n, 1, starts) || !m.integer_input(n, 2, ends))
      return m.unsupported(n, "starts or ends that are not constants (nor shape arithmetic)");
    if (m.has_input(n, 3) && !m.integer_input(n, 3, axes))
      return m.unsupported(n, "axes that are not constants");
    if (m.has_input(n, 4) && !m.integer_input(n, 4, steps))
      return m.unsupported(n, "steps that are not constants");
  }
  if (axes.empty()) {
    for (std::size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<std::int64_t>(k));
  }
  if (starts.empty() || ends.size() != starts.size() || axes.size() != starts.size() ||
      (!steps.empty() && steps.size() != starts.size())) {
    m.fail(n, "starts " + list_text(starts) + ", ends " + list_text(ends) + ", axes " +
                  list_text(axes) + " and steps " + list_text(steps) + " differ in length");
  }
  std::int64_t begin = 0, end = dims[1];
  for (std::size_t k = 0; k < axes.size(); ++k) {
    const std::int64_t axis = axes[k] < 0 ? axes[k] + 4 : axes[k];
    if (axis < 0 || axis >= 4)
      m.fail(n, "axis " + std::to_string(axes[k]) + " is out of range for a rank-4 tensor");
    const std::int64_t step = steps.empty() ? 1 : steps[k];
    std::int64_t b = 0, e = 0;
    clamp_slice(starts[k], ends[k], dims[static_cast<std::size_t>(axis)], b, e);
    const std::string what =
        "axis " + std::to_string(axis) + " (" + kNchwAxis[static_cast<std::size_t>(axis)] + ")";
    if (step != 1) {
      return m.unsupported(
          n, "step " + std::to_string(step) + " along " + what + " (only step 1 along channels)");
    }
    if (axis == 1) {
      begin = b;
      end = e;
    } else if (b != 0 || e != dims[static_cast<std::size_t>(axis)]) {
      return m.unsupported(n, "slice [" + std::to_string(b) + ", " + std::to_string(e) +
                                  ") along " + what + " of a " + dims_text(dims) +
                                  " tensor (only along channels, axis 1)");
    }
  }
  if (begin >= end) {
    return m.unsupported(n, "empty channel range [" + std::to_string(begin) + ", " +
                                std::to_string(end) + ") of " + std::to_string(dims[1]) +
                                " channels");
  }
  if (begin == 0 && end == dims[1]) return m.alias(n, x);
  Layer l = m.new_layer(n, OpKind::ChannelSlice, {x.layer});
  l.slice_begin = begin;
  l.slice_end = end;
  m.emit(n, std::move(l));
}

// Split of an NCHW tensor along channels: one channel_slice layer per used output. Sizes come
// from input 1 (opset 13+), the `split` attribute (before) or equal parts.
void map_split(Mapper& m, const onnx::NodeProto& n) {
  const Value& x = m.feature(n, 0);
  const Dims& dims = x.dims;
  const auto rank = static_cast<std::int64_t>(dims.size());
  std::int64_t axis = attr_int(n, "axis", 0);
  if (axis < 0) axis += rank;
  if (rank != 4 || axis != 1) {
    return m.unsupported(n, "split along axis " + std::to_string(axis) + " of a " +
                                dims_text(dims) + " tensor (only NCHW along channels, axis 1)");
  }
  const std::int64_t channels = dims[1];
  const auto parts = static_cast<std::int64_t>(n.output_size());
  Dims sizes;
  if (m.model().opset() >= 13) {
    if (m.has_input(n, 1) && !m.integer_input(n, 1, sizes))
      return m.unsupported(n, "split sizes that are not constants");
  } else {
    sizes = attr_ints(n, "split", {});
  }
  if (sizes.empty()) {
    if (parts < 1 || channels % parts != 0) {
      return m.unsupported(n, std::to_string(channels) + " channels do not split into " +
                                  std::to_string(parts) + " equal parts");
    }
    sizes.assign(static_cast<std::size_t>(parts), channels / parts);
  }
  std::int64_t total = 0;  // stops counting at the first size out of range
  bool in_range = true;
  for (auto s : sizes) {
    in_range = in_range && s >= 0 && s <= channels - total;
    if (in_range) total += s;
  }
  if (static_cast<std::int64_t>(sizes.size()) != parts || !in_range || total != channels) {
    m.fail(n, "split sizes " + list_text(sizes) + " do not cut " + std::to_string(channels) +
                  " channels into the node's " + std::to_string(parts) + " outputs");
  }
  for (auto s : sizes) {
    if (s < 1) return m.unsupported(n, "an empty part in split sizes " + list_text(sizes));
  }
  if (parts == 1) return m.alias(n, x);
  std::int64_t begin = 0;
  for (int k = 0; k < n.output_size(); ++k) {
    const std::int64_t end = begin + sizes[static_cast<std::size_t>(k)];
    if (!n.output(k).empty() && m.uses(n.output(k)) > 0) {
      Layer l = m.new_layer(n, OpKind::ChannelSlice, {x.layer});
      l.slice_begin = begin;
      l.slice_end = end;
      m.emit_output(n, k, std::move(l));
    }
    begin = end;
  }
}

// Flatten, Reshape, Squeeze, Unsqueeze, Identity, Dropout (inference), Cast: no layer.
void map_view(Mapper& m, const onnx::NodeProto& n) {
  m.alias(n, m.feature(n, 0));
}

// The dims a Reshape gives `in` when its shape input is computable (0 copies the input's
// dimension unless allowzero, -1 takes what is left); empty when not.
Dims reshaped_dims(Mapper& m, const onnx::NodeProto& n, const Value& in) {
  Dims shape;
  std::int64_t elements = 0, known = 1, infer = -1;
  if (in.dims.empty() || !element_count(in.dims, elements) || !m.integer_input(n, 1, shape))
    return {};
  const bool allow_zero = attr_int(n, "allowzero", 0) != 0;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] == 0 && !allow_zero) {
      if (k >= in.dims.size()) return {};
      shape[k] = in.dims[k];
    }
    if (shape[k] == -1) {
      if (infer >= 0) return {};
      infer = static_cast<std::int64_t>(k);
      continue;
    }
    if (shape[k] < 0) return {};
    if (__builtin_mul_overflow(known, shape[k], &known) || known > kMaxElements)
      m.fail(n, "the target shape " + dims_text(shape) + " has over 2^40 elements");
  }
  if (infer >= 0) {
    if (known == 0 || elements % known != 0) return {};
    shape[static_cast<std::size_t>(infer)] = elements / known;
  }
  return shape;
}

// Reshape: a view. When ONNX could not infer the result (a shape computed from a dynamic
// batch), the shape input is evaluated as shape arithmetic over the importer's own shapes.
void map_reshape(Mapper& m, const onnx::NodeProto& n) {
  const Value& x = m.feature(n, 0);
  const Dims d = reshaped_dims(m, n, x);
  m.alias(n, x, d.empty() ? nullptr : &d);
}

// Transpose: the identity permutation adds no layer. Swapping the two channel factors of an
// [N, g, C/g, H, W] view (a channel shuffle: Reshape, Transpose, Reshape) permutes channels;
// any other permutation moves data between H, W and C and is unsupported.
void map_transpose(Mapper& m, const onnx::NodeProto& n) {
  const Value& x = m.feature(n, 0);
  Dims identity;
  for (std::size_t k = 0; k < x.dims.size(); ++k) identity.push_back(static_cast<std::int64_t>(k));
  const Dims perm = attr_ints(n, "perm", Dims(identity.rbegin(), identity.rend()));
  if (!identity.empty() && perm == identity) return m.alias(n, x);
  if (perm == Dims{0, 2, 1, 3, 4} && is_view(x.dims, m.shape_of(x)))
    return apply_channel_permutation(m, n, x);
  std::string text;
  for (auto p : perm) text += (text.empty() ? "" : ", ") + std::to_string(p);
  m.unsupported(n, "permutation [" + text + "] of a " + dims_text(x.dims) +
                       " tensor (only a channel shuffle: [0, 2, 1, 3, 4] of [N, g, C/g, H, W])");
}

// Shape, Size: the result is known statically and feeds shape arithmetic only.
void map_shape_query(Mapper&, const onnx::NodeProto&) {}

// Softmax over the class vector: one pass on the vector unit.
void map_softmax(Mapper& m, const onnx::NodeProto& n) {
  m.emit_pass(n, m.feature(n, 0));
}

}  // namespace

void add_tensor_ops(OpTable& t) {
  t["Add"] = t["Sub"] = map_add;
  t["Mul"] = t["Div"] = map_mul;
  t["Relu"] = map_relu;
  t["Clip"] = map_clip;
  t["Sigmoid"] = map_sigmoid;
  t["HardSigmoid"] = map_hard_sigmoid;
  t["HardSwish"] = map_hard_swish;
  t["BatchNormalization"] = map_batchnorm;
  t["Concat"] = map_concat;
  t["Slice"] = map_slice;
  t["Split"] = map_split;
  for (const char* op : {"Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Cast"})
    t[op] = map_view;
  t["Reshape"] = map_reshape;
  t["Transpose"] = map_transpose;
  t["Shape"] = t["Size"] = map_shape_query;
  t["Softmax"] = t["LogSoftmax"] = map_softmax;
}

}  // namespace accelnas::wl::onnx_detail
