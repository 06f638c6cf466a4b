// IBN block discovery and block / layer selections (rules in select.h).
#include "workloads/transforms/select.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "workloads/config/error.h"
#include "workloads/config/suggest.h"
#include "workloads/config/text.h"

namespace accelnas::wl {
namespace {

std::vector<std::string> split_items(const std::string& spec) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= spec.size(); ++i) {
    if (i == spec.size() || spec[i] == ',') {
      out.push_back(trim(spec.substr(start, i - start)));
      start = i + 1;
    }
  }
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() <= 9 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool is_conv(const Network& net, std::size_t i) {
  return net.layer(i).op == OpKind::Conv2d;
}

bool depthwise_like(const Network& net, std::size_t i) {
  const Layer& l = net.layer(i);
  return l.op == OpKind::Conv2d && l.groups > 1 && l.groups == input_channels(net, i);
}

void find_roles(const Network& net, IbnBlock& b) {
  for (std::size_t i : b.layers) {
    const Layer& l = net.layer(i);
    if (l.role == "expand" && is_conv(net, i) && b.expand == kNoLayer) b.expand = i;
    if (!b.fused && l.role == "depthwise" && depthwise_like(net, i) && b.depthwise == kNoLayer) {
      b.depthwise = i;
    }
  }
  if (!b.fused && b.depthwise == kNoLayer) {
    for (std::size_t i : b.layers) {
      if (depthwise_like(net, i)) {
        b.depthwise = i;
        break;
      }
    }
  }
  if (b.expand != kNoLayer) return;
  if (b.fused) {
    for (std::size_t i : b.layers) {
      if (is_conv(net, i) && net.layer(i).groups == 1) {
        b.expand = i;
        return;
      }
    }
  } else if (b.depthwise != kNoLayer) {
    const std::size_t p = net.producers(b.depthwise).front();
    const Layer& pl = net.layer(p);
    if (pl.block == b.id && pl.op == OpKind::Conv2d && pl.groups == 1) b.expand = p;
  }
}

// " (did you mean: a, b, c?)" with the three closest matches at most.
std::string few_suggestions(const std::string& name, const std::vector<std::string>& candidates) {
  std::vector<std::string> close = close_matches(name, candidates);
  if (close.size() > 3) close.resize(3);
  return close.empty() ? "" : " (did you mean: " + join(close, ", ") + "?)";
}

std::string blocks_available(const std::vector<IbnBlock>& blocks) {
  if (blocks.empty()) return "the network has no IBN blocks";
  std::vector<std::string> ids;
  for (const auto& b : blocks) ids.push_back(b.id);
  return "IBN blocks: " + list_names(ids) + " (indices 0-" + std::to_string(blocks.size() - 1) +
         ")";
}

std::size_t parse_index(const std::vector<IbnBlock>& blocks, const std::string& text,
                        const std::string& item, const std::string& context) {
  const std::size_t v = std::stoul(text);
  if (v >= blocks.size()) {
    throw UserError(context + ": block index " + text + " in '" + item + "' is out of range; " +
                    blocks_available(blocks));
  }
  return v;
}

}  // namespace

std::string list_names(const std::vector<std::string>& names) {
  if (names.size() <= 8) return join(names, ", ");
  return names[0] + ", " + names[1] + ", " + names[2] + ", ..., " + names[names.size() - 2] + ", " +
         names.back() + " (" + std::to_string(names.size()) + " in all)";
}

std::vector<IbnBlock> ibn_blocks(const Network& net) {
  std::vector<IbnBlock> blocks;
  for (std::size_t i : net.order()) {
    const Layer& l = net.layer(i);
    if (l.block.empty() || (l.block_type != "ibn" && l.block_type != "fused_ibn")) continue;
    auto it = std::find_if(blocks.begin(), blocks.end(),
                           [&](const IbnBlock& b) { return b.id == l.block; });
    if (it == blocks.end()) {
      blocks.push_back(IbnBlock{l.block, l.block_type == "fused_ibn", {}, kNoLayer, kNoLayer});
      it = blocks.end() - 1;
    }
    it->layers.push_back(i);
  }
  for (IbnBlock& b : blocks) find_roles(net, b);
  return blocks;
}

std::vector<std::size_t> select_ibn_blocks(const std::vector<IbnBlock>& blocks,
                                           const std::string& spec, const std::string& context) {
  std::set<std::size_t> chosen;
  for (const std::string& item : split_items(spec)) {
    if (item.empty()) {
      throw UserError(context + ": empty item in block list '" + spec +
                      "'; name blocks by id (ibn3), index (2), range (0-3) or 'all'");
    }
    if (item == "all") {
      for (std::size_t k = 0; k < blocks.size(); ++k) chosen.insert(k);
      continue;
    }
    const auto by_id =
        std::find_if(blocks.begin(), blocks.end(), [&](const IbnBlock& b) { return b.id == item; });
    if (by_id != blocks.end()) {
      chosen.insert(static_cast<std::size_t>(by_id - blocks.begin()));
      continue;
    }
    if (all_digits(item)) {
      chosen.insert(parse_index(blocks, item, item, context));
      continue;
    }
    const auto dash = item.find('-');
    if (dash != std::string::npos && all_digits(trim(item.substr(0, dash))) &&
        all_digits(trim(item.substr(dash + 1)))) {
      const std::string lo_text = trim(item.substr(0, dash)), hi_text = trim(item.substr(dash + 1));
      if (std::stoul(lo_text) > std::stoul(hi_text)) {
        throw UserError(context + ": bad block range '" + item +
                        "': the start must not exceed the end");
      }
      const std::size_t lo = parse_index(blocks, lo_text, item, context);
      const std::size_t hi = parse_index(blocks, hi_text, item, context);
      for (std::size_t k = lo; k <= hi; ++k) chosen.insert(k);
      continue;
    }
    std::vector<std::string> ids;
    for (const auto& b : blocks) ids.push_back(b.id);
    throw UserError(context + ": unknown IBN block '" + item + "'" + few_suggestions(item, ids) +
                    "; " + blocks_available(blocks));
  }
  return {chosen.begin(), chosen.end()};
}

bool mentions_all(const std::string& spec) {
  const std::vector<std::string> items = split_items(spec);
  return std::find(items.begin(), items.end(), "all") != items.end();
}

std::vector<std::size_t> select_layers(const Network& net, const std::string& spec,
                                       const std::string& context) {
  std::vector<std::size_t> all(net.size());
  for (std::size_t i = 0; i < net.size(); ++i) all[i] = i;
  if (trim(spec).empty() || trim(spec) == "all") return all;
  std::set<std::size_t> chosen;
  for (const std::string& item : split_items(spec)) {
    if (item.empty()) throw UserError(context + ": empty item in layer list '" + spec + "'");
    bool found = false;
    for (std::size_t i = 0; i < net.size(); ++i) {
      if (net.layer(i).name == item || net.layer(i).block == item) {
        chosen.insert(i);
        found = true;
      }
    }
    if (found) continue;
    std::vector<std::string> names;
    std::set<std::string> blocks;
    for (std::size_t i = 0; i < net.size(); ++i) {
      names.push_back(net.layer(i).name);
      if (!net.layer(i).block.empty() && blocks.insert(net.layer(i).block).second) {
        names.push_back(net.layer(i).block);
      }
    }
    throw UserError(context + ": network '" + net.name + "' has no layer or block '" + item + "'" +
                    few_suggestions(item, names));
  }
  return {chosen.begin(), chosen.end()};
}

}  // namespace accelnas::wl
