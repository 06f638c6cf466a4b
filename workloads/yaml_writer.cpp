// to_yaml: a hand-written, deterministic emitter for the loader's format, one flow mapping per
// layer so diffs stay line-per-layer.
#include <sstream>

#include "workloads/loader.h"

namespace accelnas::wl {
namespace {

bool plain_safe(const std::string& s) {
  // yaml-cpp reads these plain scalars as null.
  if (s.empty() || s == "null" || s == "Null" || s == "NULL") return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '/' ||
                    (ch == '-' && i > 0);
    if (!ok) return false;
  }
  return true;
}

// A YAML scalar that reads back as exactly `s`.
std::string quote(const std::string& s) {
  if (plain_safe(s)) return s;
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[ch >> 4];
      out += hex[ch & 15];
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out + "\"";
}

std::string pair_or_single(int a, int b) {
  if (a == b) return std::to_string(a);
  return "[" + std::to_string(a) + ", " + std::to_string(b) + "]";
}

class LayerLine {
 public:
  void add(const std::string& key, const std::string& value) {
    os_ << (first_ ? "" : ", ") << key << ": " << value;
    first_ = false;
  }
  std::string str() const { return "  - {" + os_.str() + "}\n"; }

 private:
  std::ostringstream os_;
  bool first_ = true;
};

void write_window(const Layer& l, LayerLine& line) {
  line.add("kernel", pair_or_single(l.kernel_h, l.kernel_w));
  if (l.stride_h != 1 || l.stride_w != 1)
    line.add("stride", pair_or_single(l.stride_h, l.stride_w));
  if (l.same_padding) {
    line.add("padding", "same");
  } else {
    const Padding& p = l.padding;
    line.add("padding", "[" + std::to_string(p.top) + ", " + std::to_string(p.left) + ", " +
                            std::to_string(p.bottom) + ", " + std::to_string(p.right) + "]");
  }
}

void write_epilogue(const Epilogue& e, LayerLine& line) {
  std::string steps;
  auto add = [&steps](const std::string& s) { steps += (steps.empty() ? "" : ", ") + s; };
  if (e.bias) add("bias");
  if (e.batchnorm) add("bn");
  if (e.activation != Activation::None) add(activation_name(e.activation));
  if (!steps.empty()) line.add("epilogue", "[" + steps + "]");
}

void write_inputs(const Layer& l, LayerLine& line) {
  if (l.op == OpKind::Input) return;
  if (l.inputs.size() == 1) {
    line.add("input", quote(l.inputs[0]));
    return;
  }
  std::string list;
  for (const auto& in : l.inputs) list += (list.empty() ? "" : ", ") + quote(in);
  line.add("inputs", "[" + list + "]");
}

std::string layer_line(const Layer& l, Precision default_precision) {
  LayerLine line;
  line.add("name", quote(l.name));
  line.add("op", op_name(l.op));
  write_inputs(l, line);
  switch (l.op) {
    case OpKind::Input:
      line.add("shape", "[" + std::to_string(l.input_shape.h) + ", " +
                            std::to_string(l.input_shape.w) + ", " +
                            std::to_string(l.input_shape.c) + "]");
      break;
    case OpKind::Conv2d:
      line.add("out_channels", std::to_string(l.out_channels));
      write_window(l, line);
      if (l.groups != 1) line.add("groups", std::to_string(l.groups));
      write_epilogue(l.epilogue, line);
      break;
    case OpKind::FullyConnected:
      line.add("out_channels", std::to_string(l.out_channels));
      write_epilogue(l.epilogue, line);
      break;
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      write_window(l, line);
      break;
    case OpKind::Resize:
      line.add("size", "[" + std::to_string(l.out_h) + ", " + std::to_string(l.out_w) + "]");
      line.add("mode", l.resize_mode == ResizeMode::Bilinear ? "bilinear" : "nearest");
      break;
    case OpKind::ChannelSlice:
      line.add("begin", std::to_string(l.slice_begin));
      line.add("end", std::to_string(l.slice_end));
      break;
    default:
      break;
  }
  if (l.precision != default_precision) line.add("precision", precision_name(l.precision));
  if (!l.block.empty()) line.add("block", quote(l.block));
  if (!l.block_type.empty()) line.add("block_type", quote(l.block_type));
  if (!l.role.empty()) line.add("role", quote(l.role));
  return line.str();
}

}  // namespace

std::string to_yaml(const Network& net) {
  std::string out = "name: " + quote(net.name) + "\n";
  out += "precision: " + std::string(precision_name(net.default_precision)) + "\n";
  out += "layers:\n";
  for (std::size_t i = 0; i < net.size(); ++i)
    out += layer_line(net.layer(i), net.default_precision);
  return out;
}

}  // namespace accelnas::wl
