// min_peak_order(): bounds, exact dynamic programme over executed-layer sets, beam fallback
// (method and limits in memory.h).
#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_map>

#include "workloads/analysis/memory.h"
#include "workloads/config/error.h"

namespace accelnas::wl {
namespace {

using Bits = std::vector<std::uint64_t>;

bool test_bit(const Bits& b, std::size_t v) {
  return (b[v >> 6] >> (v & 63)) & 1U;
}
void set_bit(Bits& b, std::size_t v) {
  b[v >> 6] |= std::uint64_t{1} << (v & 63);
}

struct BitsHash {
  std::size_t operator()(const Bits& b) const {
    std::uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (std::uint64_t w : b) {
      h ^= w + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
      h *= 0xbf58476d1ce4e5b9ULL;
    }
    return static_cast<std::size_t>(h ^ (h >> 31));
  }
};

// The network reduced to what liveness needs.
struct Problem {
  std::size_t n = 0;
  std::vector<std::int64_t> bytes;  // output tensor of each layer
  std::vector<std::int64_t> add;    // bytes that become live when the layer runs (0: inputs)
  std::vector<bool> keep;           // network outputs stay live to the end
  std::vector<std::vector<std::size_t>> producers, consumers;  // unique
  std::int64_t base = 0;                                       // network inputs, live at step 0

  Problem(const Network& net, const MemoryOptions& opt) : n(net.size()) {
    for (std::size_t v = 0; v < n; ++v) {
      bytes.push_back(tensor_bytes(net, v, opt));
      const bool input = net.layer(v).op == OpKind::Input;
      add.push_back(input ? 0 : bytes.back());
      if (input) base += bytes.back();
      std::vector<std::size_t> p = net.producers(v);
      std::sort(p.begin(), p.end());
      p.erase(std::unique(p.begin(), p.end()), p.end());
      producers.push_back(std::move(p));
      consumers.push_back(net.consumers(v));
      keep.push_back(consumers.back().empty());
    }
  }

  bool ready(const Bits& done, std::size_t v) const {
    if (test_bit(done, v)) return false;
    return std::all_of(producers[v].begin(), producers[v].end(),
                       [&](std::size_t p) { return test_bit(done, p); });
  }

  // Live bytes after v ran; `done` already includes v, `resident` is the total before it ran.
  std::int64_t after(const Bits& done, std::size_t v, std::int64_t resident) const {
    std::int64_t r = resident + add[v];
    for (std::size_t p : producers[v]) {
      if (keep[p]) continue;
      const bool all = std::all_of(consumers[p].begin(), consumers[p].end(),
                                   [&](std::size_t c) { return test_bit(done, c); });
      if (all) r -= bytes[p];
    }
    return r;
  }
};

// At each step the ready layer with the smallest step total, then live total after, then index.
std::vector<std::size_t> greedy_order(const Problem& pb) {
  Bits done((pb.n + 63) / 64, 0);
  std::int64_t resident = pb.base;
  std::vector<std::size_t> order;
  for (std::size_t step = 0; step < pb.n; ++step) {
    std::size_t best = pb.n;
    std::int64_t best_step = 0, best_after = 0;
    for (std::size_t v = 0; v < pb.n; ++v) {
      if (!pb.ready(done, v)) continue;
      Bits next = done;
      set_bit(next, v);
      const std::int64_t s = resident + pb.add[v];
      const std::int64_t a = pb.after(next, v, resident);
      if (best == pb.n || s < best_step || (s == best_step && a < best_after)) {
        best = v;
        best_step = s;
        best_after = a;
      }
    }
    ACCELNAS_CHECK(best < pb.n, "greedy_order: no ready layer in a finalized network");
    set_bit(done, best);
    resident = best_after;
    order.push_back(best);
  }
  return order;
}

struct State {
  Bits done;
  std::int64_t peak = 0;      // largest step total so far
  std::int64_t resident = 0;  // live bytes after the executed set
  std::uint32_t trace = 0;    // index into this level's steps
};
struct Step {
  std::uint32_t parent = 0;  // index into the previous level's steps
  std::uint32_t node = 0;
};

class Search {
 public:
  Search(const Problem& pb, const OrderSearchOptions& opt, std::int64_t bound)
      : pb_(pb), opt_(opt), bound_(bound) {}

