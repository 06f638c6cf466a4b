// Parsing of sampling spaces. Strict like the hardware descriptions: every key is known, every
// value checked, and every error names the file, the line and the dotted path.
#include "calibration/labels/space.h"

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "workloads/config/error.h"
#include "workloads/config/node.h"
#include "workloads/config/suggest.h"

namespace accelnas::cal {
namespace {

using i64 = std::int64_t;
using cfg::Node;

// Sizes beyond these are certainly a typo and would overflow the per-layer limits.
constexpr i64 kMaxResolution = 4096;
constexpr i64 kMaxChannels = 65536;
constexpr i64 kMaxKernel = 31;
constexpr i64 kMaxStride = 16;
constexpr i64 kMaxExpansion = 32;

const std::vector<std::string>& param_keys() {
  static const std::vector<std::string> keys = {"resolution",
                                                "in_channels",
                                                "out_channels",
                                                "keep_channels",
                                                "channel_alignment",
                                                "kernel",
                                                "stride",
                                                "expansion",
                                                "se",
                                                "precision",
                                                "batch",
                                                "context",
                                                "ops",
                                                "fully_connected",
                                                "fused",
                                                "max_tensor_elements"};
  return keys;
}

}  // namespace

namespace space_yaml {

std::string int_text(i64 v) {
  return std::to_string(v);
}

std::string real_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

i64 int_in(const Node& n, i64 lo, i64 hi) {
  const i64 v = n.as_int();
  if (v < lo || v > hi) {
    n.fail("expected an integer from " + int_text(lo) + " to " + int_text(hi) + ", got " +
           int_text(v));
  }
  return v;
}

double real_in(const Node& n, double lo, double hi) {
  const double v = n.as_real();
  if (!(v >= lo && v <= hi)) {
    n.fail("expected a number from " + real_text(lo) + " to " + real_text(hi) + ", got " +
           real_text(v));
  }
  return v;
}

double probability(const Node& n) {
  return real_in(n, 0, 1);
}

// A scalar, a list of choices or {min, max}.
IntDist int_dist(const Node& n, i64 lo, i64 hi) {
  if (n.is_seq()) {
    if (n.size() == 0) n.fail("empty list of choices");
    IntDist d;
    for (std::size_t i = 0; i < n.size(); ++i) d.choices.push_back(int_in(n.at(i), lo, hi));
    return d;
  }
  if (n.is_map()) {
    n.expect_keys({"min", "max"});
    const i64 a = int_in(n["min"], lo, hi), b = int_in(n["max"], lo, hi);
    if (a > b) n.fail("empty range: min " + int_text(a) + " > max " + int_text(b));
    return IntDist::range(a, b);
  }
  return IntDist::value(int_in(n, lo, hi));
}

RealDist real_dist(const Node& n, double lo, double hi) {
  if (n.is_seq()) {
    if (n.size() == 0) n.fail("empty list of choices");
    RealDist d;
    for (std::size_t i = 0; i < n.size(); ++i) d.choices.push_back(real_in(n.at(i), lo, hi));
    return d;
  }
  if (n.is_map()) {
    n.expect_keys({"min", "max"});
    const double a = real_in(n["min"], lo, hi), b = real_in(n["max"], lo, hi);
    if (a > b) n.fail("empty range: min " + real_text(a) + " > max " + real_text(b));
    return RealDist::range(a, b);
  }
  return RealDist::value(real_in(n, lo, hi));
}

}  // namespace space_yaml

namespace {

using namespace space_yaml;

// A name or a non-empty list of names, each parsed by `parse`.
template <typename T>
std::vector<T> name_list(const Node& n, const std::vector<std::string>& valid,
                         const std::function<bool(const std::string&, T&)>& parse) {
  std::vector<Node> items;
  if (n.is_seq()) {
    if (n.size() == 0) n.fail("empty list of choices");
    for (std::size_t i = 0; i < n.size(); ++i) items.push_back(n.at(i));
  } else {
    items.push_back(n);
  }
  std::vector<T> out;
  for (const Node& item : items) {
    const std::string s = item.scalar();
    T v;
    if (!parse(s, v)) {
      item.fail("unknown value '" + s + "'" + suggestion_suffix(s, valid) + "; expected one of " +
                join(valid, ", "));
    }
    out.push_back(v);
  }
  return out;
}

const std::vector<std::string>& vector_op_names() {
  static const std::vector<std::string> names = {
      "add", "mul", "avgpool", "maxpool", "global_avgpool", "concat", "resize", "channel_slice"};
  return names;
}

bool parse_vector_op(const std::string& s, wl::OpKind& out) {
  for (const auto& name : vector_op_names()) {
    if (s == name) return wl::parse_op(s, out);
  }
  return false;
}

bool parse_unit_type(const std::string& s, UnitType& out) {
  for (UnitType t :
       {UnitType::Conv, UnitType::Vector, UnitType::Ibn, UnitType::FusedIbn, UnitType::Se}) {
    if (s == unit_type_name(t)) {
      out = t;
      return true;
    }
  }
  return false;
}

void parse_alignment(const Node& n, ChannelAlignment& a) {
  n.expect_keys({"aligned", "near", "jitter", "multiple"});
  if (n.has("aligned")) a.aligned = probability(n["aligned"]);
  if (n.has("near")) a.near = probability(n["near"]);
  if (n.has("jitter")) a.jitter = int_in(n["jitter"], 1, 1024);
  if (n.has("multiple")) a.multiple = int_in(n["multiple"], 0, kMaxChannels);
  if (a.aligned + a.near > 1 + 1e-12) {
    n.fail("aligned + near must not exceed 1, got " + real_text(a.aligned + a.near));
  }
}

void parse_se(const Node& n, SeDist& se) {
  n.expect_keys({"probability", "ratio"});
  if (n.has("probability")) se.probability = probability(n["probability"]);
  if (n.has("ratio")) se.ratio = real_dist(n["ratio"], 1e-6, 1);
}

const std::vector<std::string>& fused_op_names() {
  static const std::vector<std::string> names = {"add", "mul", "avgpool", "maxpool",
                                                 "global_avgpool"};
  return names;
}

bool parse_fused_op(const std::string& s, wl::OpKind& out) {
  for (const auto& name : fused_op_names()) {
    if (s == name) return wl::parse_op(s, out);
  }
  return false;
}

void parse_fused(const Node& n, FusedDist& f) {
  n.expect_keys({"probability", "ops"});
  if (n.has("probability")) f.probability = probability(n["probability"]);
  if (n.has("ops")) f.ops = name_list<wl::OpKind>(n["ops"], fused_op_names(), parse_fused_op);
}

void parse_context(const Node& n, ContextDist& c) {
  n.expect_keys({"input_on_chip", "output_on_chip", "reserved_fraction", "prefetched"});
  if (n.has("prefetched")) c.prefetched = probability(n["prefetched"]);
  if (n.has("input_on_chip")) c.input_on_chip = probability(n["input_on_chip"]);
  if (n.has("output_on_chip")) c.output_on_chip = probability(n["output_on_chip"]);
  if (n.has("reserved_fraction")) c.reserved_fraction = real_dist(n["reserved_fraction"], 0, 1);
}

// Overrides the fields of `p` that `n` (a map) gives.
void parse_params(const Node& n, UnitParams& p) {
  if (n.has("resolution")) p.resolution = int_dist(n["resolution"], 1, kMaxResolution);
  if (n.has("in_channels")) p.in_channels = int_dist(n["in_channels"], 1, kMaxChannels);
  if (n.has("out_channels")) p.out_channels = int_dist(n["out_channels"], 1, kMaxChannels);
  if (n.has("keep_channels")) p.keep_channels = probability(n["keep_channels"]);
  if (n.has("channel_alignment")) parse_alignment(n["channel_alignment"], p.channel_alignment);
  if (n.has("kernel")) p.kernel = int_dist(n["kernel"], 1, kMaxKernel);
  if (n.has("stride")) p.stride = int_dist(n["stride"], 1, kMaxStride);
  if (n.has("expansion")) p.expansion = int_dist(n["expansion"], 1, kMaxExpansion);
  if (n.has("se")) parse_se(n["se"], p.se);
  if (n.has("precision")) {
    p.precision = precisions(n["precision"]);
  }
  if (n.has("batch")) p.batch = int_dist(n["batch"], 1, wl::kMaxBatch);
  if (n.has("context")) parse_context(n["context"], p.context);
  if (n.has("ops")) p.ops = name_list<wl::OpKind>(n["ops"], vector_op_names(), parse_vector_op);
  if (n.has("fully_connected")) p.fully_connected = probability(n["fully_connected"]);
  if (n.has("fused")) parse_fused(n["fused"], p.fused);
  if (n.has("max_tensor_elements"))
    p.max_tensor_elements = int_in(n["max_tensor_elements"], 1, i64{1} << 40);
}

UnitKind parse_unit(const Node& n, const UnitParams& defaults) {
  n.expect_map();
  std::vector<std::string> keys = param_keys();
  keys.insert(keys.begin(), {"type", "weight"});
  n.expect_keys(keys);
  UnitKind k;
  const Node type = n["type"];
  if (!type.present()) n.fail("missing key 'type'");
  const std::vector<std::string> types = {"conv", "vector", "ibn", "fused_ibn", "se"};
  const std::string t = type.scalar();
  if (!parse_unit_type(t, k.type)) {
    type.fail("unknown unit type '" + t + "'" + suggestion_suffix(t, types) + "; expected " +
              join(types, ", "));
  }
  if (n.has("weight")) k.weight = real_in(n["weight"], 0, 1e9);
  if (n.has("ops") && k.type != UnitType::Vector) n["ops"].fail("applies to vector units only");
  if (n.has("fully_connected") && k.type != UnitType::Conv) {
    n["fully_connected"].fail("applies to conv units only");
  }
  if (n.has("fused") && k.type != UnitType::Conv) n["fused"].fail("applies to conv units only");
  k.params = defaults;
  parse_params(n, k.params);
  return k;
}

Space parse_root(const Node& root, const std::string& default_name) {
  root.expect_map();
  std::vector<std::string> keys = param_keys();
  keys.insert(keys.begin(), {"name", "description", "units"});
  root.expect_keys(keys);
  Space s;
  s.name = root.has("name") ? root["name"].scalar() : default_name;
  if (root.has("description")) root["description"].scalar();  // type check only
  UnitParams defaults;
  parse_params(root, defaults);
  const Node units = root["units"];
  if (!units.present()) root.fail("missing key 'units' (a list of {type, weight, ...})");
  if (!units.is_seq()) units.fail("expected a list of {type, weight, ...}");
  if (units.size() == 0) units.fail("empty list of unit kinds");
  double total = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    s.units.push_back(parse_unit(units.at(i), defaults));
    total += s.units.back().weight;
  }
  if (!(total > 0)) units.fail("every unit kind has weight 0");
  return s;
}

}  // namespace

