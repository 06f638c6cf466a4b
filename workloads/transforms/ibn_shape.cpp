// set_kernel and set_expansion (rules in ibn.h).
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

#include "workloads/config/error.h"
#include "workloads/transforms/channel_classes.h"
#include "workloads/transforms/channels.h"
#include "workloads/transforms/ibn.h"
#include "workloads/transforms/rebuild.h"
#include "workloads/transforms/select.h"

namespace accelnas::wl {
namespace {

[[noreturn]] void fail(const std::string& context, const IbnBlock& b, const std::string& why) {
  throw UserError(context + ": block '" + b.id + "' " + why);
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void set_square_kernel(Layer& l, int k) {
  l.kernel_h = l.kernel_w = k;
  if (l.same_padding) return;
  const int lo = (k - 1) / 2, hi = k - 1 - lo;
  l.padding = Padding{lo, lo, hi, hi};
}

// Phase 1: a 1x1 expand before the depthwise of each selected ibn block without one.
Network insert_expands(const Network& net, const std::vector<IbnBlock>& all,
                       const std::vector<std::size_t>& chosen) {
  std::vector<Layer> layers = copy_layers(net);
  std::map<std::size_t, Layer> insert_before;
  std::vector<Layer> names = layers;
  for (std::size_t k : chosen) {
    const IbnBlock& b = all[k];
    if (b.fused || b.expand != kNoLayer || b.depthwise == kNoLayer) continue;
    Layer& dw = layers[b.depthwise];
    Layer ex = dw;
    ex.name = unique_name(names, b.id + "_expand");
    ex.kernel_h = ex.kernel_w = 1;
    ex.stride_h = ex.stride_w = 1;
    ex.same_padding = true;
    ex.padding = Padding{};
    ex.groups = 1;
    ex.out_channels = input_channels(net, b.depthwise);
    ex.role = "expand";
    names.push_back(ex);
    dw.inputs = {ex.name};
    insert_before.emplace(b.depthwise, std::move(ex));
  }
  if (insert_before.empty()) return net;
  std::vector<Layer> out;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto it = insert_before.find(i);
    if (it != insert_before.end()) out.push_back(it->second);
    out.push_back(std::move(layers[i]));
  }
  return rebuild(net, std::move(out), "set_expansion");
}

// Phase 3: expansion 1 in an ibn block means no expand layer.
Network remove_expands(const Network& net, const std::vector<IbnBlock>& all,
                       const std::vector<std::size_t>& chosen) {
  std::vector<Layer> layers = copy_layers(net);
  std::vector<bool> removed(layers.size(), false);
  bool any = false;
  for (std::size_t k : chosen) {
    const IbnBlock& b = all[k];
    if (b.fused || b.expand == kNoLayer || b.depthwise == kNoLayer) continue;
    const std::vector<std::size_t>& consumers = net.consumers(b.expand);
    if (consumers.size() != 1 || consumers[0] != b.depthwise) continue;  // kept, at in channels
    layers[b.depthwise].inputs = layers[b.expand].inputs;
    removed[b.expand] = true;
    any = true;
  }
  if (!any) return net;
  std::vector<Layer> out;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!removed[i]) out.push_back(std::move(layers[i]));
  }
  return rebuild(net, std::move(out), "set_expansion");
}

}  // namespace

Network set_kernel(const Network& net, const std::string& blocks, int k) {
  const std::string context = "set_kernel";
  if (k < 1 || k > 15) {
    throw UserError(context + ": kernel must be in [1, 15], got " + std::to_string(k));
  }
  const std::vector<IbnBlock> all = ibn_blocks(net);
  std::vector<Layer> layers = copy_layers(net);
  for (std::size_t idx : select_ibn_blocks(all, blocks, context)) {
    const IbnBlock& b = all[idx];
    const std::size_t target = b.fused ? b.expand : b.depthwise;
    if (target == kNoLayer) {
      fail(context, b,
           b.fused ? "has no KxK convolution (role 'expand')" : "has no depthwise convolution");
    }
    set_square_kernel(layers[target], k);
  }
  return rebuild(net, std::move(layers), context);
}

Network set_expansion(const Network& net, const std::string& blocks, double e, std::int64_t align) {
  const std::string context = "set_expansion";
  if (!std::isfinite(e) || e <= 0 || e > 64) {
    throw UserError(context + ": expansion must be > 0 and <= 64, got " + number(e));
  }
  if (align < 1 || align > 65536) {
    throw UserError(context + ": align must be an integer in [1, 65536], got " +
                    std::to_string(align));
  }
  const std::vector<IbnBlock> before = ibn_blocks(net);
  const std::vector<std::size_t> chosen = select_ibn_blocks(before, blocks, context);
  for (std::size_t k : chosen) {
    const IbnBlock& b = before[k];
    if (!b.fused && b.depthwise == kNoLayer) fail(context, b, "has no depthwise convolution");
  }
  const bool one = e == 1.0;
  const Network grown = one ? net : insert_expands(net, before, chosen);
  const std::vector<IbnBlock> all = ibn_blocks(grown);  // same blocks, same indices
  const ChannelClasses cc(grown);
  std::map<int, std::int64_t> values;
  for (std::size_t k : chosen) {
    const IbnBlock& b = all[k];
    if (b.expand == kNoLayer) continue;  // e == 1 and no expand: nothing to do
    const int r = cc.root(cc.var_of(b.expand));
    if (cc.frozen(r)) fail(context, b, "has expanded channels tied to a network input or output");
    for (std::size_t m : cc.members(r)) {
      if (grown.layer(m).block != b.id) {
        fail(context, b,
             "has expanded channels tied to layer '" + grown.layer(m).name + "' outside the block");
      }
    }
    const std::int64_t in_c = input_channels(grown, b.expand);
    const std::int64_t q = std::lcm(align, cc.quantum(r));
    values[r] = one && !b.fused ? in_c : round_to_multiple(static_cast<double>(in_c) * e, q);
  }
  const Network widened = cc.apply(
      grown,
      [&](int r) {
        const auto it = values.find(r);
        return it == values.end() ? cc.original(r) : it->second;
      },
      context);
  return one ? remove_expands(widened, ibn_blocks(widened), chosen) : widened;
}

}  // namespace accelnas::wl
