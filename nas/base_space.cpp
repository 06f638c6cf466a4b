// Base spaces (docs/NAS.md, "Search spaces"): the neighbourhood of an existing network, decoded
// by the workloads transforms, applied only where a choice differs from the base's own value.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "nas/space_impl.h"
#include "workloads/config/error.h"
#include "workloads/loader.h"
#include "workloads/transforms/channels.h"
#include "workloads/transforms/ibn.h"
#include "workloads/transforms/layers.h"
#include "workloads/transforms/select.h"

namespace accelnas::nas::detail {
namespace {

// One searched property of one block: its choices and which of them is the base's own value.
template <class T>
struct Choice {
  std::vector<T> values;
  int base = 0;
  int dim = -1;  // -1: not searched
};

template <class T>
Choice<T> with_base(const std::vector<T>& values, const T& base) {
  Choice<T> c;
  c.values = values;
  const auto it = std::find(c.values.begin(), c.values.end(), base);
  if (it == c.values.end()) {
    c.values.push_back(base);
    std::sort(c.values.begin(), c.values.end());
  }
  c.base = static_cast<int>(std::find(c.values.begin(), c.values.end(), base) - c.values.begin());
  return c;
}

struct Block {
  std::string id;
  std::string project;  // the project layer (widths), empty when the block has none
  Choice<std::string> type;
  Choice<std::int64_t> kernel;
  Choice<double> expansion;
  Choice<double> width;
};

class BaseSpace : public SearchSpace::Impl {
 public:
  wl::Network base;
  std::int64_t align = 1;
  DimTable table;
  Choice<std::int64_t> resolution;
  Choice<double> multiplier;
  std::vector<Block> blocks;

  // What decode does for an encoding: the arch, and the blocks each changed value applies to.
  struct Plan {
    int r = 0, m = 0;
    double mult = 1;
    std::string arch;
    std::vector<std::string> fuse, unfuse;
    std::map<std::int64_t, std::vector<std::string>> kernels;
    std::map<double, std::vector<std::string>> expansions;
    std::map<std::string, double> widths;  // project layer -> width
  };
  Plan plan(const Encoding& e) const;

