// canonical_text(): nlohmann::json keeps object keys in a std::map, so dump() sorts them; with
// no indentation the text is one deterministic line. Only the fields that matter for the layer's
// op are written, so two descriptions that rebuild the same jobs serialise the same.
//
// parse_unit_text() reads exactly the keys layer_json() writes for each op: the text comes back
// from a label database, and anything else there was not written by canonical_text().
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "calibration/estimator/unit.h"
#include "sim/json_text.h"
#include "workloads/config/error.h"
#include "workloads/config/suggest.h"

namespace accelnas::cal {
namespace {

using nlohmann::json;

json shape_json(const wl::Shape& s) {
  return json::array({s.h, s.w, s.c});
}

json window_json(const LayerDesc& d) {
  return json{{"kernel", {d.kernel_h, d.kernel_w}},
              {"stride", {d.stride_h, d.stride_w}},
              {"padding", {d.padding.top, d.padding.left, d.padding.bottom, d.padding.right}}};
}

json layer_json(const LayerDesc& d) {
  json j;
  j["op"] = wl::op_name(d.op);
  j["precision"] = precision_name(d.precision);
  json inputs = json::array();
  for (const TensorRef& r : d.inputs)
    inputs.push_back((r.external ? "in" : "l") + std::to_string(r.index));
  j["inputs"] = inputs;
  switch (d.op) {
    case wl::OpKind::Conv2d:
      j.update(window_json(d));
      j["groups"] = d.groups;
      j["out_channels"] = d.out_channels;
      j["bias"] = d.bias;
      break;
    case wl::OpKind::FullyConnected:
      j["out_channels"] = d.out_channels;
      j["bias"] = d.bias;
      break;
    case wl::OpKind::MaxPool:
    case wl::OpKind::AvgPool:
      j.update(window_json(d));
      break;
    case wl::OpKind::Resize:
      j["out"] = {d.out_h, d.out_w};
      j["mode"] = d.resize_mode == wl::ResizeMode::Bilinear ? "bilinear" : "nearest";
      break;
    case wl::OpKind::ChannelSlice:
      j["channels"] = d.out_channels;
      break;
    default:
      break;
  }
  // Only when a job is fused (F1, F2), so that unfused texts (and their label keys) are unchanged.
  if (d.fused.any()) {
    json f{{"op", wl::op_name(d.fused.op)}, {"precision", precision_name(d.fused.precision)}};
    if (d.fused.op == wl::OpKind::MaxPool || d.fused.op == wl::OpKind::AvgPool) {
      f["kernel"] = {d.fused.kernel_h, d.fused.kernel_w};
      f["stride"] = {d.fused.stride_h, d.fused.stride_w};
      const wl::Padding& p = d.fused.padding;
      f["padding"] = {p.top, p.left, p.bottom, p.right};
    }
    j["fused"] = f;
  }
  j["output_on_chip"] = d.output_on_chip;
  j["output_to_dram"] = d.output_to_dram;
  j["other_reserved_bytes"] = d.other_reserved_bytes;
  // Only when prefetched (C4), so the texts of everything else stay as they were.
  if (d.prefetched_weight_bytes > 0) j["prefetched_weight_bytes"] = d.prefetched_weight_bytes;
  return j;
}

// ---- parse_unit_text ----------------------------------------------------------------------------

std::string child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string element(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

// A value for a message, shortened: the text comes from a database, not from the user's hand.
std::string shown(const json& j) {
  std::string s = sim::json_text(j);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

// nlohmann keeps the last of duplicate keys silently; canonical text never has any, so a text
// with one was not written by canonical_text(). The callback records the first duplicate's path.
class DuplicateKeyFinder {
 public:
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        frames_.push_back(Frame{false, 0, {}, {}});
        break;
      case json::parse_event_t::array_start:
        frames_.push_back(Frame{true, 0, {}, {}});
        break;
      case json::parse_event_t::key: {
        Frame& top = frames_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second && duplicate_.empty()) duplicate_ = path();
        break;
      }
      case json::parse_event_t::value:
        end_element();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        end_element();
        break;
    }
    return true;
  }
  const std::string& duplicate() const { return duplicate_; }

