// dw_to_conv, set_resolution and set_precision (rules in layers.h).
#include "workloads/transforms/layers.h"

#include <cmath>
#include <set>

#include "workloads/config/error.h"
#include "workloads/config/text.h"
#include "workloads/transforms/rebuild.h"
#include "workloads/transforms/select.h"

namespace accelnas::wl {
namespace {

bool depthwise_like(const Network& net, std::size_t i) {
  const Layer& l = net.layer(i);
  return l.op == OpKind::Conv2d && l.groups > 1 && l.groups == input_channels(net, i);
}

// Named layers (not blocks, not "all") must be depthwise; named blocks must contain one.
void check_named(const Network& net, const std::string& spec) {
  std::size_t start = 0;
  for (std::size_t i = 0; i <= spec.size(); ++i) {
    if (i != spec.size() && spec[i] != ',') continue;
    const std::string item = trim(spec.substr(start, i - start));
    start = i + 1;
    if (item.empty() || item == "all") continue;
    bool block = false, block_has_dw = false;
    for (std::size_t k = 0; k < net.size(); ++k) {
      if (net.layer(k).name == item && !depthwise_like(net, k) && net.layer(k).block != item) {
        throw UserError("dw_to_conv: layer '" + item + "' is not a depthwise convolution (" +
                        op_name(net.layer(k).op) + ", groups " +
                        std::to_string(net.layer(k).groups) + ")");
      }
      if (net.layer(k).block == item) {
        block = true;
        block_has_dw = block_has_dw || depthwise_like(net, k);
      }
    }
    if (block && !block_has_dw) {
      throw UserError("dw_to_conv: block '" + item + "' has no depthwise convolution");
    }
  }
}

}  // namespace

Network dw_to_conv(const Network& net, const std::string& layers) {
  const std::string context = "dw_to_conv";
  const std::vector<std::size_t> chosen = select_layers(net, layers, context);
  check_named(net, layers);
  std::vector<Layer> out = copy_layers(net);
  for (std::size_t i : chosen) {
    if (!depthwise_like(net, i)) continue;
    out[i].groups = 1;
    if (out[i].role == "depthwise") out[i].role = "conv";
  }
  return rebuild(net, std::move(out), context);
}

Network set_resolution(const Network& net, std::int64_t h, std::int64_t w) {
  const std::string context = "set_resolution";
  if (h < 1 || w < 1 || h > 65536 || w > 65536) {
    throw UserError(context + ": resolution must be in [1, 65536] on each axis, got " +
                    std::to_string(h) + "x" + std::to_string(w));
  }
  std::vector<Layer> out = copy_layers(net);
  const Layer* first = nullptr;
  for (const Layer& l : out) {
    if (l.op != OpKind::Input) continue;
    if (first != nullptr &&
        (l.input_shape.h != first->input_shape.h || l.input_shape.w != first->input_shape.w)) {
      throw UserError(context + ": inputs '" + first->name + "' (" + to_string(first->input_shape) +
                      ") and '" + l.name + "' (" + to_string(l.input_shape) +
                      ") differ in size; set_resolution needs one");
    }
    if (first == nullptr) first = &l;
  }
  if (first == nullptr) throw UserError(context + ": network '" + net.name + "' has no input");
  const double ry = static_cast<double>(h) / static_cast<double>(first->input_shape.h);
  const double rx = static_cast<double>(w) / static_cast<double>(first->input_shape.w);
  for (Layer& l : out) {
    if (l.op == OpKind::Resize) {
      l.out_h = std::max<std::int64_t>(1, std::llround(static_cast<double>(l.out_h) * ry));
      l.out_w = std::max<std::int64_t>(1, std::llround(static_cast<double>(l.out_w) * rx));
    }
  }
  for (Layer& l : out) {
    if (l.op == OpKind::Input) {
      l.input_shape.h = h;
      l.input_shape.w = w;
    }
  }
  return rebuild(net, std::move(out), context + " " + std::to_string(h) + "x" + std::to_string(w));
}

Network set_precision(const Network& net, const std::string& layers, Precision p) {
  const std::string context = "set_precision";
  std::vector<Layer> out = copy_layers(net);
  for (std::size_t i : select_layers(net, layers, context)) out[i].precision = p;
  const bool all = trim(layers).empty() || trim(layers) == "all";
  Network result = rebuild(net, std::move(out), context);
  if (all) result.default_precision = p;
  return result;
}

}  // namespace accelnas::wl
