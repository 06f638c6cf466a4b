// fuse_ibn and unfuse (rules in ibn.h).
#include <map>
#include <set>

#include "workloads/config/error.h"
#include "workloads/transforms/ibn.h"
#include "workloads/transforms/rebuild.h"
#include "workloads/transforms/select.h"

namespace accelnas::wl {
namespace {

[[noreturn]] void fail(const std::string& context, const IbnBlock& b, const std::string& why) {
  throw UserError(context + ": block '" + b.id + "' " + why);
}

bool zero_padding(const Layer& l) {
  const Padding& p = l.resolved_padding;
  return p.top == 0 && p.left == 0 && p.bottom == 0 && p.right == 0;
}

void copy_window(const Layer& from, Layer& to) {
  to.kernel_h = from.kernel_h;
  to.kernel_w = from.kernel_w;
  to.stride_h = from.stride_h;
  to.stride_w = from.stride_w;
  to.same_padding = from.same_padding;
  to.padding = from.padding;
}

// Why block b cannot be fused, or "" when it can.
std::string fuse_obstacle(const Network& net, const IbnBlock& b) {
  if (b.depthwise == kNoLayer) return "has no depthwise convolution to fuse";
  if (b.expand == kNoLayer) return "";
  const Layer& ex = net.layer(b.expand);
  if (ex.kernel_h != 1 || ex.kernel_w != 1 || ex.stride_h != 1 || ex.stride_w != 1 ||
      ex.groups != 1 || !zero_padding(ex)) {
    return "cannot be fused: its expand layer '" + ex.name +
           "' is not a 1x1 stride-1 convolution with groups 1 and no padding";
  }
  std::string others;
  for (std::size_t c : net.consumers(b.expand)) {
    if (c != b.depthwise) others += (others.empty() ? "'" : ", '") + net.layer(c).name + "'";
  }
  if (!others.empty()) {
    return "cannot be fused: the output of its expand layer '" + ex.name + "' also feeds " + others;
  }
  return "";
}

}  // namespace

Network fuse_ibn(const Network& net, const std::string& blocks, std::vector<std::string>* skipped) {
  const std::string context = "fuse_ibn";
  const std::vector<IbnBlock> all = ibn_blocks(net);
  const bool skip_wrong_kind = mentions_all(blocks);
  std::vector<Layer> layers = copy_layers(net);
  std::vector<bool> removed(layers.size(), false);
  std::map<std::string, std::string> renames;
  std::set<std::string> fused_ids;
  for (std::size_t k : select_ibn_blocks(all, blocks, context)) {
    const IbnBlock& b = all[k];
    if (b.fused) {
      if (skip_wrong_kind) continue;
      fail(context, b, "is already fused");
    }
    const std::string obstacle = fuse_obstacle(net, b);
    if (!obstacle.empty()) {
      if (!skip_wrong_kind) fail(context, b, obstacle);
      if (skipped != nullptr) skipped->push_back(b.id + " " + obstacle);
      continue;
    }
    const Layer& dw = net.layer(b.depthwise);
    if (b.expand == kNoLayer) {
      Layer& f = layers[b.depthwise];
      f.groups = 1;
      f.role = "expand";
    } else {
      Layer& f = layers[b.expand];
      copy_window(dw, f);
      f.groups = 1;
      f.out_channels = dw.out_channels;
      f.epilogue = dw.epilogue;
      f.role = "expand";
      removed[b.depthwise] = true;
      renames[dw.name] = f.name;
    }
    fused_ids.insert(b.id);
  }
  std::vector<Layer> out;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (removed[i]) continue;
    if (fused_ids.count(layers[i].block) != 0) layers[i].block_type = "fused_ibn";
    out.push_back(std::move(layers[i]));
  }
  rename_inputs(out, renames);
  return rebuild(net, std::move(out), context);
}

Network unfuse(const Network& net, const std::string& blocks) {
  const std::string context = "unfuse";
  const std::vector<IbnBlock> all = ibn_blocks(net);
  const bool skip_wrong_kind = mentions_all(blocks);
  std::vector<Layer> layers = copy_layers(net);
  std::map<std::string, std::string> renames;
  std::map<std::size_t, Layer> insert_after;  // new depthwise layers, after their expand
  std::set<std::string> unfused_ids;
  std::vector<Layer> names = layers;  // every name in use, for unique_name
  for (std::size_t k : select_ibn_blocks(all, blocks, context)) {
    const IbnBlock& b = all[k];
    if (!b.fused) {
      if (skip_wrong_kind) continue;
      fail(context, b, "is not fused (block_type '" + net.layer(b.layers[0]).block_type + "')");
    }
    if (b.expand == kNoLayer || net.layer(b.expand).groups != 1) {
      fail(context, b, "has no KxK full convolution (role 'expand') to unfuse");
    }
    const std::int64_t in_c = input_channels(net, b.expand);
    Layer& f = layers[b.expand];
    unfused_ids.insert(b.id);
    if (f.out_channels == in_c) {
      f.groups = static_cast<int>(in_c);
      f.role = "depthwise";
      continue;
    }
    Layer dw = f;
    dw.name = unique_name(names, b.id + "_dw");
    dw.inputs = {f.name};
    dw.groups = static_cast<int>(f.out_channels);
    dw.role = "depthwise";
    names.push_back(dw);
    renames[f.name] = dw.name;
    f.kernel_h = f.kernel_w = 1;
    f.stride_h = f.stride_w = 1;
    f.padding = Padding{};
    f.role = "expand";
    insert_after.emplace(b.expand, std::move(dw));
  }
  rename_inputs(layers, renames);
  std::vector<Layer> out;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    out.push_back(std::move(layers[i]));
    const auto it = insert_after.find(i);
    if (it != insert_after.end()) out.push_back(it->second);
  }
  for (Layer& l : out) {
    if (unfused_ids.count(l.block) != 0) l.block_type = "ibn";
  }
  return rebuild(net, std::move(out), context);
}

}  // namespace accelnas::wl
