// Random MobileNet-like networks (net_space.h), and their YAML spaces, parsed strictly through
// the project's config node like the unit sampling spaces.
#include "calibration/labels/net_space.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include "calibration/labels/sampler.h"
#include "workloads/config/error.h"
#include "workloads/config/node.h"
#include "workloads/config/suggest.h"
#include "workloads/zoo/blocks.h"
#include "workloads/zoo/builder.h"

namespace accelnas::cal {
namespace {

using i64 = std::int64_t;
using cfg::Node;
using namespace space_yaml;

constexpr int kSizeAttempts = 1000;
constexpr i64 kMaxResolution = 4096;
constexpr i64 kMaxChannels = 65536;

// ---- drawing ----

// Channels grown to `c`, then put on, next to, or left off the multiple (ChannelAlignment).
i64 align(Rng& rng, double c, const ChannelAlignment& a, i64 m) {
  const double u = rng.uniform();
  const i64 grown = std::max<i64>(1, std::llround(c));
  if (u >= a.aligned + a.near) return grown;
  const i64 base = std::max<i64>(1, std::llround(c / static_cast<double>(m))) * m;
  if (u < a.aligned) return base;
  const i64 step = rng.between(1, std::max<i64>(1, a.jitter));
  const i64 v = rng.chance(0.5) || base - step < 1 ? base + step : base - step;
  return v;
}

i64 largest_tensor(const wl::Network& net) {
  i64 most = 0;
  for (std::size_t i = 0; i < net.size(); ++i) most = std::max(most, net.layer(i).out.elements());
  return most;
}

class NetBuilder {
 public:
  NetBuilder(Rng& rng, const NetSpace& s, i64 multiple) : rng_(rng), s_(s), m_(multiple) {}

  wl::Network build(const std::string& name) {
    const Precision base = s_.precision[rng_.below(s_.precision.size())];
    const bool mixed = rng_.chance(s_.mixed_precision);
    const bool per_layer = mixed && rng_.chance(s_.per_layer);
    wl::NetworkBuilder b(name, base);
    const i64 r = draw(rng_, s_.resolution);
    std::string x = b.input("image", wl::Shape{r, r, 3});
    x = b.conv("stem", x, channels(static_cast<double>(draw(rng_, s_.stem_channels))), 3, 2,
               wl::bn(wl::Activation::Relu6));
    const i64 stages = draw(rng_, s_.stages);
    double c = static_cast<double>(draw(rng_, s_.first_channels));
    int index = 0;
    for (i64 stage = 0; stage < stages; ++stage) {
      if (stage > 0) c = std::min(c * draw(rng_, s_.growth), static_cast<double>(s_.max_channels));
      const i64 out = std::min(channels(c), s_.max_channels);
      const i64 repeats = draw(rng_, s_.repeats);
      const int stride = static_cast<int>(draw(rng_, s_.stride));
      for (i64 rep = 0; rep < repeats; ++rep) {
        x = block(b, "ibn" + std::to_string(++index), x, out, rep == 0 ? stride : 1);
      }
    }
    x = b.pw("head", x, channels(static_cast<double>(draw(rng_, s_.head_channels))),
             wl::bn(wl::Activation::Relu6));
    x = b.global_avgpool("pool", x);
    b.fc("classifier", x, s_.classes, wl::bias());
    wl::Network net = b.build(name);
    if (mixed) mix_precision(net, per_layer);
    return net;
  }

 private:
  i64 channels(double c) { return align(rng_, c, s_.channel_alignment, m_); }

  std::string block(wl::NetworkBuilder& b, const std::string& id, const std::string& in, i64 out,
                    int stride) {
    const i64 in_c = b.channels(in);
    wl::zoo::IbnSpec spec;
    spec.kernel = static_cast<int>(draw(rng_, s_.kernel));
    spec.stride = stride;
    spec.fused = rng_.chance(s_.fused);
    spec.expanded = in_c * draw(rng_, s_.expansion);
    spec.out = out;
    if (rng_.chance(s_.se.probability)) {
      spec.se.reduced =
          std::max<i64>(1, static_cast<i64>(static_cast<double>(in_c) * draw(rng_, s_.se.ratio)));
    }
    return wl::zoo::inverted_bottleneck(b, id, in, spec);
  }

  // One precision per layer, or one per block (a lone layer is a block of its own).
  void mix_precision(wl::Network& net, bool per_layer) {
    std::map<std::string, Precision> by_block;
    for (std::size_t i = 0; i < net.size(); ++i) {
      if (net.layer(i).op == wl::OpKind::Input) continue;
      const Precision p = s_.precision[rng_.below(s_.precision.size())];
      const std::string& block = net.layer(i).block;
      if (per_layer || block.empty()) {
        net.mutable_layer(i).precision = p;
      } else {
        net.mutable_layer(i).precision = by_block.emplace(block, p).first->second;
      }
    }
    net.finalize();
  }

