// plan_layer(): the mapper (tiler.cpp) behind a per-thread memo of the last plans.
#include <cstdint>
#include <cstring>
#include <vector>

#include "hw_models/tiler.h"
#include "hw_models/tiler_internal.h"

namespace accelnas::hw {

using i64 = std::int64_t;

namespace {

// The memo of plan_layer (tiler.h): the last jobs this thread mapped, direct-mapped by a hash of
// everything the mapper reads of the job and the hardware, and compared in full.
struct MemoEntry {
  std::vector<i64> key;
  TilePlan plan;
};
constexpr std::size_t kMemoSlots = 256;

thread_local std::vector<MemoEntry> memo;
thread_local std::vector<i64> memo_key;

void push_hw(const HwSpec& hw, std::vector<i64>& k) {
  auto bits = [](double d) {
    i64 v = 0;
    static_assert(sizeof v == sizeof d);
    std::memcpy(&v, &d, sizeof v);
    return v;
  };
  k.insert(k.end(),
           {static_cast<i64>(hw.compute_kind), hw.parallelism_factor, hw.dot_width,
            hw.pipeline_latency_cycles, static_cast<i64>(hw.depthwise),
            static_cast<i64>(hw.small_channel_packing), hw.vector_lanes,
            hw.vector_pipeline_latency_cycles, hw.sram_weight_bytes, hw.sram_activation_bytes,
            bits(hw.dram_bandwidth_bytes_per_s), bits(hw.dram_latency_s), bits(hw.clock_hz),
            hw.layer_setup_cycles, hw.tiling_min_bands, hw.fusion_eltwise, hw.fusion_pooling,
            hw.prefetch_weights});
  for (const PrecisionSpec& p : hw.precisions) k.insert(k.end(), {p.cycles_per_step, p.bytes});
}

void push_job(const LayerJob& j, std::vector<i64>& k) {
  k.insert(k.end(), {static_cast<i64>(j.engine),
                     static_cast<i64>(j.precision),
                     j.rows,
                     j.cols,
                     j.kernel_h,
                     j.kernel_w,
                     j.groups,
                     j.in_channels_per_group,
                     j.out_channels_per_group,
                     j.depthwise,
                     j.macs,
                     j.vector_ops,
                     static_cast<i64>(j.fused_op),
                     j.fused_vector_ops,
                     j.fused_halo_rows,
                     j.weight_bytes,
                     j.prefetched_weight_bytes,
                     j.output_bytes,
                     j.output_whole,
                     j.output_on_chip,
                     j.output_to_dram,
                     j.reserved_activation_bytes,
                     static_cast<i64>(j.inputs.size())});
  for (const OperandDesc& op : j.inputs)
    k.insert(k.end(),
             {op.bytes, op.rows, op.halo_rows, op.cols, op.halo_cols, op.on_chip, op.whole});
}

std::uint64_t hash_key(const std::vector<i64>& k) {
  std::uint64_t h = 1469598103934665603ull;
  for (const i64 v : k) {
    h ^= static_cast<std::uint64_t>(v);
    h *= 1099511628211ull;
    h ^= h >> 29;
  }
  return h;
}

// `to` becomes a copy of `from`, keeping the storage of its tile list (`from`'s list is lent
// out and back, so nothing is allocated once warm).
void copy_plan(TilePlan& from, TilePlan& to) {
  std::vector<Tile> tiles = std::move(to.tiles);
  tiles.assign(from.tiles.begin(), from.tiles.end());
  std::vector<Tile> lent;
  lent.swap(from.tiles);
  to = from;  // every field but the (now empty) tile list
  lent.swap(from.tiles);
  to.tiles = std::move(tiles);
}

}  // namespace

void plan_layer(const LayerJob& job, const HwSpec& hw, TilePlan& plan) {
  // A job is often mapped more than once in a row (the planner's fusion check and weight
  // prefetch ask for it, then the simulator runs it): the memo answers the repeats. The job's
  // name is not part of the key (a plan does not depend on it) but an unmappable job is never
  // memoised, so its error names the layer asked about.
  memo_key.clear();
  push_hw(hw, memo_key);
  push_job(job, memo_key);
  if (memo.empty()) memo.resize(kMemoSlots);
  MemoEntry& e = memo[hash_key(memo_key) % kMemoSlots];
  if (e.key == memo_key) {
    copy_plan(e.plan, plan);
    return;
  }
  map_layer_uncached(job, hw, plan);
  e.key = memo_key;
  copy_plan(plan, e.plan);
}

void clear_plan_memo() {
  for (MemoEntry& e : memo) e.key.clear();
}

}  // namespace accelnas::hw