  Decoded decode(const Encoding& e) const override;
  std::string arch(const Encoding& e) const override { return plan(e).arch; }
  std::optional<Encoding> base_encoding() const override {
    std::vector<int> full(table.all.size(), 0);
    const auto set = [&](const auto& c) {
      if (c.dim >= 0) full[static_cast<std::size_t>(c.dim)] = c.base;
    };
    set(resolution);
    set(multiplier);
    for (const Block& b : blocks) {
      set(b.type);
      set(b.kernel);
      set(b.expansion);
      set(b.width);
    }
    Encoding e;
    for (int d : table.encoded) e.push_back(full[static_cast<std::size_t>(d)]);
    return e;
  }
  const wl::Network* base_network() const override { return &base; }
};

template <class T>
int pick(const std::vector<int>& ix, const Choice<T>& c) {
  return c.dim < 0 ? c.base : ix[static_cast<std::size_t>(c.dim)];
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

BaseSpace::Plan BaseSpace::plan(const Encoding& e) const {
  const std::vector<int> ix = table.expand(e);
  Plan p;
  p.r = pick(ix, resolution);
  p.m = pick(ix, multiplier);
  p.mult = multiplier.values[static_cast<std::size_t>(p.m)];
  std::string& arch = p.arch;
  arch = "r" + std::to_string(resolution.values[static_cast<std::size_t>(p.r)]) + " m" +
         format_real(p.mult);
  auto& fuse = p.fuse;
  auto& unfuse_ids = p.unfuse;
  auto& kernels = p.kernels;
  auto& expansions = p.expansions;
  auto& widths = p.widths;
  for (const Block& b : blocks) {
    const int t = pick(ix, b.type), k = pick(ix, b.kernel), x = pick(ix, b.expansion),
              w = pick(ix, b.width);
    const auto& type = b.type.values[static_cast<std::size_t>(t)];
    arch += " " + b.id + "(" + type;
    if (t != b.type.base) (type == "fused_ibn" ? fuse : unfuse_ids).push_back(b.id);
    if (b.kernel.dim >= 0) {
      arch += " k" + std::to_string(b.kernel.values[static_cast<std::size_t>(k)]);
      if (k != b.kernel.base) kernels[b.kernel.values[static_cast<std::size_t>(k)]].push_back(b.id);
    }
    if (b.expansion.dim >= 0) {
      arch += " e" + format_real(b.expansion.values[static_cast<std::size_t>(x)]);
      if (x != b.expansion.base)
        expansions[b.expansion.values[static_cast<std::size_t>(x)]].push_back(b.id);
    }
    if (b.width.dim >= 0) {
      arch += " w" + format_real(b.width.values[static_cast<std::size_t>(w)]);
      if (w != b.width.base) widths[b.project] = b.width.values[static_cast<std::size_t>(w)];
    }
    arch += ")";
  }
  return p;
}

Decoded BaseSpace::decode(const Encoding& e) const {
  const Plan p = plan(e);
  const int r = p.r, m = p.m;
  const double mult = p.mult;
  Decoded out;
  out.arch = p.arch;
  try {
    wl::Network net = base;
    if (r != resolution.base) {
      const std::int64_t v = resolution.values[static_cast<std::size_t>(r)];
      net = wl::set_resolution(net, v, v);
    }
    if (!p.fuse.empty()) net = wl::fuse_ibn(net, join_ids(p.fuse));
    if (!p.unfuse.empty()) net = wl::unfuse(net, join_ids(p.unfuse));
    for (const auto& [k, ids] : p.kernels)
      net = wl::set_kernel(net, join_ids(ids), static_cast<int>(k));
    for (const auto& [x, ids] : p.expansions) net = wl::set_expansion(net, join_ids(ids), x, align);
    if (m != multiplier.base || !p.widths.empty())
      net = wl::scale_widths(net, mult, p.widths, align);
    out.net = std::move(net);
  } catch (const UserError& err) {
    out.net.reset();
    out.reason = err.what();
  }
  return out;
}

template <class T>
std::vector<std::string> texts(const std::vector<T>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) {
    if constexpr (std::is_same_v<T, std::string>) {
      out.push_back(x);
    } else if constexpr (std::is_same_v<T, double>) {
      out.push_back(format_real(x));
    } else {
      out.push_back(std::to_string(x));
    }
  }
  return out;
}

template <class T>
void add_dim(DimTable& t, const std::string& name, Choice<T>& c) {
  c.dim = t.add(name, texts(c.values));
}

// Whether a width on block `index` (its project layer `project`) changes the network on its own
// terms: its output channels can change (not frozen by a network output) and no earlier IBN
// block's project shares its channel class (residual adds tie a stage's blocks to its first one,
// whose width wins: a later block's width would be a dimension without effect).
bool width_applies(const wl::Network& base, const std::vector<wl::IbnBlock>& blocks,
                   std::size_t index, const std::string& project) {
  wl::Network probe;
  try {
    probe = wl::scale_widths(base, 1.0, {{project, 2.0}}, 1);
  } catch (const UserError&) {
    return false;
  }
  const std::size_t p = base.index_of(project);
  if (probe.layer(p).out.c == base.layer(p).out.c) return false;
  for (std::size_t i = 0; i < index; ++i) {
    for (std::size_t li : blocks[i].layers) {
      if (base.layer(li).role == "project" && probe.layer(li).out.c != base.layer(li).out.c)
        return false;
    }
  }
  return true;
}

}  // namespace

std::shared_ptr<SearchSpace::Impl> parse_base(const cfg::Node& root, std::int64_t pf,
                                              const std::string& folder) {
  auto s = std::make_shared<BaseSpace>();
  root.expect_keys({"name", "description", "base", "resolution", "depth_multiplier", "blocks",
                    "channel_multiple"});
  const cfg::Node base_node = root["base"];
  if (!base_node.is_scalar()) base_node.fail("expected a zoo spec or a network file");
  std::string spec = base_node.scalar();
  if (wl::is_model_file(spec) && !folder.empty() && std::filesystem::path(spec).is_relative())
    spec = (std::filesystem::path(folder) / spec).string();
  try {
    s->base = wl::resolve_model(spec);
  } catch (const UserError& err) {
    base_node.fail("cannot load the base network: " + std::string(err.what()));
  }
  s->align = root["channel_multiple"].present() ? parse_multiple(root["channel_multiple"], pf) : pf;
  DimTable& t = s->table;

  // Resolution: the base's own input size (square inputs only).
  std::int64_t base_res = 0;
  for (std::size_t i = 0; i < s->base.size(); ++i) {
    const wl::Layer& l = s->base.layer(i);
    if (l.op != wl::OpKind::Input) continue;
    if (l.input_shape.h != l.input_shape.w || (base_res && base_res != l.input_shape.h))
      base_res = -1;
    if (base_res == 0) base_res = l.input_shape.h;
  }
  if (root["resolution"].present()) {
    if (base_res < 1) root["resolution"].fail("the base's inputs are not one square size");
    s->resolution = with_base(int_choices(root["resolution"], 1, 8192), base_res);
  } else {
    s->resolution = with_base(std::vector<std::int64_t>{}, std::max<std::int64_t>(base_res, 0));
  }
  add_dim(t, "resolution", s->resolution);
  s->multiplier =
      with_base(root["depth_multiplier"].present() ? real_choices(root["depth_multiplier"], 0, 8)
                                                   : std::vector<double>{},
                1.0);
  add_dim(t, "depth_multiplier", s->multiplier);

  if (root["blocks"].present()) {
    const cfg::Node n = root["blocks"];
    n.expect_map();
    n.expect_keys({"select", "type", "kernel", "expansion", "width"});
    const std::vector<wl::IbnBlock> all = wl::ibn_blocks(s->base);
    std::vector<std::size_t> selected;
    try {
      selected = wl::select_ibn_blocks(all, n["select"].present() ? n["select"].scalar() : "all",
                                       "blocks.select");
    } catch (const UserError& err) {
      (n["select"].present() ? n["select"] : n).fail(err.what());
    }
    if (selected.empty()) n.fail("the base has no IBN or fused-IBN block to search");
    const auto types = n["type"].present() ? word_choices(n["type"], {"ibn", "fused_ibn"})
                                           : std::vector<std::string>{};
    const auto kernels =
        n["kernel"].present() ? int_choices(n["kernel"], 1, 15) : std::vector<std::int64_t>{};
    const auto expansions =
        n["expansion"].present() ? real_choices(n["expansion"], 0, 64) : std::vector<double>{};
    const auto widths =
        n["width"].present() ? real_choices(n["width"], 0, 8) : std::vector<double>{};
    for (std::size_t index : selected) {
      const wl::IbnBlock& ib = all[index];
      Block b;
      b.id = ib.id;
      const std::string own = ib.fused ? "fused_ibn" : "ibn";
      // The other type is offered only where the transform applies to this block; the choices
      // keep the file's order, the block's own type first when the file does not list it.
      if (std::find(types.begin(), types.end(), own) == types.end()) b.type.values.push_back(own);
      for (const auto& type : types) {
        bool ok = type == own;
        if (!ok) {
          try {
            if (type == "fused_ibn") {
              wl::fuse_ibn(s->base, ib.id);
            } else {
              wl::unfuse(s->base, ib.id);
            }
            ok = true;
          } catch (const UserError&) {
          }
        }
        if (ok) b.type.values.push_back(type);
      }
      b.type.base = static_cast<int>(std::find(b.type.values.begin(), b.type.values.end(), own) -
                                     b.type.values.begin());
      // Kernel: of the depthwise, or of the fused block's KxK conv.
      const std::size_t kx = ib.fused ? ib.expand : ib.depthwise;
      const std::int64_t base_k = kx == wl::kNoLayer ? 0 : s->base.layer(kx).kernel_h;
      if (!kernels.empty() && base_k > 0) b.kernel = with_base(kernels, base_k);
      // Expansion: expanded / input channels.
      if (!expansions.empty()) {
        const std::size_t first = ib.layers.front();
        const std::int64_t in = wl::input_channels(s->base, first);
        const std::size_t hidden = ib.fused ? ib.expand : ib.depthwise;
        if (hidden != wl::kNoLayer && in > 0) {
          const double ratio =
              static_cast<double>(s->base.layer(hidden).out.c) / static_cast<double>(in);
          b.expansion = with_base(expansions, ratio);
        }
      }
      for (std::size_t li : ib.layers)
        if (s->base.layer(li).role == "project") b.project = s->base.layer(li).name;
      if (!widths.empty() && !b.project.empty() && width_applies(s->base, all, index, b.project))
        b.width = with_base(widths, 1.0);
      if (!types.empty()) add_dim(t, b.id + ".type", b.type);
      if (b.kernel.values.size()) add_dim(t, b.id + ".kernel", b.kernel);
      if (b.expansion.values.size()) add_dim(t, b.id + ".expansion", b.expansion);
      if (b.width.values.size()) add_dim(t, b.id + ".width", b.width);
      s->blocks.push_back(std::move(b));
    }
  }
  t.finish(*s);
  return s;
}

}  // namespace accelnas::nas::detail