 private:
  struct Frame {
    bool array;
    std::size_t count;  // elements seen so far (arrays)
    std::string key;    // the current key (objects)
    std::set<std::string> keys;
  };
  void end_element() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().count;
  }
  std::string path() const {
    std::string p;
    for (const Frame& f : frames_) p = f.array ? element(p, f.count) : child(p, f.key);
    return p;
  }
  std::vector<Frame> frames_;
  std::string duplicate_;
};

class Reader {
 public:
  explicit Reader(std::string where) : where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& reason) const {
    throw UserError(where_ + ": " + (path.empty() ? "(root)" : path) + ": " + reason);
  }

  // `j` must be an object holding exactly `keys`, plus any of `optional`.
  void object(const json& j, const std::string& path, const std::vector<std::string>& keys,
              const std::vector<std::string>& optional = {}) const {
    if (!j.is_object()) fail(path, "expected an object, got " + shown(j));
    for (const auto& item : j.items()) {
      if (std::find(keys.begin(), keys.end(), item.key()) == keys.end() &&
          std::find(optional.begin(), optional.end(), item.key()) == optional.end()) {
        std::vector<std::string> all = keys;
        all.insert(all.end(), optional.begin(), optional.end());
        fail(path, "unknown key '" + item.key() + "'" + suggestion_suffix(item.key(), all));
      }
    }
    for (const std::string& k : keys) {
      if (!j.contains(k)) fail(path, "missing key '" + k + "'");
    }
  }

  const json& array(const json& j, const std::string& path, std::size_t size = 0) const {
    if (!j.is_array()) fail(path, "expected an array, got " + shown(j));
    if (size != 0 && j.size() != size) {
      fail(path, "expected " + std::to_string(size) + " elements, got " + std::to_string(j.size()));
    }
    return j;
  }

  std::int64_t integer(const json& j, const std::string& path, std::int64_t lo,
                       std::int64_t hi = std::numeric_limits<std::int64_t>::max()) const {
    const std::string range =
        ">= " + std::to_string(lo) +
        (hi < std::numeric_limits<std::int64_t>::max() ? " and <= " + std::to_string(hi)
                                                       : std::string());
    if (!j.is_number_integer()) fail(path, "expected an integer " + range + ", got " + shown(j));
    const bool too_big = j.is_number_unsigned() &&
                         j.get<std::uint64_t>() >
                             static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (too_big || j.get<std::int64_t>() < lo || j.get<std::int64_t>() > hi)
      fail(path, "expected an integer " + range + ", got " + shown(j));
    return j.get<std::int64_t>();
  }

  int small(const json& j, const std::string& path, int lo) const {
    return static_cast<int>(integer(j, path, lo, std::numeric_limits<int>::max()));
  }

  bool boolean(const json& j, const std::string& path) const {
    if (!j.is_boolean()) fail(path, "expected true or false, got " + shown(j));
    return j.get<bool>();
  }

  std::string text(const json& j, const std::string& path) const {
    if (!j.is_string()) fail(path, "expected a string, got " + shown(j));
    return j.get<std::string>();
  }

  // One of `names`: its index.
  std::size_t choice(const json& j, const std::string& path, const std::string& what,
                     const std::vector<std::string>& names) const {
    const std::string s = text(j, path);
    const auto it = std::find(names.begin(), names.end(), s);
    if (it == names.end())
      fail(path, "unknown " + what + " '" + s + "'" + suggestion_suffix(s, names));
    return static_cast<std::size_t>(it - names.begin());
  }

 private:
  std::string where_;
};

const std::vector<std::string>& unit_type_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (std::size_t t = 0; t < kNumUnitTypes; ++t)
      v.emplace_back(unit_type_name(static_cast<UnitType>(t)));
    return v;
  }();
  return names;
}