std::vector<Precision> space_yaml::precisions(const Node& n) {
  return name_list<Precision>(
      n, {"int8", "int16", "fp16", "bf16"},
      [](const std::string& s, Precision& out) { return parse_precision(s, out); });
}

Space parse_space_string(const std::string& yaml, const std::string& source_name) {
  const std::string stem = std::filesystem::path(source_name).stem().string();
  Space s = parse_root(Node::load_string(yaml, source_name), stem);
  s.source = source_name;
  return s;
}

Space load_space(const std::string& name_or_path) {
  for (const auto& p : space_presets()) {
    if (p.name == name_or_path) {
      Space s = parse_root(Node::load_string(p.yaml, "space:" + p.name), p.name);
      s.source = p.name;
      return s;
    }
  }
  const std::string& spec = name_or_path;
  const bool looks_like_path = spec.find('/') != std::string::npos ||
                               spec.find(".yaml") != std::string::npos ||
                               spec.find(".yml") != std::string::npos;
  if (looks_like_path || std::filesystem::exists(spec)) {
    Space s = parse_root(Node::load_file(spec), std::filesystem::path(spec).stem().string());
    s.source = spec;
    return s;
  }
  const std::vector<std::string> names = space_names();
  throw UserError("unknown sampling space '" + spec + "'" + suggestion_suffix(spec, names) +
                  "; spaces: " + join(names, ", ") + ", or give a YAML file path");
}

std::vector<std::string> space_names() {
  std::vector<std::string> names;
  for (const auto& p : space_presets()) names.push_back(p.name);
  return names;
}

}  // namespace accelnas::cal