  // The best order strictly below the bound, if one was found.
  std::optional<std::vector<std::size_t>> run() {
    steps_.assign(pb_.n + 1, {});
    steps_[0].push_back(Step{});
    std::vector<State> cur(1);
    cur[0].done.assign((pb_.n + 63) / 64, 0);
    cur[0].resident = pb_.base;
    total_ = 1;
    for (std::size_t level = 0; level < pb_.n && !cur.empty(); ++level) {
      const std::size_t limit = opt_.max_states > total_ ? opt_.max_states - total_ : 0;
      std::optional<std::vector<State>> next;
      if (!beam_) next = expand(cur, level, limit);
      if (!next) {
        beam_ = true;
        truncate(cur);
        next = expand(cur, level, std::numeric_limits<std::size_t>::max());
      }
      total_ += next->size();
      if (beam_) truncate(*next);
      cur = std::move(*next);
    }
    if (cur.empty()) return std::nullopt;
    peak_ = cur.front().peak;
    std::vector<std::size_t> order(pb_.n);
    std::uint32_t idx = cur.front().trace;
    for (std::size_t level = pb_.n; level > 0; --level) {
      order[level - 1] = steps_[level][idx].node;
      idx = steps_[level][idx].parent;
    }
    return order;
  }

  bool exact() const { return !beam_; }
  std::size_t states() const { return total_; }
  std::int64_t peak() const { return peak_; }

 private:
  std::optional<std::vector<State>> expand(const std::vector<State>& cur, std::size_t level,
                                           std::size_t limit) {
    std::vector<State> next;
    std::vector<Step>& steps = steps_[level + 1];
    steps.clear();
    std::unordered_map<Bits, std::uint32_t, BitsHash> index;
    for (const State& s : cur) {
      for (std::size_t v = 0; v < pb_.n; ++v) {
        if (!pb_.ready(s.done, v)) continue;
        const std::int64_t peak = std::max(s.peak, s.resident + pb_.add[v]);
        if (peak >= bound_) continue;
        Bits done = s.done;
        set_bit(done, v);
        const auto it = index.find(done);
        if (it != index.end()) {
          State& old = next[it->second];
          if (peak < old.peak) {
            old.peak = peak;
            steps[old.trace] = Step{s.trace, static_cast<std::uint32_t>(v)};
          }
          continue;
        }
        if (next.size() >= limit) {
          steps.clear();
          return std::nullopt;
        }
        State n;
        n.resident = pb_.after(done, v, s.resident);
        n.peak = peak;
        n.trace = static_cast<std::uint32_t>(steps.size());
        steps.push_back(Step{s.trace, static_cast<std::uint32_t>(v)});
        index.emplace(done, static_cast<std::uint32_t>(next.size()));
        n.done = std::move(done);
        next.push_back(std::move(n));
      }
    }
    return next;
  }

  // Keeps the beam_width states with the smallest (peak, resident), first found on ties.
  void truncate(std::vector<State>& states) const {
    if (states.size() <= opt_.beam_width) return;
    std::stable_sort(states.begin(), states.end(), [](const State& a, const State& b) {
      return a.peak != b.peak ? a.peak < b.peak : a.resident < b.resident;
    });
    states.resize(std::max<std::size_t>(opt_.beam_width, 1));
  }

  const Problem& pb_;
  const OrderSearchOptions& opt_;
  std::int64_t bound_;
  std::vector<std::vector<Step>> steps_;
  std::size_t total_ = 0;
  std::int64_t peak_ = 0;
  bool beam_ = false;
};

// No order can go below the largest step total of a single layer: its distinct inputs plus its
// output.
std::int64_t lower_bound(const Problem& pb) {
  std::int64_t lb = 0;
  for (std::size_t v = 0; v < pb.n; ++v) {
    std::int64_t step = pb.bytes[v];
    for (std::size_t p : pb.producers[v]) step += pb.bytes[p];
    lb = std::max(lb, step);
  }
  return lb;
}

}  // namespace

MinPeakOrder min_peak_order(const Network& net, const MemoryOptions& opt,
                            const OrderSearchOptions& search) {
  ACCELNAS_CHECK(net.finalized(), "min_peak_order: network not finalized");
  MinPeakOrder r;
  r.order = net.order();
  r.default_peak_bytes = peak_activation_bytes(net, r.order, opt);
  r.peak_bytes = r.default_peak_bytes;
  if (net.size() == 0) return r;

  const Problem pb(net, opt);
  const std::vector<std::size_t> greedy = greedy_order(pb);
  const std::int64_t greedy_peak = peak_activation_bytes(net, greedy, opt);
  if (greedy_peak < r.peak_bytes) {
    r.order = greedy;
    r.peak_bytes = greedy_peak;
  }
  const std::int64_t lb = lower_bound(pb);
  if (r.peak_bytes > lb) {
    Search s(pb, search, r.peak_bytes);
    if (auto better = s.run()) {
      r.order = std::move(*better);
      r.peak_bytes = peak_activation_bytes(net, r.order, opt);
      ACCELNAS_CHECK(r.peak_bytes == s.peak(), "min_peak_order: search and liveness disagree");
    }
    r.exact = s.exact() || r.peak_bytes == lb;
    r.states = s.states();
    if (!s.exact()) r.beam_width = std::max<std::size_t>(search.beam_width, 1);
  }
  r.differs = r.order != net.order();
  return r;
}

}  // namespace accelnas::wl
