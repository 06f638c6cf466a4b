// Operators that become layers with windows or weights: Conv, Gemm, MatMul, the pools, Resize.
#include <algorithm>
#include <cmath>

#include "workloads/onnx/onnx_mapper.h"
#include "workloads/shape_inference.h"

namespace accelnas::wl::onnx_detail {
namespace {

std::string pair_text(const Dims& d) {
  return std::to_string(d[0]) + "x" + std::to_string(d[1]);
}

// Strides, pads (auto_pad or explicit), dilations and ceil_mode of a 2-D window over input `x`,
// set on `l` so that our explicit padding gives ONNX's output size. The zero padding of a Pad
// node before the window (x.pad) is added to the window's own. A dilation keeps the kernel size
// (and so the MACs) with the padding reduced by the dilation's extra reach. False when the node
// went to Mapper::unsupported().
bool set_window(Mapper& m, const onnx::NodeProto& n, Layer& l, const Value& x, const Dims& k) {
  const Shape& in = m.shape_of(x);
  const Dims strides = attr_ints(n, "strides", {1, 1});
  const Dims dilations = attr_ints(n, "dilations", {1, 1});
  Dims pads = attr_ints(n, "pads", {0, 0, 0, 0});
  if (k.size() != 2 || strides.size() != 2 || dilations.size() != 2 || pads.size() != 4) {
    m.unsupported(n, "only 2-D windows are supported");
    return false;
  }
  for (const Dims* v : {&k, &strides, &dilations}) {
    if ((*v)[0] < 1 || (*v)[1] < 1 || (*v)[0] > kMaxDim || (*v)[1] > kMaxDim)
      m.fail(n, "kernel, strides and dilations must be from 1 to " + std::to_string(kMaxDim));
  }
  const std::string auto_pad = attr_string(n, "auto_pad", "NOTSET");
  // ONNX sees the input after the Pad node: auto_pad and ceil_mode work on that extent.
  const std::int64_t extent[2] = {in.h + x.pad[0] + x.pad[2], in.w + x.pad[1] + x.pad[3]};
  Dims onnx_out;
  const bool known_out = m.model().dims(n.output(0), onnx_out) && onnx_out.size() == 4;
  for (int a = 0; a < 2; ++a) {
    const std::int64_t reach = dilations[a] * (k[a] - 1) + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const std::int64_t out = (extent[a] + strides[a] - 1) / strides[a];
      const std::int64_t total =
          std::max<std::int64_t>((out - 1) * strides[a] + reach - extent[a], 0);
      const std::int64_t small = total / 2;
      pads[a] = auto_pad == "SAME_UPPER" ? small : total - small;
      pads[a + 2] = total - pads[a];
    } else if (auto_pad == "VALID") {
      pads[a] = pads[a + 2] = 0;
    } else if (auto_pad != "NOTSET") {
      m.fail(n, "unknown auto_pad '" + auto_pad + "'");
    }
    // ceil_mode: one more window when a partial one starts inside the input. ONNX's own
    // output size, when shape inference gives it, has the last word.
    std::int64_t out = (extent[a] + pads[a] + pads[a + 2] - reach) / strides[a] + 1;
    if (attr_int(n, "ceil_mode", 0) != 0) {
      const std::int64_t span = extent[a] + pads[a] + pads[a + 2] - reach;
      out = (span + strides[a] - 1) / strides[a] + 1;
      if ((out - 1) * strides[a] >= extent[a] + pads[a]) --out;
    }
    if (known_out && onnx_out[2 + a] <= kMaxDim) out = std::max(out, onnx_out[2 + a]);
    pads[a + 2] = std::max(pads[a + 2], (out - 1) * strides[a] + reach - extent[a] - pads[a]);
    pads[a] += x.pad[a];  // from here on, around the unpadded input
    pads[a + 2] += x.pad[a + 2];
    std::int64_t excess = reach - k[a];  // taken off the padding, end side first
    const std::int64_t from_end = std::min(excess, pads[a + 2]);
    pads[a + 2] -= from_end;
    excess -= from_end;
    pads[a] -= excess;
    if (pads[a] < 0) {
      m.unsupported(n, "dilation " + pair_text(dilations) + " with less padding than its reach");
      return false;
    }
    if (pads[a] > kMaxDim || pads[a + 2] > kMaxDim)
      m.fail(n, "padding " + pair_text({pads[a], pads[a + 2]}) + " is over " +
                    std::to_string(kMaxDim));
  }
  if (dilations[0] != 1 || dilations[1] != 1) {
    m.warn(n, "dilation " + pair_text(dilations) + " modelled as a dense " + pair_text(k) +
                  " window (same MACs)");
  }
  l.kernel_h = static_cast<int>(k[0]);
  l.kernel_w = static_cast<int>(k[1]);
  l.stride_h = static_cast<int>(strides[0]);
  l.stride_w = static_cast<int>(strides[1]);
  l.same_padding = false;
  l.padding = Padding{static_cast<int>(pads[0]), static_cast<int>(pads[1]),
                      static_cast<int>(pads[2]), static_cast<int>(pads[3])};
  return true;
}

// Weights of input k: constant (or at least of known shape) with `rank` dims.
Dims weight_dims(Mapper& m, const onnx::NodeProto& n, int k, std::size_t rank) {
  const Value& w = m.input(n, k);
  Dims d;
  if (w.kind == Value::Kind::Feature) {
    m.unsupported(n, "weights computed by the graph (only constant weights are supported)");
    return {};
  }
  if (!m.model().dims(n.input(k), d))
    m.fail(n, "the weights '" + n.input(k) + "' have no known shape");
  if (d.size() != rank) {
    m.unsupported(n, "weights of rank " + std::to_string(d.size()) + " (expected " +
                         std::to_string(rank) + ")");
    return {};
  }
  return d;
}

// A 1x1 conv over a pooled vector (after global_avgpool or fully_connected: a squeeze-excite's
// reduce and expand) is the matrix-vector product of a fully_connected layer, as the zoo writes
// it. Convs over maps that are merely 1x1 at a small resolution stay conv2d.
bool is_vector_product(Mapper& m, const onnx::NodeProto& n, const Value& x, const Dims& w) {
  const Shape& in = m.shape_of(x);
  const OpKind producer = m.layer(x.layer).op;
  const Dims pads = attr_ints(n, "pads", {0, 0, 0, 0});
  return in.h == 1 && in.w == 1 && w[2] == 1 && w[3] == 1 && attr_int(n, "group", 1) == 1 &&
         (producer == OpKind::GlobalAvgPool || producer == OpKind::FullyConnected) && !x.padded() &&
         std::all_of(pads.begin(), pads.end(), [](std::int64_t p) { return p == 0; });
}

void map_conv(Mapper& m, const onnx::NodeProto& n) {
  const Value& x = m.feature(n, 0);
  const Dims w = weight_dims(m, n, 1, 4);  // [M, C/group, kH, kW]
  if (w.empty()) return;
  const bool vector = is_vector_product(m, n, x, w);
  Layer l = m.new_layer(n, vector ? OpKind::FullyConnected : OpKind::Conv2d, {x.layer});
  l.out_channels = w[0];
  l.epilogue.bias = m.has_input(n, 2);
  if (!vector) {
    l.groups = static_cast<int>(attr_int(n, "group", 1));
    if (!set_window(m, n, l, x, attr_ints(n, "kernel_shape", {w[2], w[3]}))) return;
  }
  m.emit(n, std::move(l));
}

// Gemm / MatMul with constant B: fully_connected over the flattened input.
void map_matmul(Mapper& m, const onnx::NodeProto& n, bool trans_b, bool bias) {
  const Value& x = m.feature(n, 0);
  const Dims w = weight_dims(m, n, 1, 2);
  if (w.empty()) return;
  const std::int64_t k = trans_b ? w[1] : w[0];
  const std::int64_t out = trans_b ? w[0] : w[1];
  const std::int64_t elements = m.shape_of(x).elements();
  if (k != elements) {
    return m.unsupported(n, "a product over " + std::to_string(k) + " of the input's " +
                                std::to_string(elements) + " elements per image");
  }
  Layer l = m.new_layer(n, OpKind::FullyConnected, {x.layer});
  l.out_channels = out;
  l.epilogue.bias = bias;
  m.emit(n, std::move(l));
}

void map_gemm(Mapper& m, const onnx::NodeProto& n) {
  if (attr_int(n, "transA", 0) != 0) return m.unsupported(n, "transA = 1");
  map_matmul(m, n, attr_int(n, "transB", 0) != 0, m.has_input(n, 2));
}

void map_matmul_op(Mapper& m, const onnx::NodeProto& n) {
  map_matmul(m, n, false, false);
}

void map_pool(Mapper& m, const onnx::NodeProto& n, OpKind op) {
  const Value& x = m.feature(n, 0);
  if (!has_attr(n, "kernel_shape")) m.fail(n, "missing kernel_shape");
  Layer l = m.new_layer(n, op, {x.layer});
  if (set_window(m, n, l, x, attr_ints(n, "kernel_shape", {}))) m.emit(n, std::move(l));
}

void map_maxpool(Mapper& m, const onnx::NodeProto& n) {
  map_pool(m, n, OpKind::MaxPool);
}
void map_avgpool(Mapper& m, const onnx::NodeProto& n) {
  map_pool(m, n, OpKind::AvgPool);
}

// Pad around H and W whose every consumer is a Conv, MaxPool or AveragePool window (PyTorch
// exports AvgPool2d and explicit F.pad this way): no layer, the windows take the padding as
// their own (Value::pad). The hardware pads with zeros as it reads; another mode or value costs
// the same cycles and traffic, so it is modelled the same way with a warning.
void map_pad(Mapper& m, const onnx::NodeProto& n) {
  const Value& x = m.feature(n, 0);
  const auto rank = static_cast<std::int64_t>(x.dims.size());
  if (rank != 4) return m.unsupported(n, "padding of a rank-" + std::to_string(rank) + " tensor");
  Dims pads;  // opset < 11: an attribute; after: a constant or shape arithmetic
  if (has_attr(n, "pads")) {
    pads = attr_ints(n, "pads", {});
  } else if (!m.integer_input(n, 1, pads)) {
    return m.unsupported(n, "pads that are neither a constant nor shape arithmetic");
  }
  Dims axes{0, 1, 2, 3};
  if (m.has_input(n, 3)) {  // opset 18: the axes the pads apply to
    if (!m.integer_input(n, 3, axes))
      return m.unsupported(n, "axes that are neither a constant nor shape arithmetic");
    for (auto& a : axes) a = a < 0 ? a + rank : a;
  }
  if (pads.size() != 2 * axes.size()) {
    m.fail(n, std::to_string(pads.size()) + " pads for " + std::to_string(axes.size()) +
                  " axes (expected two per axis)");
  }
  std::array<std::int64_t, 4> add{};  // top, left, bottom, right
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const std::int64_t begin = pads[i], end = pads[i + axes.size()];
    if (begin < 0 || end < 0) return m.unsupported(n, "negative pads (cropping)");
    if (begin > kMaxDim || end > kMaxDim)
      m.fail(n, "pads " + dims_text(pads) + " are over " + std::to_string(kMaxDim));
    if (axes[i] == 2 || axes[i] == 3) {
      add[static_cast<std::size_t>(axes[i] - 2)] += begin;
      add[static_cast<std::size_t>(axes[i])] += end;
    } else if (axes[i] < 0 || axes[i] >= rank) {
      m.fail(n, "axis " + std::to_string(axes[i]) + " of a rank-4 tensor");
    } else if (begin != 0 || end != 0) {
      return m.unsupported(n, "padding of the batch or channel axis");
    }
  }
  if (add == std::array<std::int64_t, 4>{}) return m.alias(n, x);
  if (m.uses(n.output(0)) != static_cast<int>(m.consumers(n.output(0)).size()))
    return m.unsupported(n, "a padded graph output");
  for (const onnx::NodeProto* c : m.consumers(n.output(0))) {
    const std::string& op = c->op_type();
    if ((op != "Conv" && op != "MaxPool" && op != "AveragePool") || c->input(0) != n.output(0)) {
      return m.unsupported(n, "a Pad that feeds " + op +
                                  " (zero padding folds only into the window of a Conv, MaxPool "
                                  "or AveragePool)");
    }
  }
  const std::string mode = attr_string(n, "mode", "constant");
  double value = attr_float(n, "value", 0.0f);
  std::vector<double> values;
  if (m.constant_input(n, 2, values) && values.size() == 1) value = values[0];
  if (mode != "constant" || value != 0) {
    m.warn(n, "'" + mode + "' padding" + (mode == "constant" ? " with a non-zero value" : "") +
                  " modelled as the window's zero padding (same cycles and traffic)");
  }
  m.pad(n, x, add);
}

