#include "workloads/shape_inference.h"

#include <algorithm>

#include "workloads/config/error.h"

namespace accelnas::wl {
namespace {

[[noreturn]] void fail(const Layer& l, const std::string& reason) {
  throw UserError(layer_where(l) + ": " + reason);
}

std::string hw(std::int64_t h, std::int64_t w) {
  return std::to_string(h) + "x" + std::to_string(w);
}

void expect_arity(const Layer& l, std::size_t got) {
  const char* op = op_name(l.op);
  switch (l.op) {
    case OpKind::Input:
      if (got != 0) fail(l, "an input layer takes no inputs, got " + std::to_string(got));
      return;
    case OpKind::Add:
    case OpKind::Mul:
      if (got != 2)
        fail(l, std::string(op) + " takes exactly 2 inputs, got " + std::to_string(got));
      return;
    case OpKind::Concat:
      if (got < 2) fail(l, "concat takes at least 2 inputs, got " + std::to_string(got));
      return;
    default:
      if (got != 1) fail(l, std::string(op) + " takes exactly 1 input, got " + std::to_string(got));
  }
}

bool has_epilogue(const Epilogue& e) {
  return e.bias || e.batchnorm || e.activation != Activation::None;
}

// conv2d and the pools share kernel, stride and padding rules.
Shape infer_window(Layer& l, const Shape& in, std::int64_t out_c) {
  if (l.kernel_h < 1 || l.kernel_w < 1)
    fail(l, "kernel must be >= 1, got " + hw(l.kernel_h, l.kernel_w));
  if (l.stride_h < 1 || l.stride_w < 1)
    fail(l, "stride must be >= 1, got " + hw(l.stride_h, l.stride_w));
  const Padding& p = l.padding;
  if (!l.same_padding && (p.top < 0 || p.left < 0 || p.bottom < 0 || p.right < 0)) {
    fail(l, "padding must not be negative");
  }
  const WindowAxis y = window_axis(in.h, l.kernel_h, l.stride_h, l.same_padding, p.top, p.bottom);
  const WindowAxis x = window_axis(in.w, l.kernel_w, l.stride_w, l.same_padding, p.left, p.right);
  if (y.out < 1 || x.out < 1) {
    fail(l, "kernel " + hw(l.kernel_h, l.kernel_w) + " does not fit the padded " +
                hw(in.h + y.pad_lo + y.pad_hi, in.w + x.pad_lo + x.pad_hi) + " input");
  }
  l.resolved_padding = Padding{y.pad_lo, x.pad_lo, y.pad_hi, x.pad_hi};
  return Shape{y.out, x.out, out_c};
}

Shape infer_conv(Layer& l, const Shape& in) {
  if (l.out_channels < 1)
    fail(l, "out_channels must be >= 1, got " + std::to_string(l.out_channels));
  if (l.groups < 1) fail(l, "groups must be >= 1, got " + std::to_string(l.groups));
  if (in.c % l.groups != 0 || l.out_channels % l.groups != 0) {
    fail(l, "groups (" + std::to_string(l.groups) + ") must divide both the input channels (" +
                std::to_string(in.c) + ") and out_channels (" + std::to_string(l.out_channels) +
                ")");
  }
  return infer_window(l, in, l.out_channels);
}

Shape infer_elementwise(const Layer& l, const std::vector<const Layer*>& in) {
  const Shape& a = in[0]->out;
  const Shape& b = in[1]->out;
  const bool broadcast = b.h == 1 && b.w == 1 && b.c == a.c;
  if (a != b && !broadcast) {
    fail(l, "shape mismatch: input '" + l.inputs[0] + "' is " + to_string(a) + " but input '" +
                l.inputs[1] + "' is " + to_string(b));
  }
  return a;
}

Shape infer_channel_slice(const Layer& l, const Shape& in) {
  const std::int64_t b = l.slice_begin, e = l.slice_end;
  const std::string range = "channel range [" + std::to_string(b) + ", " + std::to_string(e) + ")";
  if (b < 0) fail(l, range + " starts below channel 0");
  if (b >= e) fail(l, range + " is empty (need begin < end)");
  if (e > in.c) {
    fail(l, range + " goes past the input's " + std::to_string(in.c) +
                " channels (need end <= " + std::to_string(in.c) + ")");
  }
  return Shape{in.h, in.w, e - b};
}

Shape infer_concat(const Layer& l, const std::vector<const Layer*>& in) {
  Shape out = in[0]->out;
  for (std::size_t k = 1; k < in.size(); ++k) {
    const Shape& s = in[k]->out;
    if (s.h != out.h || s.w != out.w) {
      fail(l, "shape mismatch: concat inputs must share height and width, but input '" +
                  l.inputs[0] + "' is " + to_string(in[0]->out) + " and input '" + l.inputs[k] +
                  "' is " + to_string(s));
    }
    out.c += s.c;
  }
  return out;
}

}  // namespace

std::string layer_where(const Layer& layer) {
  return layer.origin.empty() ? "layer '" + layer.name + "'" : layer.origin;
}

WindowAxis window_axis(std::int64_t in, int kernel, int stride, bool same, int pad_lo, int pad_hi) {
  WindowAxis a;
  if (same) {
    a.out = (in + stride - 1) / stride;
    const std::int64_t total = std::max<std::int64_t>((a.out - 1) * stride + kernel - in, 0);
    a.pad_lo = static_cast<int>(total / 2);
    a.pad_hi = static_cast<int>(total - total / 2);
    return a;
  }
  a.pad_lo = pad_lo;
  a.pad_hi = pad_hi;
  const std::int64_t span = in + pad_lo + pad_hi - kernel;
  a.out = span < 0 ? 0 : span / stride + 1;
  return a;
}

namespace {

void infer_layer_shape_unchecked(Layer& l, const std::vector<const Layer*>& in);

void check_size(const Layer& l, const std::vector<const Layer*>& in) {
  const double out =
      static_cast<double>(l.out.h) * static_cast<double>(l.out.w) * static_cast<double>(l.out.c);
  if (out > static_cast<double>(kMaxElements))
    fail(l, "output " + to_string(l.out) + " is too large (over 2^40 elements)");
  double weights = 0, macs = 0;
  if (l.op == OpKind::Conv2d) {
    const double per_out = static_cast<double>(l.kernel_h) * static_cast<double>(l.kernel_w) *
                           static_cast<double>(in[0]->out.c / l.groups);
    weights = per_out * static_cast<double>(l.out_channels);
    macs = per_out * out;
  } else if (l.op == OpKind::FullyConnected) {
    const Shape& s = in[0]->out;
    weights = static_cast<double>(s.h) * static_cast<double>(s.w) * static_cast<double>(s.c) *
              static_cast<double>(l.out_channels);
    macs = weights;
  }
  if (weights > static_cast<double>(kMaxElements))
    fail(l, "weights are too large (over 2^40 elements)");
  if (macs > static_cast<double>(kMaxMacs)) fail(l, "layer is too large (over 2^50 MACs)");
}

}  // namespace

void infer_layer_shape(Layer& l, const std::vector<const Layer*>& in) {
  infer_layer_shape_unchecked(l, in);
  check_size(l, in);
}

namespace {

void infer_layer_shape_unchecked(Layer& l, const std::vector<const Layer*>& in) {
  expect_arity(l, in.size());
  if (has_epilogue(l.epilogue) && l.op != OpKind::Conv2d && l.op != OpKind::FullyConnected) {
    fail(l, "an epilogue is only allowed on conv2d and fully_connected, not " +
                std::string(op_name(l.op)));
  }
  l.resolved_padding = Padding{};
  switch (l.op) {
    case OpKind::Input: {
      const Shape& s = l.input_shape;
      if (s.h < 1 || s.w < 1 || s.c < 1)
        fail(l, "input shape must be positive, got " + to_string(s));
      l.out = s;
      return;
    }
    case OpKind::Conv2d:
      l.out = infer_conv(l, in[0]->out);
      return;
    case OpKind::FullyConnected:
      if (l.out_channels < 1) {
        fail(l, "out_channels must be >= 1, got " + std::to_string(l.out_channels));
      }
      l.out = Shape{1, 1, l.out_channels};
      return;
    case OpKind::Add:
    case OpKind::Mul:
      l.out = infer_elementwise(l, in);
      return;
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      l.out = infer_window(l, in[0]->out, in[0]->out.c);
      return;
    case OpKind::GlobalAvgPool:
      l.out = Shape{1, 1, in[0]->out.c};
      return;
    case OpKind::Concat:
      l.out = infer_concat(l, in);
      return;
    case OpKind::Resize:
      if (l.out_h < 1 || l.out_w < 1) {
        fail(l, "resize output size must be >= 1, got " + hw(l.out_h, l.out_w));
      }
      l.out = Shape{l.out_h, l.out_w, in[0]->out.c};
      return;
    case OpKind::ChannelSlice:
      l.out = infer_channel_slice(l, in[0]->out);
      return;
  }
  ACCELNAS_PANIC("infer_layer_shape: unhandled op");
}

}  // namespace

}  // namespace accelnas::wl
