#include "hw_models/timing/tile_program.h"

#include <algorithm>
#include <vector>

#include "hw_models/timing/compute_kinds.h"
#include "hw_models/timing/dram_timing.h"

namespace accelnas::hw {
namespace {

// One DMA bus and its completion queue (D1-D3), replayed in issue order, as DmaEngine runs it.
class BusReplay {
 public:
  explicit BusReplay(const HwSpec& hw) : hw_(hw), latency_(hw.dram_latency_cycles()) {}

  // Issues a transfer at `issue`; returns when it completes (in order behind earlier ones).
  std::int64_t request(std::int64_t issue, std::int64_t bytes) {
    const std::int64_t taken = std::max(issue, thread_free_);  // the engine reads it
    std::int64_t ready = taken;
    if (bytes > 0) {
      const DramBusClock::Slot slot = bus_.transfer(issue, dram_bus_time(bytes, hw_));
      busy_ += slot.done - slot.start;
      thread_free_ = std::max(taken, slot.done);
      ready = slot.done + latency_;
    } else {
      thread_free_ = taken;
    }
    completed_ = std::max(completed_, ready);
    return completed_;
  }
  std::int64_t busy() const { return busy_; }

 private:
  const HwSpec& hw_;
  std::int64_t latency_;
  DramBusClock bus_;
  std::int64_t thread_free_ = 0;
  std::int64_t completed_ = 0;
  std::int64_t busy_ = 0;
};

}  // namespace

ProgramTiming replay_tile_program(const LayerJob& job, const TilePlan& plan, const HwSpec& hw) {
  const auto n = static_cast<std::int64_t>(plan.tiles.size());
  const std::int64_t t0 = hw.layer_setup_cycles;
  BusReplay bus(hw);
  thread_local std::vector<std::int64_t> load_done, store_done, compute_end;  // reused scratch
  load_done.assign(static_cast<std::size_t>(n), 0);
  store_done.assign(static_cast<std::size_t>(n), 0);
  compute_end.assign(static_cast<std::size_t>(n), 0);
  auto tile = [&](std::int64_t i) -> const Tile& {
    return plan.tiles[static_cast<std::size_t>(i)];
  };
  auto at = [](std::vector<std::int64_t>& v, std::int64_t i) -> std::int64_t& {
    return v[static_cast<std::size_t>(i)];
  };
  std::int64_t issue = t0;  // the DMA issue thread's clock
  const std::int64_t preload_done = bus.request(issue, plan.preload_bytes);
  for (std::int64_t i = 0; i < std::min<std::int64_t>(2, n); ++i)
    at(load_done, i) = bus.request(issue, tile(i).load_bytes);
  std::int64_t next_load = std::min<std::int64_t>(2, n);
  std::int64_t compute_free = std::max(t0, preload_done);
  for (std::int64_t i = 0; i < n; ++i) {
    // L(i) and S(i-2) are issued once C(i-2) has finished.
    if (i >= 2 && next_load == i) {
      issue = std::max(issue, at(compute_end, i - 2));
      at(load_done, i) = bus.request(issue, tile(i).load_bytes);
      at(store_done, i - 2) = bus.request(issue, tile(i - 2).store_bytes);
      ++next_load;
    }
    std::int64_t start = std::max(compute_free, at(load_done, i));
    if (i >= 2) start = std::max(start, at(store_done, i - 2));
    at(compute_end, i) = start + tile_cycles(job, tile(i), hw);
    compute_free = at(compute_end, i);
  }
  std::int64_t end = compute_free;
  for (std::int64_t i = std::max<std::int64_t>(0, n - 2); i < n; ++i) {
    issue = std::max(issue, at(compute_end, i));
    at(store_done, i) = bus.request(issue, tile(i).store_bytes);
  }
  if (n > 0) end = std::max(end, at(store_done, n - 1));
  return ProgramTiming{end, bus.busy(), std::max<std::int64_t>(0, end - t0 - bus.busy())};
}

}  // namespace accelnas::hw
