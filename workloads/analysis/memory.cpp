// Tensor liveness over an execution order (rules in memory.h).
#include "workloads/analysis/memory.h"

#include <algorithm>

#include "workloads/config/error.h"

namespace accelnas::wl {
namespace {

// Position of every layer in `order`; UserError unless `order` is a topological permutation.
std::vector<std::size_t> positions(const Network& net, const std::vector<std::size_t>& order) {
  const std::size_t n = net.size();
  if (order.size() != n) {
    throw UserError("execution order of network '" + net.name + "' lists " +
                    std::to_string(order.size()) + " layers, the network has " + std::to_string(n));
  }
  std::vector<std::size_t> pos(n, n);
  for (std::size_t t = 0; t < n; ++t) {
    const std::size_t v = order[t];
    if (v >= n)
      throw UserError("execution order: layer index " + std::to_string(v) + " out of range");
    if (pos[v] != n) throw UserError("execution order: layer '" + net.layer(v).name + "' twice");
    pos[v] = t;
  }
  for (std::size_t v = 0; v < n; ++v) {
    for (std::size_t p : net.producers(v)) {
      if (pos[p] > pos[v]) {
        throw UserError("execution order: layer '" + net.layer(v).name +
                        "' runs before its input '" + net.layer(p).name + "'");
      }
    }
  }
  return pos;
}

}  // namespace

std::int64_t analysis_bytes_per_element(Precision p) {
  return p == Precision::Int8 ? 1 : 2;
}

Precision analysis_precision(const Network& net, std::size_t i, const MemoryOptions& opt) {
  return opt.precision ? *opt.precision : net.layer(i).precision;
}

std::int64_t tensor_bytes(const Network& net, std::size_t i, const MemoryOptions& opt) {
  return net.layer(i).out.elements() * opt.batch *
         analysis_bytes_per_element(analysis_precision(net, i, opt));
}

namespace {

// Live bytes at every step of the order whose positions are `pos`, into `live` (n entries; its
// storage reused). A tensor is live from its producer's step (step 0 for an input) to its last
// consumer's, or to the end when nobody consumes it.
void live_bytes(const Network& net, const std::vector<std::size_t>& pos, const MemoryOptions& opt,
                std::vector<std::int64_t>& live) {
  const std::size_t n = net.size();
  // Difference array: +bytes at the first live step, -bytes after the last.
  live.assign(n + 1, 0);
  for (std::size_t v = 0; v < n; ++v) {
    const bool input = net.layer(v).op == OpKind::Input;
    const std::vector<std::size_t>& consumers = net.consumers(v);
    const std::size_t first = input ? 0 : pos[v];
    std::size_t last = n - 1;
    if (!consumers.empty()) {
      last = pos[v];
      for (std::size_t c : consumers) last = std::max(last, pos[c]);
    }
    const std::int64_t bytes = tensor_bytes(net, v, opt);
    live[first] += bytes;
    live[last + 1] -= bytes;
  }
  std::int64_t running = 0;
  for (std::size_t t = 0; t < n; ++t) {
    running += live[t];
    live[t] = running;
  }
  live.pop_back();
}

}  // namespace

std::vector<std::int64_t> live_bytes_per_step(const Network& net,
                                              const std::vector<std::size_t>& order,
                                              const MemoryOptions& opt) {
  ACCELNAS_CHECK(net.finalized(), "live_bytes_per_step: network not finalized");
  std::vector<std::int64_t> live;
  live_bytes(net, positions(net, order), opt, live);
  return live;
}

std::int64_t peak_activation_bytes(const Network& net, const std::vector<std::size_t>& order,
                                   const MemoryOptions& opt) {
  const std::vector<std::int64_t> live = live_bytes_per_step(net, order, opt);
  return live.empty() ? 0 : *std::max_element(live.begin(), live.end());
}

std::int64_t peak_activation_bytes(const Network& net, const MemoryOptions& opt) {
  ACCELNAS_CHECK(net.finalized(), "peak_activation_bytes: network not finalized");
  // The network's own order is topological by construction, so it needs no check; the scratch
  // is this thread's, reused (the estimator calls this for every network it predicts).
  thread_local std::vector<std::size_t> pos;
  thread_local std::vector<std::int64_t> live;
  pos.resize(net.size());
  const std::vector<std::size_t>& order = net.order();
  for (std::size_t t = 0; t < order.size(); ++t) pos[order[t]] = t;
  live_bytes(net, pos, opt, live);
  return live.empty() ? 0 : *std::max_element(live.begin(), live.end());
}

std::string MinPeakOrder::method() const {
  if (exact && states == 0) return "exact (the peak equals one layer's inputs plus output)";
  if (exact && beam_width == 0) {
    return "exact (dynamic programme over " + std::to_string(states) + " executed-layer sets)";
  }
  if (exact) {
    return "exact (a beam search of width " + std::to_string(beam_width) +
           " reached the lower bound, one layer's inputs plus output)";
  }
  return "heuristic (beam search, width " + std::to_string(beam_width) +
         ", after the exact budget was spent; " + std::to_string(states) + " states)";
}

}  // namespace accelnas::wl
