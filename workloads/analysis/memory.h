// Activation memory of a network: tensor liveness over an execution order, its peak, and the
// execution order that minimises that peak.
//
// Rules:
// - Bytes per element (analysis only; the hardware description owns the figures the simulator
//   uses, and workloads must not depend on it): int8 1 byte; int16, fp16 and bf16 2 bytes.
// - Every layer's output is one tensor of h * w * c * batch elements, stored at its producer's
//   precision (or at MemoryOptions::precision when set). Input layers produce the network inputs.
// - Liveness: a tensor is live from the step its producer runs up to and including the step its
//   last consumer runs. While a layer runs, the live set holds its inputs and its output (no layer
//   works in place), plus every tensor still awaiting a later consumer: a residual skip tensor
//   therefore stays live across its whole block. Network inputs are live from step 0 (whatever
//   step their input layer has), network outputs (layers without consumers) until the last step.
// - Peak activation memory = the largest live total over the steps.
// - min_peak_order(): the topological order with the smallest peak. Exact minimisation is
//   NP-hard in general, so:
//   1. two upper bounds: the default order (Network::order()) and a greedy order (at each step,
//      the ready layer with the smallest step total, then the smallest live total after it, then
//      the lowest index), and a lower bound: the largest inputs-plus-output of a single layer.
//      When the better upper bound meets the lower bound, it is optimal and no search runs;
//   2. an exact dynamic programme over the sets of executed layers (the live total after a set
//      depends only on the set), one level per step, merging orders that reach the same set and
//      pruning states whose peak so far already reaches the best bound. Its cost is the number of
//      such sets: small for chains and series-parallel networks (residual blocks, a few branches),
//      exponential in the number of independent branches.
//   3. if the states would exceed OrderSearchOptions::max_states, the remaining levels run as a
//      beam search (each level keeps the beam_width states with the smallest peak so far, then
//      the smallest live total, then first found): the result is then a heuristic, never worse
//      than the two upper bounds (exact after all if it meets the lower bound).
//   The search is deterministic. When no order beats the default, the default is returned.
#ifndef ACCELNAS_WORKLOADS_ANALYSIS_MEMORY_H
#define ACCELNAS_WORKLOADS_ANALYSIS_MEMORY_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "workloads/network.h"

namespace accelnas::wl {

struct MemoryOptions {
  std::int64_t batch = 1;
  std::optional<Precision> precision;  // overrides every layer's precision
};

// 1 for int8, 2 for int16 / fp16 / bf16.
std::int64_t analysis_bytes_per_element(Precision p);
// The precision layer i is analysed at: the override, else the layer's own.
Precision analysis_precision(const Network& net, std::size_t i, const MemoryOptions& opt);
// Bytes of layer i's output tensor.
std::int64_t tensor_bytes(const Network& net, std::size_t i, const MemoryOptions& opt = {});

// Live bytes while each step of `order` runs. `order` must list every layer once, each after its
// producers (UserError otherwise).
std::vector<std::int64_t> live_bytes_per_step(const Network& net,
                                              const std::vector<std::size_t>& order,
                                              const MemoryOptions& opt = {});
std::int64_t peak_activation_bytes(const Network& net, const std::vector<std::size_t>& order,
                                   const MemoryOptions& opt = {});
// Under the default order, Network::order().
std::int64_t peak_activation_bytes(const Network& net, const MemoryOptions& opt = {});

struct OrderSearchOptions {
  std::size_t max_states = 200000;  // exact-search budget: executed-set states over all levels
  std::size_t beam_width = 256;     // states kept per level once the budget is spent
};

struct MinPeakOrder {
  std::vector<std::size_t> order;  // the best order found (the default order when none beats it)
  std::int64_t peak_bytes = 0;
  std::int64_t default_peak_bytes = 0;
  bool exact = true;           // proven minimal (false: the beam search was needed)
  std::size_t states = 0;      // executed-set states the search created (0: no search needed)
  std::size_t beam_width = 0;  // the beam width, when the beam search was needed
  bool differs = false;        // order != Network::order()
  // "exact (the peak equals one layer's inputs plus output)", "exact (dynamic programme over N
  // executed-layer sets)" or "heuristic (beam search, width W, after the exact budget ...)".
  std::string method() const;
};

MinPeakOrder min_peak_order(const Network& net, const MemoryOptions& opt = {},
                            const OrderSearchOptions& search = {});

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_ANALYSIS_MEMORY_H