void map_global_pool(Mapper& m, const onnx::NodeProto& n) {
  const Value& x = m.feature(n, 0);
  m.emit(n, m.new_layer(n, OpKind::GlobalAvgPool, {x.layer}));
}

// ReduceMean over H and W (MNASNet's x.mean([2, 3])) is a global average pool.
void map_reduce_mean(Mapper& m, const onnx::NodeProto& n) {
  const Value& x = m.feature(n, 0);
  Dims axes = attr_ints(n, "axes", {});
  if (axes.empty() && !m.integer_input(n, 1, axes)) axes.clear();
  const auto rank = static_cast<std::int64_t>(x.dims.size());
  for (auto& a : axes) a = a < 0 ? a + rank : a;
  std::sort(axes.begin(), axes.end());
  if (rank != 4 || axes != Dims{2, 3}) {
    return m.unsupported(n, "a mean over axes other than H and W of an NCHW tensor");
  }
  m.emit(n, m.new_layer(n, OpKind::GlobalAvgPool, {x.layer}));
}

// floor(size * scale), failing outside 0..kMaxDim (NaN, infinite or huge scales).
std::int64_t scaled(Mapper& m, const onnx::NodeProto& n, std::int64_t size, double scale) {
  const double v = std::floor(static_cast<double>(size) * scale);
  if (!(v >= 0 && v <= static_cast<double>(kMaxDim)))
    m.fail(n, "scale " + std::to_string(scale) + " gives an output size out of range");
  return static_cast<std::int64_t>(v);
}