const std::vector<std::string>& precision_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (Precision p : kAllPrecisions) v.emplace_back(precision_name(p));
    return v;
  }();
  return names;
}

Precision read_precision(const Reader& r, const json& j, const std::string& path) {
  return kAllPrecisions[r.choice(j, path, "precision", precision_names())];
}

// "in<N>" / "l<N>": N decimal without leading zeros (canonical_text writes std::to_string), an
// external input that exists or an earlier layer of the unit.
TensorRef read_ref(const Reader& r, const json& j, const std::string& path, std::size_t layer,
                   std::size_t num_inputs) {
  const std::string s = r.text(j, path);
  const bool external = s.rfind("in", 0) == 0;
  const std::string digits = s.substr(external ? 2 : (s.rfind('l', 0) == 0 ? 1 : s.size()));
  const bool well_formed =
      !digits.empty() && digits.size() <= 9 &&
      std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      (digits == "0" || digits[0] != '0');
  if (!well_formed)
    r.fail(path, "expected an operand 'in<N>' (external input) or 'l<N>' (layer), got " + shown(j));
  const int index = std::stoi(digits);
  if (external && static_cast<std::size_t>(index) >= num_inputs)
    r.fail(path, "'" + s + "': the unit has " + std::to_string(num_inputs) + " external inputs");
  if (!external && static_cast<std::size_t>(index) >= layer)
    r.fail(path, "'" + s + "' is not an earlier layer of the unit");
  return TensorRef{external, index};
}

void read_window(const Reader& r, const json& j, const std::string& path, LayerDesc& d) {
  const json& kernel = r.array(j.at("kernel"), child(path, "kernel"), 2);
  d.kernel_h = r.small(kernel[0], element(child(path, "kernel"), 0), 1);
  d.kernel_w = r.small(kernel[1], element(child(path, "kernel"), 1), 1);
  const json& stride = r.array(j.at("stride"), child(path, "stride"), 2);
  d.stride_h = r.small(stride[0], element(child(path, "stride"), 0), 1);
  d.stride_w = r.small(stride[1], element(child(path, "stride"), 1), 1);
  const std::string pp = child(path, "padding");
  const json& pad = r.array(j.at("padding"), pp, 4);
  d.padding.top = r.small(pad[0], element(pp, 0), 0);
  d.padding.left = r.small(pad[1], element(pp, 1), 0);
  d.padding.bottom = r.small(pad[2], element(pp, 2), 0);
  d.padding.right = r.small(pad[3], element(pp, 3), 0);
}

// The keys layer_json() writes for `op`, beyond the common ones.
std::vector<std::string> layer_keys(wl::OpKind op) {
  std::vector<std::string> keys = {
      "op", "precision", "inputs", "output_on_chip", "output_to_dram", "other_reserved_bytes"};
  const std::vector<std::string> window = {"kernel", "stride", "padding"};
  switch (op) {
    case wl::OpKind::Conv2d:
      keys.insert(keys.end(), window.begin(), window.end());
      keys.insert(keys.end(), {"groups", "out_channels", "bias"});
      break;
    case wl::OpKind::FullyConnected:
      keys.insert(keys.end(), {"out_channels", "bias"});
      break;
    case wl::OpKind::MaxPool:
    case wl::OpKind::AvgPool:
      keys.insert(keys.end(), window.begin(), window.end());
      break;
    case wl::OpKind::Resize:
      keys.insert(keys.end(), {"out", "mode"});
      break;
    case wl::OpKind::ChannelSlice:
      keys.emplace_back("channels");
      break;
    default:
      break;
  }
  return keys;
}

