#include "hw_models/tiler.h"

#include <algorithm>

#include "workloads/config/error.h"

namespace accelnas::hw {
namespace {

using i64 = std::int64_t;
__extension__ typedef __int128 i128;  // products of sizes overflow int64

i64 ceil_div(i64 a, i64 b) {
  return (a + b - 1) / b;
}

// a * b / c, truncated, exact: in 64 bits when the product fits (the common case, and much
// cheaper than a 128-bit division), in 128 bits otherwise. c != 0.
i64 mul_div(i64 a, i64 b, i64 c) {
  i64 product = 0;
  if (!__builtin_mul_overflow(a, b, &product)) return product / c;
  return static_cast<i64>(static_cast<i128>(a) * b / c);
}

// ceil(a * b / c), exact, for a, b >= 0 and c > 0, with the same 64 / 128-bit split as mul_div.
// The callers' results are at most max(a, b) (b / c or a / c is a fraction of at most one).
i64 ceil_mul_div(i64 a, i64 b, i64 c) {
  i64 product = 0;
  if (!__builtin_mul_overflow(a, b, &product)) return ceil_div(product, c);
  const i128 p = static_cast<i128>(a) * b;
  return static_cast<i64>((p + c - 1) / c);
}

// The part of `total` that falls in parts [begin, end) of `n` equal parts; exact when summed.
i64 share(i64 total, i64 begin, i64 end, i64 n) {
  // total * n / n is total and total * 0 / n is 0: the divisions are skipped, not changed.
  const i64 to_end = end == n ? total : mul_div(total, end, n);
  return begin == 0 ? to_end : to_end - mul_div(total, begin, n);
}

bool streamed(const OperandDesc& op) {
  return !op.on_chip;
}

// Bytes of operand `op` that a band covering layer rows [r0, r1) needs, halo included.
i64 band_bytes(const OperandDesc& op, i64 r0, i64 r1, i64 rows) {
  if (op.whole) return op.bytes;
  const i64 first = mul_div(op.rows, r0, rows);
  const i64 last = ceil_mul_div(op.rows, r1, rows);
  const i64 in_rows = std::min(op.rows, last - first + op.halo_rows);
  return ceil_mul_div(in_rows, op.bytes, op.rows);
}

// Upper bound of band_bytes over every alignment of an r-row band.
i64 band_bytes_bound(const OperandDesc& op, i64 r, i64 rows) {
  if (op.whole) return op.bytes;
  const i64 in_rows = std::min(op.rows, ceil_mul_div(op.rows, r, rows) + 1 + op.halo_rows);
  return ceil_mul_div(in_rows, op.bytes, op.rows);
}

// F1: a fused add / mul's second operand (the job's last input) feeds the output stage only, so
// each pass reads its own channels of the band, once (like M2's channel gather), never re-read
// per pass or pinned.
bool fused_operand(const LayerJob& job, std::size_t k) {
  return (job.fused_op == FusedOp::Add || job.fused_op == FusedOp::Mul) &&
         k + 1 == job.inputs.size() && !job.inputs[k].whole;
}

bool output_streamed(const LayerJob& job) {
  return !job.output_on_chip && job.output_bytes > 0;
}

// A fused pool's line buffer: fused_halo_rows rows of the conv's output (F2).
i64 fused_line_bytes(const LayerJob& job, const HwSpec& hw) {
  return job.fused_halo_rows * job.cols * job.groups * job.out_channels_per_group *
         hw.prec(job.precision).bytes;
}

i64 output_buffer_bound(const LayerJob& job, i64 r) {
  if (!output_streamed(job)) return 0;
  if (job.output_whole) return job.output_bytes;
  return 2 * ceil_mul_div(job.output_bytes, r, job.rows);
}

// `operand_passes`: the passes a fused add / mul's second operand is split over in every tile
// (all of them when weights stream pass-outer, else 1: later bands load it whole).
i64 buffer_need(const LayerJob& job, const HwSpec& hw, i64 r, bool inputs_pinned,
                i64 operand_passes) {
  i64 need = output_buffer_bound(job, r) + 2 * fused_line_bytes(job, hw);
  for (std::size_t k = 0; k < job.inputs.size(); ++k) {
    const auto& op = job.inputs[k];
    if (!streamed(op) || op.whole) continue;
    if (fused_operand(job, k)) {
      need += 2 * ceil_div(band_bytes_bound(op, r, job.rows), operand_passes);
    } else if (!inputs_pinned) {
      need += 2 * band_bytes_bound(op, r, job.rows);
    }
  }
  return need;
}

i64 whole_streamed_bytes(const LayerJob& job) {
  i64 sum = 0;
  for (const auto& op : job.inputs) {
    if (streamed(op) && op.whole) sum += op.bytes;
  }
  return sum;
}

i64 banded_streamed_bytes(const LayerJob& job) {
  i64 sum = 0;
  for (std::size_t k = 0; k < job.inputs.size(); ++k) {
    const auto& op = job.inputs[k];
    if (streamed(op) && !op.whole && !fused_operand(job, k)) sum += op.bytes;
  }
  return sum;
}

std::string sizes(i64 need, i64 have) {
  return std::to_string(need) + " bytes needed, " + std::to_string(have) + " available";
}

void validate(const LayerJob& job) {
  if (job.rows < 1 || job.cols < 1)
    throw UserError("layer '" + job.name + "': empty iteration space");
  for (const auto& op : job.inputs) {
    if (op.rows < 1 || op.bytes < 0 || op.halo_rows < 0) {
      throw UserError("layer '" + job.name + "': operand with invalid size");
    }
  }
  if (job.engine == Engine::Array &&
      (job.kernel_h < 1 || job.kernel_w < 1 || job.groups < 1 || job.in_channels_per_group < 1 ||
       job.out_channels_per_group < 1)) {
    throw UserError("layer '" + job.name + "': array job with a non-positive dimension");
  }
}

}  // namespace

i64 array_passes(const LayerJob& job, const HwSpec& hw) {
  if (job.engine != Engine::Array) return 1;
  if (job.depthwise)
    return ceil_div(job.groups * job.out_channels_per_group, hw.parallelism_factor);
  return job.groups * ceil_div(job.out_channels_per_group, hw.parallelism_factor);
}

namespace {

// Weights: loaded once when they fit; otherwise streamed one pass at a time, double-buffered;
// and when even two slices of one pass do not fit, each pass is split along its input channels
// (in whole dot_width groups) into k-chunks whose partial sums accumulate on chip.
void plan_weights(const LayerJob& job, const HwSpec& hw, TilePlan& plan) {
  const i64 w = job.weight_bytes;
  if (w <= hw.sram_weight_bytes) {
    plan.weight_slot_bytes = w;
    return;
  }
  plan.weights_streamed = true;
  const i64 slice = ceil_div(w, plan.passes);
  const i64 groups = job.engine == Engine::Array && !job.depthwise
                         ? ceil_div(job.in_channels_per_group, hw.dot_width)
                         : 1;
  plan.k_chunks = 1;
  while (plan.k_chunks < groups && 2 * ceil_div(slice, plan.k_chunks) > hw.sram_weight_bytes) {
    ++plan.k_chunks;
  }
  plan.weight_slot_bytes = std::min(w, 2 * ceil_div(slice, plan.k_chunks));
  if (plan.weight_slot_bytes > hw.sram_weight_bytes) {
    throw UserError("layer '" + job.name +
                    "': two chunks of one pass of weights (double-buffered) do not fit the "
                    "weight SRAM (" +
                    sizes(plan.weight_slot_bytes, hw.sram_weight_bytes) + ")");
  }
}

// Inputs needed whole are loaded once up front; with streamed weights the banded inputs are
// pinned too when they fit, else re-read for every pass.
void plan_inputs(const LayerJob& job, const HwSpec& hw, i64 free_act, TilePlan& plan) {
  plan.pinned_activation_bytes = whole_streamed_bytes(job);
  if (plan.weights_streamed && plan.passes * plan.k_chunks > 1 && banded_streamed_bytes(job) > 0) {
    const i64 pinned = plan.pinned_activation_bytes + banded_streamed_bytes(job);
    if (pinned + buffer_need(job, hw, 1, true, plan.passes) <= free_act) {
      plan.inputs_pinned = true;
      plan.pinned_activation_bytes = pinned;
    } else {
      plan.inputs_reread = plan.passes > 1;
    }
  }
}

// The fewest bands whose tallest band's buffers fit, raised to min_bands so transfers overlap
// compute (not when weights are re-fetched per band: fewer bands then means less traffic).
void plan_bands(const LayerJob& job, const HwSpec& hw, i64 free_act, TilePlan& plan) {
  const i64 budget = free_act - plan.pinned_activation_bytes;
  const i64 operand_passes = plan.weights_streamed ? plan.passes : 1;
  if (budget < 0 || buffer_need(job, hw, 1, plan.inputs_pinned, operand_passes) > budget) {
    throw UserError("layer '" + job.name + "': one row band does not fit the activation SRAM (" +
                    sizes(plan.pinned_activation_bytes +
                              buffer_need(job, hw, 1, plan.inputs_pinned, operand_passes),
                          free_act) +
                    ")");
  }
  i64 lo = 1, hi = job.rows;
  while (lo < hi) {
    const i64 mid = lo + (hi - lo + 1) / 2;
    if (buffer_need(job, hw, mid, plan.inputs_pinned, operand_passes) <= budget) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  const i64 min_bands = plan.k_chunks > 1 ? 1 : std::min(job.rows, hw.tiling_min_bands);
  // Near-equal bands (heights differ by at most one row), so the count is exact.
  plan.bands = std::max(ceil_div(job.rows, lo), min_bands);
  plan.band_rows = ceil_div(job.rows, plan.bands);
  plan.buffer_activation_bytes =
      buffer_need(job, hw, plan.band_rows, plan.inputs_pinned, operand_passes);
}

struct Step {
  i64 band, pass_begin, pass_end, chunk;
};

// Tile order. Weights that fit: band-outer with every pass per tile, except that band 0 runs
// pass by pass so the array starts as soon as the first pass's weights have landed. Streamed
// weights: pass-outer, band-inner, one slice per pass; with k-chunks: pass, band, chunk.
void tile_order(const TilePlan& plan, std::size_t tiles, std::vector<Step>& steps) {
  steps.clear();
  steps.reserve(tiles);
  for (i64 p = 0; p < plan.passes && plan.weights_streamed; ++p) {
    for (i64 b = 0; b < plan.bands; ++b) {
      for (i64 k = 0; k < plan.k_chunks; ++k) steps.push_back({b, p, p + 1, k});
    }
  }
  for (i64 b = 0; b < plan.bands && !plan.weights_streamed; ++b) {
    if (b == 0 && plan.first_band_per_pass) {
      for (i64 p = 0; p < plan.passes; ++p) steps.push_back({0, p, p + 1, 0});
    } else {
      steps.push_back({b, 0, plan.passes, 0});
    }
  }
}

Tile make_tile(const LayerJob& job, const HwSpec& hw, const TilePlan& plan,
               const std::vector<Step>& steps, std::size_t index) {
  const Step& st = steps[index];
  const i64 r0 = share(job.rows, 0, st.band, plan.bands);
  const i64 r1 = share(job.rows, 0, st.band + 1, plan.bands);
  const bool first_chunk = st.chunk == 0;
  const bool last_chunk = st.chunk + 1 == plan.k_chunks;
  const bool loads_input = first_chunk && (st.pass_begin == 0 || plan.inputs_reread);
  Tile t;
  t.rows = r1 - r0;
  t.passes = st.pass_end - st.pass_begin;
  t.input_last_use = static_cast<i64>(index) + plan.k_chunks - 1;  // held for the pass's chunks
  if (!plan.weights_streamed && st.band == 0 && plan.first_band_per_pass && st.pass_begin == 0) {
    t.input_last_use = static_cast<i64>(index + plan.passes - 1);  // band 0 until its last pass
  }
  i64 in_read = 0;     // input bytes the array or vector unit reads from SRAM
  i64 fused_read = 0;  // F1: the pass's channels of a fused add / mul's second operand
  for (std::size_t k = 0; k < job.inputs.size(); ++k) {
    const auto& op = job.inputs[k];
    const i64 bytes = band_bytes(op, r0, r1, job.rows);
    if (fused_operand(job, k)) {
      fused_read = first_chunk ? share(bytes, st.pass_begin, st.pass_end, plan.passes) : 0;
      if (streamed(op)) {
        t.load_bytes += fused_read;
        t.in_buffer_bytes += fused_read;
      }
      continue;
    }
    in_read += op.whole ? share(op.bytes, st.band, st.band + 1, plan.bands) : bytes;
    if (!streamed(op) || op.whole || plan.inputs_pinned || !loads_input) continue;
    t.load_bytes += bytes;
    t.in_buffer_bytes += bytes;
  }
  // Weights arrive with the tile that first needs them: band 0's, or every band's with chunks.
  const i64 w_part = share(share(job.weight_bytes, st.pass_begin, st.pass_end, plan.passes),
                           st.chunk, st.chunk + 1, plan.k_chunks);
  if (st.band == 0 || plan.k_chunks > 1) {
    t.load_weight_bytes = w_part;
    if (!plan.weights_streamed && job.prefetched_weight_bytes > 0) {
      // C4: the first prefetched bytes, in load order, are on chip already.
      const i64 before = share(job.weight_bytes, 0, st.pass_begin, plan.passes);
      t.load_weight_bytes -=
          std::clamp<i64>(job.prefetched_weight_bytes - before, 0, w_part);
    }
    t.load_bytes += t.load_weight_bytes;
  }
  if (plan.k_chunks > 1) {
    const i64 groups = ceil_div(job.in_channels_per_group, hw.dot_width);
    t.steps_per_pixel =
        job.kernel_h * job.kernel_w * share(groups, st.chunk, st.chunk + 1, plan.k_chunks);
  }
  i64 out = job.output_whole ? (st.band + 1 == plan.bands ? job.output_bytes : 0)
                             : share(job.output_bytes, r0, r1, job.rows);
  const i64 band_out = out;
  out = share(out, st.pass_begin, st.pass_end, plan.passes);
  // Partial sums of a pass accumulate in one buffer, taken by its first k-chunk.
  if (output_streamed(job) && st.chunk == 0) t.out_buffer_bytes = out;
  if (st.chunk == 0)  // F2: the pass's share of the fused pool's line buffer
    t.out_buffer_bytes += share(fused_line_bytes(job, hw), st.pass_begin, st.pass_end, plan.passes);
  t.output_store_tile = static_cast<i64>(index) + plan.k_chunks - 1 - st.chunk;
  i64 stored = last_chunk ? out : 0;
  if (!plan.weights_streamed && st.band == 0 && plan.first_band_per_pass) {
    // Band 0 runs pass by pass, but its output leaves in one store after the last pass, so the
    // size and number of transfers do not depend on how many passes PF makes of it.
    const i64 last_pass_tile = static_cast<i64>(index) + (plan.passes - 1 - st.pass_begin);
    t.output_store_tile = last_pass_tile;
    stored = st.pass_begin + 1 == plan.passes ? band_out : 0;
  }
  if (job.output_to_dram) t.store_bytes = stored;
  if (job.engine == Engine::Array) {
    t.pixels = t.rows * job.cols;
    // F3: the fused op runs once per output element, with the tile that completes it.
    if (last_chunk)
      t.fused_vector_ops = share(share(job.fused_vector_ops, r0, r1, job.rows), st.pass_begin,
                                 st.pass_end, plan.passes);
  } else {
    t.vector_ops = share(job.vector_ops, r0, r1, job.rows);
  }
  // SRAM traffic: DMA fills and drains, plus the compute reading its operands (the array
  // re-reads the input band once per pass and each pass's weights once per band) and
  // writing its output.
  t.sram_access_bytes = t.load_bytes + t.store_bytes + in_read * t.passes + fused_read +
                        (job.engine == Engine::Array ? w_part : 0) + out;
  return t;
}

constexpr double kMaxTiles = 4194304;  // 2^22

// A generous upper bound of the layer's cycles (compute plus every transfer, nothing overlapped)
// must stay far inside the model's 64-bit cycle clock.
void check_cycle_range(const LayerJob& job, const HwSpec& hw, const TilePlan& plan) {
  const double cps = static_cast<double>(hw.prec(job.precision).cycles_per_step);
  double bound = static_cast<double>(hw.layer_setup_cycles);
  double bytes = static_cast<double>(plan.preload_bytes);
  for (const Tile& t : plan.tiles) {
    const double steps =
        t.steps_per_pixel > 0
            ? static_cast<double>(t.steps_per_pixel)
            : static_cast<double>(job.kernel_h * job.kernel_w * job.in_channels_per_group);
    bound += static_cast<double>(t.pixels) * static_cast<double>(t.passes) * steps * cps +
             static_cast<double>(t.vector_ops + t.fused_vector_ops) * cps +
             static_cast<double>(t.passes) * static_cast<double>(hw.pipeline_latency_cycles) +
             static_cast<double>(hw.vector_pipeline_latency_cycles) +
             2.0 * static_cast<double>(hw.dram_latency_cycles() + 1);
    bytes += static_cast<double>(t.load_bytes + t.store_bytes);
  }
  bound += bytes / hw.dram_bytes_per_cycle();
  if (bound > 1.0e18) {
    throw UserError("layer '" + job.name +
                    "': too long to simulate on this hardware (over 1e18 cycles)");
  }
}

}  // namespace

TilePlan plan_layer(const LayerJob& job, const HwSpec& hw) {
  TilePlan plan;
  plan_layer(job, hw, plan);
  return plan;
}

void plan_layer(const LayerJob& job, const HwSpec& hw, TilePlan& plan) {
  validate(job);
  std::vector<Tile> kept = std::move(plan.tiles);  // storage reused
  kept.clear();
  plan = TilePlan{};
  plan.tiles = std::move(kept);
  plan.passes = array_passes(job, hw);
  const i64 free_act = hw.sram_activation_bytes - job.reserved_activation_bytes;
  if (free_act < 0) {
    throw UserError("layer '" + job.name + "': resident tensors exceed the activation SRAM (" +
                    sizes(job.reserved_activation_bytes, hw.sram_activation_bytes) + ")");
  }
  plan_weights(job, hw, plan);
  plan_inputs(job, hw, free_act, plan);
  plan_bands(job, hw, free_act, plan);
  plan.first_band_per_pass = !plan.weights_streamed && plan.passes > 1 && job.weight_bytes > 0;
  plan.preload_bytes = plan.pinned_activation_bytes;
  plan.preload_sram_access_bytes = plan.preload_bytes;
  // Tiny SRAMs against a large layer can ask for billions of tiles; refuse before building them.
  const double tiles = plan.weights_streamed
                           ? static_cast<double>(plan.passes) * static_cast<double>(plan.bands) *
                                 static_cast<double>(plan.k_chunks)
                           : static_cast<double>(plan.bands) +
                                 (plan.first_band_per_pass ? static_cast<double>(plan.passes) : 0);
  if (tiles > kMaxTiles) {
    throw UserError("layer '" + job.name + "': needs " + std::to_string(static_cast<i64>(tiles)) +
                    " tiles (more than " + std::to_string(static_cast<i64>(kMaxTiles)) +
                    "); the SRAMs are too small for it");
  }
  thread_local std::vector<Step> steps;  // scratch, reused from call to call
  tile_order(plan, static_cast<std::size_t>(tiles), steps);
  plan.tiles.reserve(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    plan.tiles.push_back(make_tile(job, hw, plan, steps, i));
  }
  ACCELNAS_CHECK(!plan.tiles.empty(), "tiler produced no tiles");
  check_cycle_range(job, hw, plan);
}

}  // namespace accelnas::hw
