// Macro spaces (docs/NAS.md, "Search spaces"): a network family of stages, decoded by one pass
// of wl::NetworkBuilder (no transforms, no YAML at decode time).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "nas/space_impl.h"
#include "workloads/config/error.h"
#include "workloads/transforms/channels.h"
#include "workloads/zoo/blocks.h"
#include "workloads/zoo/builder.h"
#include "workloads/zoo/heads.h"

namespace accelnas::nas::detail {
namespace {

const std::vector<std::string> kActivations = {"relu", "relu6", "hswish"};
const std::vector<std::string> kPrecisions = {"int8", "int16", "fp16", "bf16"};
const std::vector<std::string> kBlocks = {"ibn", "fused_ibn", "conv"};
const std::vector<std::string> kHeads = {"classifier", "ssdlite", "lraspp"};
constexpr std::int64_t kMaxChannels = 65536;
constexpr std::int64_t kMaxDepth = 32;

// Channel choices as resolved on the hardware, and the quantum the depth multiplier rounds to.
struct Channels {
  std::vector<std::int64_t> values;
  std::int64_t quantum = 1;
};

Channels parse_channels(const cfg::Node& n, std::int64_t pf) {
  Channels c;
  if (!n.present()) n.fail("missing key");
  if (!n.is_map()) {
    c.values = int_choices(n, 1, kMaxChannels);
    return c;
  }
  if (n.has("multiples_of")) {
    n.expect_keys({"multiples_of", "values"});
    c.quantum = parse_multiple(n["multiples_of"], pf);
    if (!n["values"].present()) n.fail("missing key 'values'");
    for (std::int64_t v : int_choices(n["values"], 1, kMaxChannels)) {
      if (v * c.quantum > kMaxChannels) {
        n["values"].fail(std::to_string(v) + " x " + std::to_string(c.quantum) +
                         " channels is over the limit of " + std::to_string(kMaxChannels));
      }
      c.values.push_back(v * c.quantum);
    }
    return c;
  }
  if (n.has("range")) {
    n.expect_keys({"range", "step"});
    const cfg::Node r = n["range"];
    if (!r.is_seq() || r.size() != 2) r.fail("expected [lo, hi]");
    const std::int64_t lo = r.at(0).as_int(), hi = r.at(1).as_int();
    if (lo < 1 || hi > kMaxChannels) {
      r.fail("expected channels from 1 to " + std::to_string(kMaxChannels));
    }
    if (lo > hi) r.fail("inverted range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    c.quantum = n["step"].present() ? parse_multiple(n["step"], pf) : 1;
    for (std::int64_t v = (lo + c.quantum - 1) / c.quantum * c.quantum; v <= hi; v += c.quantum)
      c.values.push_back(v);
    if (c.values.empty()) {
      n.fail("no multiple of " + std::to_string(c.quantum) + " in [" + std::to_string(lo) + ", " +
             std::to_string(hi) + "]");
    }
    return c;
  }
  n.fail(
      "expected a list of channel counts, {multiples_of: pf | N, values: [...]} or "
      "{range: [lo, hi], step: N}");
}

std::vector<std::string> to_text(const std::vector<std::int64_t>& v) {
  std::vector<std::string> out;
  for (auto x : v) out.push_back(std::to_string(x));
  return out;
}

std::vector<bool> bool_choices(const cfg::Node& n) {
  std::vector<bool> out;
  for (const cfg::Node& c : choice_nodes(n)) {
    const bool v = c.as_bool();
    for (bool seen : out)
      if (seen == v) c.fail(std::string("duplicate choice ") + (v ? "true" : "false"));
    out.push_back(v);
  }
  return out;
}

template <class T, class F>
std::vector<T> parse_words(const cfg::Node& n, const std::vector<std::string>& allowed, F parse) {
  std::vector<T> out;
  for (const auto& w : word_choices(n, allowed)) {
    T v{};
    parse(w, v);
    out.push_back(v);
  }
  return out;
}

std::vector<wl::Activation> activation_choices(const cfg::Node& n) {
  return parse_words<wl::Activation>(
      n, kActivations, [](const std::string& w, wl::Activation& a) { wl::parse_activation(w, a); });
}

std::vector<Precision> precision_choices(const cfg::Node& n) {
  return parse_words<Precision>(n, kPrecisions,
                                [](const std::string& w, Precision& p) { parse_precision(w, p); });
}

std::vector<std::string> activation_text(const std::vector<wl::Activation>& v) {
  std::vector<std::string> out;
  for (auto a : v) out.push_back(wl::activation_name(a));
  return out;
}

std::vector<std::string> precision_text(const std::vector<Precision>& v) {
  std::vector<std::string> out;
  for (auto p : v) out.push_back(precision_name(p));
  return out;
}

struct Stem {
  Channels channels;
  std::vector<std::int64_t> kernels;
  int stride = 2;
  std::vector<wl::Activation> activations;
  std::vector<Precision> precisions;
  int d_channels, d_kernel, d_activation, d_precision;
};

struct Stage {
  std::int64_t depth_lo = 0, depth_hi = 0;
  int stride = 1;
  std::vector<std::string> blocks;
  std::vector<std::int64_t> kernels;
  std::vector<double> expansions;
  std::vector<bool> se;
  std::vector<wl::Activation> activations;
  Channels channels;
  std::vector<Precision> precisions;
  int d_depth, d_block, d_kernel, d_expansion, d_se, d_activation, d_channels;
  std::vector<int> d_precision;  // one per block slot
};

struct Head {
  std::string type;
  bool has_channels = false;
  Channels channels;
  std::vector<wl::Activation> activations;
  std::vector<Precision> precisions;
  std::int64_t classes = 1000;
  std::vector<std::int64_t> extra_depths;  // ssdlite
  std::int64_t inter_channels = 128;       // lraspp
  int d_channels = -1, d_activation, d_precision;
};

class MacroSpace : public SearchSpace::Impl {
 public:
  DimTable table;
  std::vector<std::int64_t> resolutions;
  std::vector<double> multipliers;
  int d_resolution = 0, d_multiplier = 0;
  Stem stem;
  std::vector<Stage> stages;
  Head head;

  Decoded decode(const Encoding& e) const override;
  std::string arch(const Encoding& e) const override { return arch_of(table.expand(e)); }
  std::string arch_of(const std::vector<int>& ix) const;
};

// The features a head can tap: layer name, output stride and spatial size.
struct Tap {
  std::string layer;
  std::int64_t stride = 1, size = 0;
};

std::int64_t scaled(const Channels& c, int index, double m) {
  const std::int64_t v = c.values[static_cast<std::size_t>(index)];
  return m == 1.0 ? v : wl::round_to_multiple(static_cast<double>(v) * m, c.quantum);
}

std::string MacroSpace::arch_of(const std::vector<int>& ix) const {
  const auto at = [&](int dim) {
    return static_cast<std::size_t>(ix[static_cast<std::size_t>(dim)]);
  };
  const double m = multipliers[at(d_multiplier)];
  std::string arch = "r" + std::to_string(resolutions[at(d_resolution)]);
  arch += " stem(c" +
          std::to_string(scaled(stem.channels, static_cast<int>(at(stem.d_channels)), m)) + " k" +
          std::to_string(stem.kernels[at(stem.d_kernel)]) + " " +
          wl::activation_name(stem.activations[at(stem.d_activation)]) + " " +
          precision_name(stem.precisions[at(stem.d_precision)]) + ")";
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const Stage& st = stages[s];
    const std::int64_t depth = st.depth_lo + static_cast<std::int64_t>(at(st.d_depth));
    arch += " s" + std::to_string(s + 1) + "(";
    if (depth == 0) {
      arch += "-)";
      continue;
    }
    const std::string& type = st.blocks[at(st.d_block)];
    arch +=
        type + " x" + std::to_string(depth) + " k" + std::to_string(st.kernels[at(st.d_kernel)]);
    if (type != "conv") {
      arch += " e" + format_real(st.expansions[at(st.d_expansion)]) +
              (st.se[at(st.d_se)] ? " se" : " nose");
    }
    arch += std::string(" ") + wl::activation_name(st.activations[at(st.d_activation)]) + " c" +
            std::to_string(scaled(st.channels, static_cast<int>(at(st.d_channels)), m)) + " s" +
            std::to_string(st.stride) + " ";
    for (std::int64_t j = 0; j < depth; ++j) {
      arch += std::string(j ? "," : "") +
              precision_name(st.precisions[at(st.d_precision[static_cast<std::size_t>(j)])]);
    }
    arch += ")";
  }
  const std::int64_t hc =
      head.has_channels ? scaled(head.channels, static_cast<int>(at(head.d_channels)), m) : 0;
  arch += " head(" + head.type + (hc ? " c" + std::to_string(hc) : std::string()) + " " +
          wl::activation_name(head.activations[at(head.d_activation)]) + " " +
          precision_name(head.precisions[at(head.d_precision)]) + ")";
  return arch;
}

Decoded MacroSpace::decode(const Encoding& e) const {
  const std::vector<int> ix = table.expand(e);
  const auto at = [&](int dim) { return ix[static_cast<std::size_t>(dim)]; };
  const std::int64_t res = resolutions[static_cast<std::size_t>(at(d_resolution))];
  const double m = multipliers[static_cast<std::size_t>(at(d_multiplier))];
  Decoded out;
  out.arch = arch_of(ix);

  const auto act = [](const std::vector<wl::Activation>& v, int i) {
    return v[static_cast<std::size_t>(i)];
  };
  const auto prec = [](const std::vector<Precision>& v, int i) {
    return v[static_cast<std::size_t>(i)];
  };
  try {
    wl::NetworkBuilder b(name);
    std::string x = b.input("image", wl::Shape{res, res, 3});
    // Stem.
    const std::int64_t stem_c = scaled(stem.channels, at(stem.d_channels), m);
    const int stem_k = static_cast<int>(stem.kernels[static_cast<std::size_t>(at(stem.d_kernel))]);
    const wl::Activation stem_a = act(stem.activations, at(stem.d_activation));
    const Precision stem_p = prec(stem.precisions, at(stem.d_precision));
    b.set_precision(stem_p);
    x = b.conv("stem", x, stem_c, stem_k, stem.stride, wl::bn(stem_a));
    std::vector<Tap> taps;
    std::int64_t stride = stem.stride, size = (res + stem.stride - 1) / stem.stride;
    taps.push_back({x, stride, size});
    int index = 0;
    for (std::size_t s = 0; s < stages.size(); ++s) {
      const Stage& st = stages[s];
      const std::int64_t depth = st.depth_lo + at(st.d_depth);
      if (depth == 0) continue;
      const std::string& type = st.blocks[static_cast<std::size_t>(at(st.d_block))];
      const int k = static_cast<int>(st.kernels[static_cast<std::size_t>(at(st.d_kernel))]);
      const double expansion = st.expansions[static_cast<std::size_t>(at(st.d_expansion))];
      const bool se = st.se[static_cast<std::size_t>(at(st.d_se))];
      const wl::Activation a = act(st.activations, at(st.d_activation));
      const std::int64_t c = scaled(st.channels, at(st.d_channels), m);
      for (std::int64_t j = 0; j < depth; ++j) {
        const int block_stride = j == 0 ? st.stride : 1;
        const Precision p = prec(st.precisions, at(st.d_precision[static_cast<std::size_t>(j)]));
        b.set_precision(p);
        ++index;
        if (type == "conv") {
          const std::string id = "conv" + std::to_string(index);
          b.begin_block(id, "conv");
          x = b.role("conv").conv(id, x, c, k, block_stride, wl::bn(a));
          b.end_block();
        } else {
          wl::zoo::IbnSpec spec;
          spec.kernel = k;
          spec.stride = block_stride;
          spec.expanded = std::max<std::int64_t>(
              1, std::llround(static_cast<double>(b.channels(x)) * expansion));
          spec.out = c;
          spec.activation = a;
          spec.fused = type == "fused_ibn";
          if (se) {
            spec.se = {wl::zoo::make_divisible(static_cast<double>(spec.expanded / 4)),
                       wl::Activation::HSigmoid};
          }
          x = wl::zoo::inverted_bottleneck(b, "ibn" + std::to_string(index), x, spec);
        }
        stride *= block_stride;
        size = (size + block_stride - 1) / block_stride;
        taps.push_back({x, stride, size});
      }
    }
    // Head.
    const Precision hp = prec(head.precisions, at(head.d_precision));
    const wl::Activation ha = act(head.activations, at(head.d_activation));
    const std::int64_t hc = head.has_channels ? scaled(head.channels, at(head.d_channels), m) : 0;
    b.set_precision(hp);
    const auto last_at = [&](std::int64_t os) -> const Tap* {
      const Tap* found = nullptr;
      for (const Tap& t : taps)
        if (t.stride == os) found = &t;
      return found;
    };
    if (head.type == "classifier") {
      wl::zoo::classifier_head(b, x, hc, head.classes, ha);
    } else if (head.type == "ssdlite") {
      const Tap* os16 = last_at(16);
      if (!os16) {
        out.reason = "ssdlite head: no features at output stride 16 to tap";
        return out;
      }
      const std::string os16_layer = os16->layer;
      const std::string last = hc ? b.pw("last_conv", x, hc, wl::bn(ha)) : x;
      wl::zoo::ssdlite_head(b, {os16_layer, last}, head.extra_depths, head.classes);
    } else {
      const Tap* os8 = last_at(8);
      if (!os8) {
        out.reason = "lraspp head: no features at output stride 8 to tap";
        return out;
      }
      const Tap low = *os8;
      const std::string high = hc ? b.pw("last_conv", x, hc, wl::bn(ha)) : x;
      wl::zoo::lraspp_head(b, high, low.layer, low.size, res, head.classes, head.inter_channels);
    }
    out.net = b.take(name);
  } catch (const UserError& err) {
    out.net.reset();
    out.reason = err.what();
  }
  return out;
}

void check_keys(const cfg::Node& n, const std::vector<std::string>& keys) {
  n.expect_map();
  n.expect_keys(keys);
}

cfg::Node required(const cfg::Node& parent, const std::string& key) {
  const cfg::Node n = parent[key];
  if (!n.present()) parent.fail("missing key '" + key + "'");
  return n;
}

}  // namespace

std::shared_ptr<SearchSpace::Impl> parse_macro(const cfg::Node& root, std::int64_t pf) {
  auto s = std::make_shared<MacroSpace>();
  check_keys(root,
             {"name", "description", "resolution", "depth_multiplier", "stem", "stages", "head"});
  DimTable& t = s->table;
  s->resolutions = int_choices(required(root, "resolution"), 1, 8192);
  s->d_resolution = t.add("resolution", to_text(s->resolutions));
  s->multipliers = root["depth_multiplier"].present() ? real_choices(root["depth_multiplier"], 0, 8)
                                                      : std::vector<double>{1.0};
  {
    std::vector<std::string> text;
    for (double v : s->multipliers) text.push_back(format_real(v));
    s->d_multiplier = t.add("depth_multiplier", text);
  }
  // Stem.
  {
    const cfg::Node n = required(root, "stem");
    check_keys(n, {"channels", "kernel", "stride", "activation", "precision"});
    Stem& st = s->stem;
    st.channels = parse_channels(required(n, "channels"), pf);
    st.kernels =
        n["kernel"].present() ? int_choices(n["kernel"], 1, 15) : std::vector<std::int64_t>{3};
    if (n["stride"].present()) {
      const std::int64_t v = n["stride"].as_int();
      if (v < 1 || v > 4)
        n["stride"].fail("expected a stride from 1 to 4, got " + std::to_string(v));
      st.stride = static_cast<int>(v);
    }
    st.activations = n["activation"].present() ? activation_choices(n["activation"])
                                               : std::vector<wl::Activation>{wl::Activation::Relu6};
    st.precisions = n["precision"].present() ? precision_choices(n["precision"])
                                             : std::vector<Precision>{Precision::Int8};
    st.d_channels = t.add("stem.channels", to_text(st.channels.values));
    st.d_kernel = t.add("stem.kernel", to_text(st.kernels));
    st.d_activation = t.add("stem.activation", activation_text(st.activations));
    st.d_precision = t.add("stem.precision", precision_text(st.precisions));
  }
  // Stages.
  {
    const cfg::Node list = required(root, "stages");
    if (!list.is_seq() || list.size() == 0) list.fail("expected a non-empty list of stages");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const cfg::Node n = list.at(i);
      check_keys(n, {"depth", "stride", "block", "kernel", "expansion", "se", "activation",
                     "channels", "precision"});
      const std::string p = "stage" + std::to_string(i + 1) + ".";
      Stage st;
      const cfg::Node d = required(n, "depth");
      if (d.is_seq()) {
        if (d.size() != 2) d.fail("expected [min, max] or one block count");
        st.depth_lo = d.at(0).as_int();
        st.depth_hi = d.at(1).as_int();
      } else {
        st.depth_lo = st.depth_hi = d.as_int();
      }
      if (st.depth_lo < 0 || st.depth_hi > kMaxDepth) {
        d.fail("expected block counts from 0 to " + std::to_string(kMaxDepth));
      }
      if (st.depth_lo > st.depth_hi) {
        d.fail("inverted depth range [" + std::to_string(st.depth_lo) + ", " +
               std::to_string(st.depth_hi) + "]");
      }
      if (n["stride"].present()) {
        const std::int64_t v = n["stride"].as_int();
        if (v != 1 && v != 2) n["stride"].fail("expected stride 1 or 2, got " + std::to_string(v));
        st.stride = static_cast<int>(v);
      }
      st.blocks = word_choices(required(n, "block"), kBlocks);
      st.kernels = int_choices(required(n, "kernel"), 1, 15);
      st.expansions =
          n["expansion"].present() ? real_choices(n["expansion"], 0, 16) : std::vector<double>{6.0};
      st.se = n["se"].present() ? bool_choices(n["se"]) : std::vector<bool>{false};
      st.activations = n["activation"].present()
                           ? activation_choices(n["activation"])
                           : std::vector<wl::Activation>{wl::Activation::Relu6};
      st.channels = parse_channels(required(n, "channels"), pf);
      st.precisions = n["precision"].present() ? precision_choices(n["precision"])
                                               : std::vector<Precision>{Precision::Int8};
      std::vector<std::string> depths;
      for (std::int64_t v = st.depth_lo; v <= st.depth_hi; ++v) depths.push_back(std::to_string(v));
      st.d_depth = t.add(p + "depth", depths);
      st.d_block = t.add(p + "block", st.blocks);
      st.d_kernel = t.add(p + "kernel", to_text(st.kernels));
      {
        std::vector<std::string> text;
        for (double v : st.expansions) text.push_back(format_real(v));
        st.d_expansion = t.add(p + "expansion", text);
      }
      {
        std::vector<std::string> text;
        for (bool v : st.se) text.push_back(v ? "true" : "false");
        st.d_se = t.add(p + "se", text);
      }
      st.d_activation = t.add(p + "activation", activation_text(st.activations));
      st.d_channels = t.add(p + "channels", to_text(st.channels.values));
      for (std::int64_t j = 0; j < st.depth_hi; ++j) {
        st.d_precision.push_back(t.add(p + "block" + std::to_string(j + 1) + ".precision",
                                       precision_text(st.precisions)));
      }
      s->stages.push_back(std::move(st));
    }
  }
  // Head.
  {
    const cfg::Node n = required(root, "head");
    n.expect_map();
    Head& h = s->head;
    if (!required(n, "type").is_scalar()) n["type"].fail("expected one head type");
    h.type = word_choices(n["type"], kHeads).front();
    if (h.type == "classifier") {
      check_keys(n, {"type", "channels", "activation", "precision", "classes"});
    } else if (h.type == "ssdlite") {
      check_keys(n, {"type", "channels", "activation", "precision", "classes", "extra_depths"});
    } else {
      check_keys(n, {"type", "channels", "activation", "precision", "classes", "inter_channels"});
    }
    h.classes = h.type == "ssdlite" ? 1 : h.type == "lraspp" ? 21 : 1000;
    if (n["classes"].present()) {
      h.classes = n["classes"].as_int();
      if (h.classes < 1 || h.classes > 100000)
        n["classes"].fail("expected 1 to 100000 classes, got " + std::to_string(h.classes));
    }
    h.has_channels = n["channels"].present();
    if (h.has_channels) h.channels = parse_channels(n["channels"], pf);
    h.activations = n["activation"].present() ? activation_choices(n["activation"])
                                              : std::vector<wl::Activation>{wl::Activation::Relu6};
    h.precisions = n["precision"].present() ? precision_choices(n["precision"])
                                            : std::vector<Precision>{Precision::Int8};
    if (h.type == "ssdlite") {
      h.extra_depths = wl::zoo::ssdlite_extra_depths(1.0);
      if (n["extra_depths"].present()) {
        const cfg::Node list = n["extra_depths"];
        if (!list.is_seq()) list.fail("expected a list of channel counts");
        h.extra_depths.clear();
        for (std::size_t i = 0; i < list.size(); ++i) {
          const std::int64_t v = list.at(i).as_int();
          if (v < 2 || v > kMaxChannels)
            list.at(i).fail("expected 2 to " + std::to_string(kMaxChannels) + " channels");
          h.extra_depths.push_back(v);
        }
      }
    }
    if (n["inter_channels"].present()) {
      h.inter_channels = n["inter_channels"].as_int();
      if (h.inter_channels < 1 || h.inter_channels > kMaxChannels)
        n["inter_channels"].fail("expected 1 to " + std::to_string(kMaxChannels) + " channels");
    }
    if (h.has_channels) h.d_channels = t.add("head.channels", to_text(h.channels.values));
    h.d_activation = t.add("head.activation", activation_text(h.activations));
    h.d_precision = t.add("head.precision", precision_text(h.precisions));
  }
  t.finish(*s);
  return s;
}

}  // namespace accelnas::nas::detail
