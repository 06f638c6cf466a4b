#include "workloads/layer_parser.h"

#include <algorithm>
#include <utility>

#include "workloads/config/suggest.h"
#include "workloads/shape_inference.h"

namespace accelnas::wl {
namespace {

const std::vector<std::string> kCommonKeys = {"name",      "op",    "input",      "inputs",
                                              "precision", "block", "block_type", "role"};

std::vector<std::string> allowed_keys(OpKind op) {
  std::vector<std::string> keys = kCommonKeys;
  auto add = [&keys](std::initializer_list<const char*> more) {
    keys.insert(keys.end(), more.begin(), more.end());
  };
  switch (op) {
    case OpKind::Input:
      keys.erase(std::remove_if(keys.begin(), keys.end(),
                                [](const std::string& k) { return k == "input" || k == "inputs"; }),
                 keys.end());
      add({"shape"});
      break;
    case OpKind::Conv2d:
      add({"out_channels", "kernel", "stride", "padding", "groups", "epilogue"});
      break;
    case OpKind::FullyConnected:
      add({"out_channels", "epilogue"});
      break;
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      add({"kernel", "stride", "padding"});
      break;
    case OpKind::Resize:
      add({"size", "scale", "mode"});
      break;
    case OpKind::ChannelSlice:
      add({"begin", "end"});
      break;
    default:
      break;
  }
  return keys;
}

std::string text(const cfg::Node& n) {
  if (n.is_null()) n.fail("missing value");
  const std::string s = n.scalar();
  if (s.empty()) n.fail("must not be empty");
  return s;
}

std::int64_t integer(const cfg::Node& n, std::int64_t min) {
  const std::int64_t v = n.as_int();
  if (v < min || v > kMaxDim) {
    n.fail("expected an integer between " + std::to_string(min) + " and " +
           std::to_string(kMaxDim) + ", got " + std::to_string(v));
  }
  return v;
}

// `kernel: 3` or `kernel: [kh, kw]`.
std::pair<int, int> int_pair(const cfg::Node& n, std::int64_t min) {
  if (n.is_seq()) {
    if (n.size() != 2) n.fail("expected a single integer or a list of two [h, w]");
    return {static_cast<int>(integer(n.at(0), min)), static_cast<int>(integer(n.at(1), min))};
  }
  const int v = static_cast<int>(integer(n, min));
  return {v, v};
}

void parse_inputs(const cfg::Node& node, Layer& l) {
  const cfg::Node one = node["input"];
  const cfg::Node many = node["inputs"];
  if (l.op == OpKind::Input) return;  // expect_keys already rejected input/inputs
  if (one.present() && many.present()) node.fail("give either 'input' or 'inputs', not both");
  if (one.present()) {
    l.inputs.push_back(text(one));
  } else if (many.present()) {
    if (!many.is_seq()) many.fail("expected a list of layer names");
    for (std::size_t k = 0; k < many.size(); ++k) l.inputs.push_back(text(many.at(k)));
  } else {
    node.fail("missing 'input' (or 'inputs')");
  }
}

void parse_padding(const cfg::Node& n, Layer& l) {
  l.same_padding = false;
  if (!n.present()) {
    l.same_padding = true;
  } else if (n.is_seq()) {
    if (n.size() != 4) n.fail("expected same, valid, an integer or [top, left, bottom, right]");
    l.padding =
        Padding{static_cast<int>(integer(n.at(0), 0)), static_cast<int>(integer(n.at(1), 0)),
                static_cast<int>(integer(n.at(2), 0)), static_cast<int>(integer(n.at(3), 0))};
  } else if (text(n) == "same") {
    l.same_padding = true;
  } else if (n.scalar() == "valid") {
    l.padding = Padding{};
  } else {
    const int p = static_cast<int>(integer(n, 0));
    l.padding = Padding{p, p, p, p};
  }
}

void parse_window(const cfg::Node& node, Layer& l) {
  const cfg::Node kernel = node["kernel"];
  if (!kernel.present()) node.fail("missing 'kernel'");
  std::tie(l.kernel_h, l.kernel_w) = int_pair(kernel, 1);
  if (node.has("stride")) std::tie(l.stride_h, l.stride_w) = int_pair(node["stride"], 1);
  parse_padding(node["padding"], l);
}

Epilogue parse_epilogue(const cfg::Node& n) {
  Epilogue e;
  if (!n.present()) return e;
  if (!n.is_seq()) n.fail("expected a list such as [bn, relu6]");
  bool has_activation = false;
  for (std::size_t k = 0; k < n.size(); ++k) {
    const cfg::Node item = n.at(k);
    const std::string s = text(item);
    Activation a = Activation::None;
    bool repeated = false;
    if (s == "bias") {
      repeated = e.bias;
      e.bias = true;
    } else if (s == "bn") {
      repeated = e.batchnorm;
      e.batchnorm = true;
    } else if (s != "none" && parse_activation(s, a)) {
      if (has_activation) item.fail("at most one activation per epilogue");
      has_activation = true;
      e.activation = a;
    } else {
      item.fail("unknown epilogue step '" + s +
                "' (valid: bias, bn, relu, relu6, hswish, sigmoid, hsigmoid)");
    }
    if (repeated) item.fail("'" + s + "' is listed twice");
  }
  return e;
}

void parse_resize(const cfg::Node& node, ParsedLayer& p) {
  Layer& l = p.layer;
  const cfg::Node size = node["size"];
  const cfg::Node scale = node["scale"];
  if (size.present() && scale.present()) node.fail("give either 'size' or 'scale', not both");
  if (size.present()) {
    if (!size.is_seq() || size.size() != 2) size.fail("expected a list [h, w]");
    l.out_h = integer(size.at(0), 1);
    l.out_w = integer(size.at(1), 1);
  } else if (scale.present()) {
    p.resize_scale = scale.as_real();
    if (!(p.resize_scale > 0) || p.resize_scale > kMaxDim) {
      scale.fail("expected a number > 0, got " + scale.scalar());
    }
  } else {
    node.fail("missing 'size' (or 'scale')");
  }
  const cfg::Node mode = node["mode"];
  if (mode.present()) {
    const std::string m = text(mode);
    if (m == "nearest") {
      l.resize_mode = ResizeMode::Nearest;
    } else if (m == "bilinear") {
      l.resize_mode = ResizeMode::Bilinear;
    } else {
      mode.fail("unknown resize mode '" + m + "' (valid: nearest, bilinear)");
    }
  }
}

void parse_attributes(const cfg::Node& node, ParsedLayer& p) {
  Layer& l = p.layer;
  switch (l.op) {
    case OpKind::Input: {
      const cfg::Node shape = node["shape"];
      if (!shape.present()) node.fail("missing 'shape' ([h, w, c])");
      if (!shape.is_seq() || shape.size() != 3) shape.fail("expected a list [h, w, c]");
      l.input_shape =
          Shape{integer(shape.at(0), 1), integer(shape.at(1), 1), integer(shape.at(2), 1)};
      break;
    }
    case OpKind::Conv2d:
      parse_window(node, l);
      if (node.has("groups")) l.groups = static_cast<int>(integer(node["groups"], 1));
      [[fallthrough]];
    case OpKind::FullyConnected:
      if (!node.has("out_channels")) node.fail("missing 'out_channels'");
      l.out_channels = integer(node["out_channels"], 1);
      l.epilogue = parse_epilogue(node["epilogue"]);
      break;
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      parse_window(node, l);
      break;
    case OpKind::Resize:
      parse_resize(node, p);
      break;
    case OpKind::ChannelSlice:
      // Both bounds are required; whether they fit the input's channels is a shape rule.
      if (!node.has("begin")) node.fail("missing 'begin' (first channel of the slice)");
      if (!node.has("end")) node.fail("missing 'end' (one past the slice's last channel)");
      l.slice_begin = integer(node["begin"], 0);
      l.slice_end = integer(node["end"], 1);
      break;
    default:
      break;
  }
}

}  // namespace

Precision parse_precision_node(const cfg::Node& node) {
  const std::string s = text(node);
  Precision p = Precision::Int8;
  if (!parse_precision(s, p))
    node.fail("unknown precision '" + s + "' (valid: int8, int16, fp16, bf16)");
  return p;
}

ParsedLayer parse_layer(const cfg::Node& node, Precision default_precision) {
  node.expect_map();
  ParsedLayer p;
  Layer& l = p.layer;
  if (!node.has("name")) node.fail("missing 'name'");
  l.name = text(node["name"]);
  l.origin =
      node.file() + ":" + std::to_string(node.line()) + ": " + node.path() + " (" + l.name + ")";
  if (!node.has("op")) node.fail("missing 'op' (valid: " + join(op_names(), ", ") + ")");
  const cfg::Node op = node["op"];
  const std::string op_text = text(op);
  if (!parse_op(op_text, l.op)) {
    op.fail("unknown op '" + op_text + "'" + suggestion_suffix(op_text, op_names()) +
            "; valid ops: " + join(op_names(), ", "));
  }
  node.expect_keys(allowed_keys(l.op));
  parse_inputs(node, l);
  l.precision = node.has("precision") ? parse_precision_node(node["precision"]) : default_precision;
  if (node.has("block")) l.block = text(node["block"]);
  if (node.has("block_type")) {
    if (l.block.empty()) node["block_type"].fail("needs a 'block' id as well");
    l.block_type = text(node["block_type"]);
  }
  if (node.has("role")) {
    if (l.block.empty()) node["role"].fail("needs a 'block' id as well");
    l.role = text(node["role"]);
  }
  parse_attributes(node, p);
  return p;
}

}  // namespace accelnas::wl