// Resize (opset 10: X, scales; 11+: X, roi, scales, sizes) and Upsample (scales attribute or
// input 1). The output size comes from ONNX shape inference, else from sizes (constant or shape
// arithmetic, onnx_shape_eval.h) or constant scales.
void map_resize(Mapper& m, const onnx::NodeProto& n) {
  const Value& x = m.feature(n, 0);
  const Shape& in = m.shape_of(x);
  const std::string mode = attr_string(n, "mode", "nearest");
  Layer l = m.new_layer(n, OpKind::Resize, {x.layer});
  if (mode == "nearest") {
    l.resize_mode = ResizeMode::Nearest;
  } else if (mode == "linear" || mode == "bilinear" || mode == "cubic") {
    l.resize_mode = ResizeMode::Bilinear;
    if (mode == "cubic") m.warn(n, "cubic interpolation modelled as bilinear");
  } else {
    return m.unsupported(n, "interpolation mode '" + mode + "'");
  }
  Dims out;
  Shape s;
  if (m.model().dims(n.output(0), out) && to_hwc(out, s)) {
    l.out_h = s.h;
    l.out_w = s.w;
    return m.emit(n, std::move(l));
  }
  const bool resize11 = n.op_type() == "Resize" && m.model().opset() >= 11;
  std::vector<double> scales;
  Dims sizes;  // a constant, or shape arithmetic (F.interpolate(x, size=y.shape[-2:]))
  if (resize11 && m.integer_input(n, 3, sizes) && sizes.size() == 4) {
    l.out_h = sizes[2];
    l.out_w = sizes[3];
  } else if ((m.constant_input(n, resize11 ? 2 : 1, scales) && scales.size() == 4) ||
             (scales = attr_floats(n, "scales")).size() == 4) {  // the attribute: Upsample-7
    l.out_h = scaled(m, n, in.h, scales[2]);
    l.out_w = scaled(m, n, in.w, scales[3]);
  } else {
    m.fail(n,
           "cannot determine the output size (scales and sizes are neither constants nor shape "
           "arithmetic)");
  }
  m.emit(n, std::move(l));
}

}  // namespace

void add_compute_ops(OpTable& t) {
  t["Conv"] = map_conv;
  t["Gemm"] = map_gemm;
  t["MatMul"] = map_matmul_op;
  t["Pad"] = map_pad;
  t["MaxPool"] = map_maxpool;
  t["AveragePool"] = map_avgpool;
  t["GlobalAveragePool"] = map_global_pool;
  t["GlobalMaxPool"] = map_global_pool;
  t["ReduceMean"] = map_reduce_mean;
  t["Resize"] = map_resize;
  t["Upsample"] = map_resize;
}

}  // namespace accelnas::wl::onnx_detail