// The `fused` part of a conv2d (F1, F2): the op, its precision and, for a window pool, the window.
FusedDesc read_fused(const Reader& r, const json& j, const std::string& path) {
  if (!j.is_object()) r.fail(path, "expected an object, got " + shown(j));
  if (!j.contains("op")) r.fail(path, "missing key 'op'");
  FusedDesc f;
  const std::vector<wl::OpKind> kinds = {wl::OpKind::Add, wl::OpKind::Mul, wl::OpKind::MaxPool,
                                         wl::OpKind::AvgPool, wl::OpKind::GlobalAvgPool};
  std::vector<std::string> names;
  for (wl::OpKind k : kinds) names.emplace_back(wl::op_name(k));
  f.op = kinds[r.choice(j.at("op"), child(path, "op"), "fused op (add, mul or a pool)", names)];
  const bool window = f.op == wl::OpKind::MaxPool || f.op == wl::OpKind::AvgPool;
  std::vector<std::string> keys = {"op", "precision"};
  if (window) keys.insert(keys.end(), {"kernel", "stride", "padding"});
  r.object(j, path, keys);
  f.precision = read_precision(r, j.at("precision"), child(path, "precision"));
  if (window) {
    LayerDesc w;
    read_window(r, j, path, w);
    f.kernel_h = w.kernel_h;
    f.kernel_w = w.kernel_w;
    f.stride_h = w.stride_h;
    f.stride_w = w.stride_w;
    f.padding = w.padding;
  }
  return f;
}

LayerDesc read_layer(const Reader& r, const json& j, const std::string& path, std::size_t t,
                     std::size_t num_inputs) {
  if (!j.is_object()) r.fail(path, "expected an object, got " + shown(j));
  if (!j.contains("op")) r.fail(path, "missing key 'op'");
  LayerDesc d;
  const std::string op = r.text(j.at("op"), child(path, "op"));
  if (!wl::parse_op(op, d.op))
    r.fail(child(path, "op"), "unknown op '" + op + "'" + suggestion_suffix(op, wl::op_names()));
  if (d.op == wl::OpKind::Input)
    r.fail(child(path, "op"), "an input is not a layer of a unit (list it under 'inputs')");
  std::vector<std::string> keys = layer_keys(d.op);
  // `fused` is written only for a fused conv2d: allowed there, and only when present.
  if (d.op == wl::OpKind::Conv2d && j.contains("fused")) keys.emplace_back("fused");
  r.object(j, path, keys, {"prefetched_weight_bytes"});

  d.precision = read_precision(r, j.at("precision"), child(path, "precision"));
  const std::string ip = child(path, "inputs");
  const json& inputs = r.array(j.at("inputs"), ip);
  if (inputs.empty()) r.fail(ip, "expected at least one operand");
  for (std::size_t k = 0; k < inputs.size(); ++k)
    d.inputs.push_back(read_ref(r, inputs[k], element(ip, k), t, num_inputs));
  switch (d.op) {
    case wl::OpKind::Conv2d:
      read_window(r, j, path, d);
      d.groups = r.small(j.at("groups"), child(path, "groups"), 1);
      d.out_channels = r.integer(j.at("out_channels"), child(path, "out_channels"), 1);
      d.bias = r.boolean(j.at("bias"), child(path, "bias"));
      if (j.contains("fused")) {
        d.fused = read_fused(r, j.at("fused"), child(path, "fused"));
        const bool eltwise = d.fused.op == wl::OpKind::Add || d.fused.op == wl::OpKind::Mul;
        if (eltwise && d.inputs.size() < 2)
          r.fail(ip, "a fused " + std::string(wl::op_name(d.fused.op)) +
                         " needs its second operand as the last operand");
      }
      break;
    case wl::OpKind::FullyConnected:
      d.out_channels = r.integer(j.at("out_channels"), child(path, "out_channels"), 1);
      d.bias = r.boolean(j.at("bias"), child(path, "bias"));
      break;
    case wl::OpKind::MaxPool:
    case wl::OpKind::AvgPool:
      read_window(r, j, path, d);
      break;
    case wl::OpKind::Resize: {
      const std::string op_path = child(path, "out");
      const json& out = r.array(j.at("out"), op_path, 2);
      d.out_h = r.integer(out[0], element(op_path, 0), 1);
      d.out_w = r.integer(out[1], element(op_path, 1), 1);
      d.resize_mode =
          r.choice(j.at("mode"), child(path, "mode"), "resize mode", {"nearest", "bilinear"}) == 1
              ? wl::ResizeMode::Bilinear
              : wl::ResizeMode::Nearest;
      break;
    }
    case wl::OpKind::ChannelSlice:
      d.out_channels = r.integer(j.at("channels"), child(path, "channels"), 1);
      break;
    default:
      break;
  }
  d.output_on_chip = r.boolean(j.at("output_on_chip"), child(path, "output_on_chip"));
  d.output_to_dram = r.boolean(j.at("output_to_dram"), child(path, "output_to_dram"));
  d.other_reserved_bytes =
      r.integer(j.at("other_reserved_bytes"), child(path, "other_reserved_bytes"), 0);
  if (j.contains("prefetched_weight_bytes")) {
    d.prefetched_weight_bytes =
        r.integer(j.at("prefetched_weight_bytes"), child(path, "prefetched_weight_bytes"), 1);
  }
  return d;
}