  Rng& rng_;
  const NetSpace& s_;
  i64 m_;
};

// ---- parsing ----

NetSpace parse_root(const Node& root, const std::string& stem) {
  root.expect_map();
  root.expect_keys({"name",
                    "description",
                    "resolution",
                    "stages",
                    "repeats",
                    "stride",
                    "stem_channels",
                    "first_channels",
                    "growth",
                    "max_channels",
                    "channel_alignment",
                    "head_channels",
                    "classes",
                    "expansion",
                    "kernel",
                    "fused",
                    "se",
                    "precision",
                    "mixed_precision",
                    "max_tensor_elements"});
  NetSpace s;
  s.name = root.has("name") ? root["name"].scalar() : stem;
  s.description = root.has("description") ? root["description"].scalar() : "";
  if (root.has("resolution")) s.resolution = int_dist(root["resolution"], 8, kMaxResolution);
  if (root.has("stages")) s.stages = int_dist(root["stages"], 1, 32);
  if (root.has("repeats")) s.repeats = int_dist(root["repeats"], 1, 32);
  if (root.has("stride")) s.stride = int_dist(root["stride"], 1, 2);
  if (root.has("stem_channels")) s.stem_channels = int_dist(root["stem_channels"], 1, kMaxChannels);
  if (root.has("first_channels"))
    s.first_channels = int_dist(root["first_channels"], 1, kMaxChannels);
  if (root.has("growth")) s.growth = real_dist(root["growth"], 0.25, 4);
  if (root.has("max_channels")) s.max_channels = int_in(root["max_channels"], 1, kMaxChannels);
  if (root.has("channel_alignment")) {
    const Node a = root["channel_alignment"];
    a.expect_keys({"aligned", "near", "jitter", "multiple"});
    if (a.has("aligned")) s.channel_alignment.aligned = real_in(a["aligned"], 0, 1);
    if (a.has("near")) s.channel_alignment.near = real_in(a["near"], 0, 1);
    if (a.has("jitter")) s.channel_alignment.jitter = int_in(a["jitter"], 1, 64);
    if (a.has("multiple")) s.channel_alignment.multiple = int_in(a["multiple"], 0, 4096);
    if (s.channel_alignment.aligned + s.channel_alignment.near > 1)
      a.fail("aligned + near must not exceed 1");
  }
  if (root.has("head_channels")) s.head_channels = int_dist(root["head_channels"], 1, kMaxChannels);
  if (root.has("classes")) s.classes = int_in(root["classes"], 1, kMaxChannels);
  if (root.has("expansion")) s.expansion = int_dist(root["expansion"], 1, 32);
  if (root.has("kernel")) s.kernel = int_dist(root["kernel"], 1, 31);
  if (root.has("fused")) s.fused = real_in(root["fused"], 0, 1);
  if (root.has("se")) {
    const Node se = root["se"];
    se.expect_keys({"probability", "ratio"});
    if (se.has("probability")) s.se.probability = real_in(se["probability"], 0, 1);
    if (se.has("ratio")) s.se.ratio = real_dist(se["ratio"], 1e-3, 1);
  }
  if (root.has("precision")) s.precision = precisions(root["precision"]);
  if (root.has("mixed_precision")) {
    const Node m = root["mixed_precision"];
    m.expect_keys({"probability", "per_layer"});
    if (m.has("probability")) s.mixed_precision = real_in(m["probability"], 0, 1);
    if (m.has("per_layer")) s.per_layer = real_in(m["per_layer"], 0, 1);
  }
  if (root.has("max_tensor_elements"))
    s.max_tensor_elements = int_in(root["max_tensor_elements"], 0, INT64_C(1) << 40);
  return s;
}

}  // namespace

std::vector<std::string> net_space_names() {
  return {"mobilenet"};
}

NetSpace net_space_preset(const std::string& name) {
  if (name == "mobilenet") return NetSpace{};
  throw UserError("unknown network space '" + name + "'" +
                  suggestion_suffix(name, net_space_names()) +
                  "; built-in: " + join(net_space_names(), ", ") + ", or a YAML file");
}

NetSpace parse_net_space_string(const std::string& yaml, const std::string& source_name) {
  const std::string stem = std::filesystem::path(source_name).stem().string();
  NetSpace s = parse_root(Node::load_string(yaml, source_name), stem);
  s.source = source_name;
  return s;
}

NetSpace load_net_space(const std::string& spec) {
  std::error_code ec;
  const bool file = spec.find('/') != std::string::npos ||
                    (spec.size() > 5 && spec.compare(spec.size() - 5, 5, ".yaml") == 0) ||
                    std::filesystem::exists(spec, ec);
  if (!file) return net_space_preset(spec);
  NetSpace s = parse_root(Node::load_file(spec), std::filesystem::path(spec).stem().string());
  s.source = spec;
  return s;
}

NetSampler::NetSampler(NetSpace space, std::int64_t pf, std::uint64_t seed)
    : space_(std::move(space)), seed_(seed) {
  if (pf < 1) throw UserError("network sampler: parallelism factor below 1");
  multiple_ = space_.channel_alignment.multiple > 0 ? space_.channel_alignment.multiple : pf;
  if (space_.precision.empty())
    throw UserError("network space '" + space_.name + "': no precision");
}

wl::Network NetSampler::sample(std::uint64_t index) const {
  Rng rng(seed_, index);
  const std::string name = space_.name + "_" + std::to_string(seed_) + "_" + std::to_string(index);
  for (int attempt = 0; attempt < kSizeAttempts; ++attempt) {
    NetBuilder builder(rng, space_, multiple_);
    wl::Network net = builder.build(name);
    if (space_.max_tensor_elements == 0 || largest_tensor(net) <= space_.max_tensor_elements)
      return net;
  }
  throw UserError("network space '" + space_.name + "': network " + std::to_string(index) +
                  ": no draw within max_tensor_elements " +
                  std::to_string(space_.max_tensor_elements) + " in " +
                  std::to_string(kSizeAttempts) + " draws");
}

}  // namespace accelnas::cal