ExternalInput read_input(const Reader& r, const json& j, const std::string& path) {
  r.object(j, path, {"shape", "precision", "on_chip"});
  ExternalInput in;
  const std::string sp = child(path, "shape");
  const json& shape = r.array(j.at("shape"), sp, 3);
  in.shape.h = r.integer(shape[0], element(sp, 0), 1);
  in.shape.w = r.integer(shape[1], element(sp, 1), 1);
  in.shape.c = r.integer(shape[2], element(sp, 2), 1);
  in.precision = read_precision(r, j.at("precision"), child(path, "precision"));
  in.on_chip = r.boolean(j.at("on_chip"), child(path, "on_chip"));
  return in;
}

}  // namespace

std::string canonical_text(const UnitDesc& desc) {
  json inputs = json::array();
  for (const ExternalInput& in : desc.inputs) {
    inputs.push_back(json{{"shape", shape_json(in.shape)},
                          {"precision", precision_name(in.precision)},
                          {"on_chip", in.on_chip}});
  }
  json layers = json::array();
  for (const LayerDesc& d : desc.layers) layers.push_back(layer_json(d));
  const json j{{"type", unit_type_name(desc.type)},
               {"batch", desc.batch},
               {"inputs", inputs},
               {"layers", layers}};
  return sim::json_text(j);
}

UnitDesc parse_unit_text(const std::string& text, const std::string& where) {
  const Reader r(where);
  DuplicateKeyFinder duplicates;
  json j;
  try {
    j = json::parse(text, [&duplicates](int depth, json::parse_event_t event, json& parsed) {
      return duplicates(depth, event, parsed);
    });
  } catch (const json::exception& e) {
    std::string reason = e.what();
    const auto bracket = reason.find("] ");
    if (bracket != std::string::npos) reason = reason.substr(bracket + 2);
    r.fail("", "malformed JSON: " + reason);
  }
  if (!duplicates.duplicate().empty()) r.fail(duplicates.duplicate(), "duplicate key");

  r.object(j, "", {"type", "batch", "inputs", "layers"});
  UnitDesc desc;
  desc.type = static_cast<UnitType>(r.choice(j.at("type"), "type", "unit type", unit_type_names()));
  desc.batch = r.integer(j.at("batch"), "batch", 1, wl::kMaxBatch);
  const json& inputs = r.array(j.at("inputs"), "inputs");
  for (std::size_t k = 0; k < inputs.size(); ++k)
    desc.inputs.push_back(read_input(r, inputs[k], element("inputs", k)));
  const json& layers = r.array(j.at("layers"), "layers");
  if (layers.empty()) r.fail("layers", "expected at least one layer");
  for (std::size_t t = 0; t < layers.size(); ++t)
    desc.layers.push_back(read_layer(r, layers[t], element("layers", t), t, desc.inputs.size()));
  return desc;
}

}  // namespace accelnas::cal
