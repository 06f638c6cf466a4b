#include "hw_models/tiler.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "hw_models/tiler_internal.h"
#include "hw_models/timing/compute_kinds.h"
#include "hw_models/timing/tile_program.h"
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

bool output_streamed(const LayerJob& job) {
  return !job.output_on_chip && job.output_bytes > 0;
}

// Input rows [first, last) of operand `op` that layer rows [r0, r1) need, halo included.
i64 in_rows_of(const OperandDesc& op, i64 r0, i64 r1, i64 rows) {
  const i64 first = mul_div(op.rows, r0, rows);
  const i64 last = ceil_mul_div(op.rows, r1, rows);
  return std::min(op.rows, last - first + op.halo_rows);
}

// Input columns of operand `op` that output columns [c0, c1) of `cols` need (T7): the whole row
// when the tile spans every column, else the segment's columns plus the window's halo.
i64 in_cols_of(const OperandDesc& op, i64 c0, i64 c1, i64 cols) {
  if (c0 == 0 && c1 == cols) return op.cols;
  const i64 first = mul_div(op.cols, c0, cols);
  const i64 last = ceil_mul_div(op.cols, c1, cols);
  return std::min(op.cols, last - first + op.halo_cols);
}

// ceil(bytes * r * c / (rows * cols)): the bytes of r of `rows` rows and c of `cols` columns.
i64 area_bytes(i64 bytes, i64 r, i64 rows, i64 c, i64 cols) {
  if (c == cols) return ceil_mul_div(r, bytes, rows);
  const i128 num = static_cast<i128>(bytes) * r * c;
  const i128 den = static_cast<i128>(rows) * cols;
  return static_cast<i64>((num + den - 1) / den);
}

// Bytes of operand `op` that the tile covering layer rows [r0, r1) and columns [c0, c1) needs.
// `iter_cols` are the layer's columns the tiles split (the output width; the input width of a
// reduction).
i64 tile_bytes(const OperandDesc& op, i64 r0, i64 r1, i64 c0, i64 c1, const LayerJob& job,
               i64 iter_cols) {
  if (op.whole) return op.bytes;
  const i64 cols = std::max<i64>(1, op.cols);
  return area_bytes(op.bytes, in_rows_of(op, r0, r1, job.rows), op.rows,
                    in_cols_of(op, c0, c1, iter_cols), cols);
}

// Upper bound of tile_bytes over every alignment of an h-row, q-column tile.
// An operand whose rows (columns) are a whole multiple of the layer's maps every tile onto whole
// rows (columns); otherwise a tile may straddle one more.
i64 tile_bytes_bound(const OperandDesc& op, i64 h, i64 q, const LayerJob& job, i64 iter_cols) {
  if (op.whole) return op.bytes;
  const i64 row_misalign = op.rows % job.rows != 0 ? 1 : 0;
  const i64 in_rows =
      std::min(op.rows, ceil_mul_div(op.rows, h, job.rows) + row_misalign + op.halo_rows);
  const i64 cols = std::max<i64>(1, op.cols);
  i64 in_cols = cols;
  if (q < iter_cols) {
    const i64 misalign = cols % iter_cols != 0 ? 1 : 0;
    in_cols = std::min(cols, ceil_mul_div(cols, q, iter_cols) + misalign + op.halo_cols);
  }
  return area_bytes(op.bytes, in_rows, op.rows, in_cols, cols);
}

i64 whole_streamed_bytes(const LayerJob& job) {
  i64 sum = 0;
  for (const auto& op : job.inputs) {
    if (streamed(op) && op.whole) sum += op.bytes;
  }
  return sum;
}

// F1: the second operand of a fused add / mul, the last entry of `inputs`. It is banded like
// the output, so each pass needs only its own channels of it: every tile loads its passes' slice
// once (never pinned, never re-read).
bool fused_operand(const LayerJob& job, std::size_t i) {
  return (job.fused_op == FusedOp::Add || job.fused_op == FusedOp::Mul) &&
         i + 1 == job.inputs.size();
}

i64 banded_streamed_bytes(const LayerJob& job) {
  i64 sum = 0;
  for (std::size_t i = 0; i < job.inputs.size(); ++i) {
    const auto& op = job.inputs[i];
    if (streamed(op) && !op.whole && !fused_operand(job, i)) sum += op.bytes;
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
    if (op.rows < 1 || op.bytes < 0 || op.halo_rows < 0 || op.cols < 1 || op.halo_cols < 0) {
      throw UserError("layer '" + job.name + "': operand with invalid size");
    }
  }
  if (job.engine == Engine::Array &&
      (job.kernel_h < 1 || job.kernel_w < 1 || job.groups < 1 || job.in_channels_per_group < 1 ||
       job.out_channels_per_group < 1)) {
    throw UserError("layer '" + job.name + "': array job with a non-positive dimension");
  }
  if (job.fused_halo_rows < 0 || job.prefetched_weight_bytes < 0 || job.fused_vector_ops < 0)
    throw UserError("layer '" + job.name + "': negative fusion or prefetch size");
}

}  // namespace

i64 array_passes(const LayerJob& job, const HwSpec& hw) {
  if (job.engine != Engine::Array) return 1;
  if (job.depthwise)
    return ceil_div(job.groups * job.out_channels_per_group, hw.parallelism_factor);
  return job.groups * ceil_div(job.out_channels_per_group, hw.parallelism_factor);
}

namespace {

constexpr double kMaxTiles = 4194304;  // 2^22
// k-chunk counts up to the fewest that fit this weight SRAM are tried with every bigger one (T6).
constexpr std::int64_t kRefWeightSram = 16 * 1024;
// Programs of more tiles than this are tried only when no smaller one fits (T6).
constexpr std::int64_t kTileBudget = 32;
constexpr std::int64_t kMaxPfDiv = 2;  // narrower-array variants tried (T6)

// One candidate tile program (T6): a loop order and its tiling.
struct Cand {
  LoopOrder order = LoopOrder::Resident;
  bool pinned = false;      // PassOuter: banded streamed inputs loaded whole once
  bool w_resident = true;   // the whole weights stay in the weight SRAM (loaded once)
  bool ksplit = false;      // input tiles split along input channels with the k-chunks (T8)
  i64 k = 1;                // k-chunks per pass
  i64 bands = 1, segs = 1;  // row bands, column segments per band
  i64 pf_div = 1;           // T6: passes as if the array had PF / pf_div units
};

// What one layer's candidates share.
struct Ctx {
  const LayerJob& job;
  const HwSpec& hw;
  i64 passes = 1;
  i64 cols = 1;    // the columns tiles split: the output width, the input width of a reduction
  i64 groups = 1;  // dot_width groups of a pass's input channels (dense array jobs)
  i64 free_act = 0;
  i64 whole_in = 0, banded_in = 0;
  double bytes_per_cycle = 1;
  i64 latency = 0;
};

i64 tile_count(const TilePlan& p) {
  const i64 spatial = p.bands * p.col_segments;
  if (p.order == LoopOrder::Resident) return spatial + (p.first_band_per_pass ? p.passes - 1 : 0);
  return spatial * p.passes * p.k_chunks;
}

struct Step {
  i64 s, pass_begin, pass_end, chunk;
};

Step step_of(const TilePlan& p, i64 index) {
  const i64 spatial = p.bands * p.col_segments;
  switch (p.order) {
    case LoopOrder::Resident:
      if (p.first_band_per_pass) {
        if (index < p.passes) return {0, index, index + 1, 0};
        return {index - p.passes + 1, 0, p.passes, 0};
      }
      return {index, 0, p.passes, 0};
    case LoopOrder::BandOuter: {
      const i64 per = p.passes * p.k_chunks;
      const i64 r = index % per;
      return {index / per, r / p.k_chunks, r / p.k_chunks + 1, r % p.k_chunks};
    }
    case LoopOrder::PassOuter: {
      const i64 per = spatial * p.k_chunks;
      const i64 r = index % per;
      return {r / p.k_chunks, index / per, index / per + 1, r % p.k_chunks};
    }
  }
  return {0, 0, 1, 0};
}

// Input channels [begin, end) of chunk k of a pass (in dot_width groups), for T8 input splits.
void chunk_channels(const Ctx& c, i64 k, i64 chunks, i64& begin, i64& end) {
  const i64 dw = c.hw.dot_width;
  begin = share(c.groups, 0, k, chunks) * dw;
  end = std::min(c.job.in_channels_per_group, share(c.groups, 0, k + 1, chunks) * dw);
}

// Offset of a weight slice in load order (pass-major, chunk-minor).
i64 weight_offset(const LayerJob& job, const TilePlan& p, i64 pass, i64 chunk) {
  const i64 w = job.weight_bytes;
  return share(w, 0, pass, p.passes) +
         share(share(w, pass, pass + 1, p.passes), 0, chunk, p.k_chunks);
}

Tile make_tile(const Ctx& c, const TilePlan& plan, i64 index) {
  const LayerJob& job = c.job;
  const Step st = step_of(plan, index);
  const i64 band = st.s / plan.col_segments, seg = st.s % plan.col_segments;
  const i64 r0 = share(job.rows, 0, band, plan.bands);
  const i64 r1 = share(job.rows, 0, band + 1, plan.bands);
  const i64 c0 = share(c.cols, 0, seg, plan.col_segments);
  const i64 c1 = share(c.cols, 0, seg + 1, plan.col_segments);
  const i64 K = plan.k_chunks;
  const bool last_chunk = st.chunk + 1 == K;
  const bool fbpp = plan.order == LoopOrder::Resident && plan.first_band_per_pass && st.s == 0;
  bool loads_input = false;
  switch (plan.order) {
    case LoopOrder::Resident:
      loads_input = st.pass_begin == 0;
      break;
    case LoopOrder::BandOuter:
      loads_input = plan.input_k_split || (st.pass_begin == 0 && st.chunk == 0);
      break;
    case LoopOrder::PassOuter:
      loads_input =
          !plan.inputs_pinned &&
          (plan.input_k_split || (st.chunk == 0 && (st.pass_begin == 0 || plan.inputs_reread)));
      break;
  }
  Tile t;
  t.rows = r1 - r0;
  t.cols = c1 - c0;
  t.passes = st.pass_end - st.pass_begin;
  const auto idx = index;
  t.input_last_use = idx;
  if (fbpp && st.pass_begin == 0) t.input_last_use = idx + plan.passes - 1;
  if (!plan.input_k_split && st.pass_begin == 0 && st.chunk == 0) {
    if (plan.order == LoopOrder::BandOuter) t.input_last_use = idx + plan.passes * K - 1;
    if (plan.order == LoopOrder::PassOuter) t.input_last_use = idx + K - 1;
  } else if (!plan.input_k_split && plan.order == LoopOrder::PassOuter && st.chunk == 0) {
    t.input_last_use = idx + K - 1;  // held for the pass's chunks
  }
  i64 ch0 = 0, ch1 = 1;
  if (plan.input_k_split && !job.depthwise) chunk_channels(c, st.chunk, K, ch0, ch1);
  i64 in_read = 0;  // input bytes the array or vector unit reads from SRAM
  for (std::size_t i = 0; i < job.inputs.size(); ++i) {
    const auto& op = job.inputs[i];
    i64 bytes = tile_bytes(op, r0, r1, c0, c1, job, c.cols);
    if (fused_operand(job, i)) {
      // F1: pass-outer, each tile loads its pass's slice with its first chunk; otherwise the
      // tile's whole share comes with the band's first tile and is held with its input.
      if (plan.order == LoopOrder::PassOuter) {
        bytes = share(bytes, st.pass_begin, st.pass_end, plan.passes);
      } else if (st.pass_begin != 0) {
        continue;
      }
      if (st.chunk != 0) continue;
      in_read += bytes;
      if (!streamed(op)) continue;
      t.load_bytes += bytes;
      t.in_buffer_bytes += bytes;
      continue;
    }
    if (plan.input_k_split && !op.whole) {
      bytes = job.depthwise ? share(bytes, st.pass_begin, st.pass_end, plan.passes)
                            : share(bytes, ch0, ch1, job.in_channels_per_group);
    }
    in_read += op.whole ? share(op.bytes, st.s, st.s + 1, plan.bands * plan.col_segments) : bytes;
    if (!streamed(op) || op.whole || plan.inputs_pinned || !loads_input) continue;
    t.load_bytes += bytes;
    t.in_buffer_bytes += bytes;
  }
  const i64 w_part = share(share(job.weight_bytes, st.pass_begin, st.pass_end, plan.passes),
                           st.chunk, st.chunk + 1, K);
  // Weights arrive with the first spatial tile; re-streamed weights (band-outer, or pass-outer in
  // k-chunks) with every tile.
  const bool loads_weights =
      st.s == 0 || (plan.weights_streamed && (plan.order == LoopOrder::BandOuter || K > 1));
  if (loads_weights && w_part > 0) {
    i64 load = w_part;
    if (st.s == 0 && job.prefetched_weight_bytes > 0) {
      // C4: the prefix of the weights (in load order) already on chip is not loaded again the
      // first time through.
      const i64 a = weight_offset(job, plan, st.pass_begin, st.chunk);
      const i64 overlap = std::max<i64>(0, std::min(a + w_part, job.prefetched_weight_bytes) - a);
      load -= overlap;
    }
    t.load_weight_bytes = load;
    t.load_bytes += load;
  }
  if (K > 1) {
    t.steps_per_pixel = job.kernel_h * job.kernel_w * share(c.groups, st.chunk, st.chunk + 1, K);
  }
  const i64 spatial_n = plan.bands * plan.col_segments;
  const i64 band_out = job.output_whole
                           ? (st.s + 1 == spatial_n ? job.output_bytes : 0)
                           : share(share(job.output_bytes, r0, r1, job.rows), c0, c1, c.cols);
  const i64 out = share(band_out, st.pass_begin, st.pass_end, plan.passes);
  const i64 fused = share(share(job.fused_vector_ops, r0, r1, job.rows), c0, c1, c.cols);
  if (output_streamed(job) && st.chunk == 0) {
    t.out_buffer_bytes = out;
    if (job.fused_halo_rows > 0 && !job.output_whole) {
      // The fused pool's line buffer: fused_halo_rows more rows of this tile's output.
      t.out_buffer_bytes +=
          ceil_mul_div(ceil_mul_div(ceil_mul_div(job.output_bytes, job.fused_halo_rows, job.rows),
                                    t.cols, c.cols),
                       t.passes, plan.passes);
    }
  }
  t.output_store_tile = idx + K - 1 - st.chunk;
  i64 stored = last_chunk ? out : 0;
  t.fused_vector_ops = last_chunk ? share(fused, st.pass_begin, st.pass_end, plan.passes) : 0;
  if (fbpp) {
    // Band 0 runs pass by pass, but its output leaves in one store after the last pass, so the
    // size and number of transfers do not depend on how many passes PF makes of it.
    t.output_store_tile = idx + (plan.passes - 1 - st.pass_begin);
    const bool last_pass = st.pass_begin + 1 == plan.passes;
    stored = last_pass ? band_out : 0;
    t.fused_vector_ops = last_pass ? fused : 0;
  }
  if (job.output_to_dram) t.store_bytes = stored;
  if (job.engine == Engine::Array) {
    t.pixels = t.rows * t.cols;
  } else {
    t.vector_ops = share(share(job.vector_ops, r0, r1, job.rows), c0, c1, c.cols);
  }
  // SRAM traffic: DMA fills and drains, plus the compute reading its operands (the array
  // re-reads the input tile once per pass and each pass's weights once per tile) and writing
  // its output.
  t.sram_access_bytes = t.load_bytes + t.store_bytes + in_read * t.passes +
                        (job.engine == Engine::Array ? w_part : 0) + out;
  return t;
}

// Weight SRAM a candidate takes: the whole weights, or two slices of one chunk of one pass.
i64 weight_slot(const Ctx& c, bool resident, i64 k) {
  const i64 w = c.job.weight_bytes;
  if (resident) return w;
  return std::min(w, 2 * ceil_div(ceil_div(w, c.passes), k));
}

// Activation SRAM a candidate's streaming buffers take at most (double-buffered), beside pinned
// inputs: 2 x (largest input tile) + 2 x (largest output buffer).
i64 buffer_need(const Ctx& c, const Cand& k, i64 h, i64 q) {
  const LayerJob& job = c.job;
  i64 need = 0;
  if (output_streamed(job)) {
    if (job.output_whole) {
      need += job.output_bytes;
    } else {
      const i64 tile_passes = k.order == LoopOrder::Resident ? c.passes : 1;
      i64 out = ceil_mul_div(ceil_mul_div(job.output_bytes, h, job.rows), q, c.cols);
      out = ceil_mul_div(out, tile_passes, c.passes);
      if (job.fused_halo_rows > 0) {
        out += ceil_mul_div(
            ceil_mul_div(ceil_mul_div(job.output_bytes, job.fused_halo_rows, job.rows), q, c.cols),
            tile_passes, c.passes);
      }
      need += 2 * out;
    }
  }
  if ((job.fused_op == FusedOp::Add || job.fused_op == FusedOp::Mul) &&
      streamed(job.inputs.back())) {
    // F1's second operand, double-buffered: one pass's slice of a tile (pass-outer) or a tile's
    // whole share (held with the tile's input).
    const i64 b = tile_bytes_bound(job.inputs.back(), h, q, job, c.cols);
    need += 2 * (k.order == LoopOrder::PassOuter ? ceil_div(b, c.passes) : b);
  }
  if (k.pinned) return need;
  i64 ch = job.in_channels_per_group;
  if (k.ksplit) ch = std::min(ch, ceil_div(c.groups, k.k) * c.hw.dot_width);
  for (std::size_t i = 0; i < job.inputs.size(); ++i) {
    const auto& op = job.inputs[i];
    if (!streamed(op) || op.whole || fused_operand(job, i)) continue;
    i64 b = tile_bytes_bound(op, h, q, job, c.cols);
    if (k.ksplit) {
      b = job.depthwise ? ceil_div(b, c.passes) : ceil_mul_div(b, ch, job.in_channels_per_group);
    }
    need += 2 * b;
  }
  return need;
}

i64 pinned_bytes(const Ctx& c, const Cand& k) {
  return c.whole_in + (k.pinned ? c.banded_in : 0);
}

void configure(const Ctx& c, const Cand& k, TilePlan& p) {
  const LayerJob& job = c.job;
  p.order = k.order;
  p.passes = c.passes;
  p.bands = k.bands;
  p.band_rows = ceil_div(job.rows, k.bands);
  p.col_segments = k.segs;
  p.seg_cols = ceil_div(c.cols, k.segs);
  p.input_k_split = k.ksplit;
  p.k_chunks = k.k;
  p.weights_streamed = !k.w_resident;
  p.first_band_per_pass = k.order == LoopOrder::Resident && c.passes > 1 && job.weight_bytes > 0;
  p.inputs_pinned = k.pinned;
  // Re-read: pass-outer loads every pass's input tiles; a k-chunk split of the input loads every
  // chunk for every pass; a depthwise pass split loads each channel once.
  const bool pass_split = k.ksplit && job.depthwise;
  p.inputs_reread = !k.pinned && c.banded_in > 0 && c.passes > 1 && !pass_split &&
                    (k.order == LoopOrder::PassOuter || k.ksplit);
  p.pinned_activation_bytes = pinned_bytes(c, k);
  p.preload_bytes = p.pinned_activation_bytes;
  p.preload_sram_access_bytes = p.preload_bytes;
  p.weight_slot_bytes = weight_slot(c, k.w_resident, k.k);
  p.buffer_activation_bytes = buffer_need(c, k, p.band_rows, p.seg_cols);
  p.cycles = 0;
  p.idle_bus_cycles = 0;
  p.dram_bytes = 0;
  p.tiles.clear();
}

// A lower bound of the cycles of every program with this loop nest and this many tiles, that
// grows with the tile count: setup plus the compute of every tile (A5 / V1 fills included).
double compute_bound(const Ctx& c, const TilePlan& p, i64 tiles) {
  const LayerJob& job = c.job;
  const HwSpec& hw = c.hw;
  const double cps = static_cast<double>(hw.prec(job.precision).cycles_per_step);
  if (job.engine == Engine::Array) {
    const i64 tile_passes =
        p.order == LoopOrder::Resident ? p.bands * p.col_segments * c.passes : tiles;
    double steps = static_cast<double>(job.kernel_h * job.kernel_w * c.groups);
    if (job.depthwise || p.k_chunks == 1) {
      Tile one;
      one.pixels = 1;
      one.passes = 1;
      steps = static_cast<double>(tile_cycles(job, one, hw) - hw.pipeline_latency_cycles) / cps;
    }
    return static_cast<double>(job.rows) * static_cast<double>(job.cols) *
               static_cast<double>(c.passes) * steps * cps +
           static_cast<double>(tile_passes) * static_cast<double>(hw.pipeline_latency_cycles);
  }
  return std::floor(static_cast<double>(job.vector_ops) / static_cast<double>(hw.vector_lanes)) *
             cps +
         static_cast<double>(tiles) * static_cast<double>(hw.vector_pipeline_latency_cycles);
}

// Bytes every program of this loop nest moves at least (halos not counted).
double bytes_bound(const Ctx& c, const TilePlan& p) {
  const LayerJob& job = c.job;
  const double spatial = static_cast<double>(p.bands * p.col_segments);
  double in = static_cast<double>(c.banded_in);
  if (p.inputs_reread) in *= static_cast<double>(c.passes);
  double w = static_cast<double>(job.weight_bytes);
  if (p.weights_streamed &&
      (p.order == LoopOrder::BandOuter || (p.order == LoopOrder::PassOuter && p.k_chunks > 1)))
    w *= spatial;
  w = std::max(0.0, w - static_cast<double>(job.prefetched_weight_bytes));
  const double out = job.output_to_dram ? static_cast<double>(job.output_bytes) : 0.0;
  return static_cast<double>(c.whole_in) + in + w + out;
}

}  // namespace

namespace {

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

// T1/T7: the spatial tilings a loop nest is tried with, fewest tiles first. Band heights: the
// height of min_bands bands (of one band when weights are re-fetched per tile), then every height
// of a fixed ladder (powers of two) below it, down to one row; then one-row bands cut into column
// segments of ladder widths. The ladder does not depend on the SRAM sizes, so a tiling that fits a
// smaller SRAM is tried with every bigger one (rule T6's monotonicity).
bool ladder_value(i64 i, i64& v) {  // 1, 2, 4, 8, 16, ...
  if (i > 61) return false;
  v = i64{1} << i;
  return true;
}

class SpatialScan {
 public:
  // From `start_bands` bands (1, or min_bands), through every ladder height below, with exactly
  // `extra_bands` bands inserted in order when it lies beyond `start_bands`.
  SpatialScan(i64 rows, i64 cols, i64 start_bands, i64 extra_bands) : rows_(rows), cols_(cols) {
    floor_ = std::min(rows, std::max<i64>(1, start_bands));
    extra_ = std::min(rows, std::max<i64>(1, extra_bands));
    h_ = ceil_div(rows, floor_);
  }
  // Next tiling, fewest tiles first, each (bands, segments) once; false when exhausted.
  bool next(i64& bands, i64& segs) {
    for (;;) {
      if (have_pending_) {
        bands = pending_bands_;
        segs = pending_segs_;
        have_pending_ = false;
      } else if (!advance(bands, segs)) {
        if (extra_ > last_bands_ && last_segs_ <= 1) {
          bands = extra_;
          segs = 1;
          extra_ = 0;
        } else {
          return false;
        }
      }
      if (extra_ > last_bands_ && (segs > 1 || bands > extra_)) {
        // The min_bands tiling comes before this one.
        pending_bands_ = bands;
        pending_segs_ = segs;
        have_pending_ = true;
        bands = extra_;
        segs = 1;
      }
      if (bands != last_bands_ || segs != last_segs_) {
        last_bands_ = bands;
        last_segs_ = segs;
        return true;
      }
    }
  }

 private:
  bool advance(i64& bands, i64& segs) {
    if (first_) {
      first_ = false;
      emit_rows(bands, segs);
      bands = floor_;  // exactly floor_ near-equal bands (heights <= h_)
      return true;
    }
    if (phase_ == 0) {
      // Next ladder height below the current one.
      i64 v = 0;
      for (i64 i = 60; i >= 0; --i) {
        if (ladder_value(i, v) && v < h_) {
          h_ = v;
          return emit_rows(bands, segs);
        }
      }
      phase_ = 1;
      q_ = cols_;
    }
    i64 v = 0;
    for (i64 i = 60; i >= 0; --i) {
      if (ladder_value(i, v) && v < q_) {
        q_ = v;
        bands = rows_;
        segs = ceil_div(cols_, q_);
        return true;
      }
    }
    return false;
  }

  bool emit_rows(i64& bands, i64& segs) {
    bands = ceil_div(rows_, h_);
    segs = 1;
    if (h_ <= 1) phase_ = 1, q_ = cols_;
    return true;
  }
  i64 rows_, cols_, floor_ = 1, extra_ = 0, h_ = 1, q_ = 1;
  i64 last_bands_ = 0, last_segs_ = 0;
  i64 pending_bands_ = 0, pending_segs_ = 0;
  bool have_pending_ = false;
  int phase_ = 0;
  bool first_ = true;
};

void build_tiles(const Ctx& c, TilePlan& p) {
  const i64 n = tile_count(p);
  p.tiles.clear();
  p.tiles.reserve(static_cast<std::size_t>(n));
  i64 bytes = p.preload_bytes;
  for (i64 i = 0; i < n; ++i) {
    p.tiles.push_back(make_tile(c, p, i));
    bytes += p.tiles.back().load_bytes + p.tiles.back().store_bytes;
  }
  p.dram_bytes = bytes;
}

class Mapper {
 public:
  Mapper(const Ctx& c, TilePlan& best, TilePlan& scratch, i64 half_pf_passes)
      : c_(c), best_(best), scratch_(scratch), passes_(c.passes), half_pf_passes_(half_pf_passes) {}

  // Tries every spatial tiling of one loop nest (T6), fewest tiles first.
  void family(Cand k) {
    c_.passes = passes_;
    if (k.pf_div > 1) {
      const LayerJob& j = c_.job;
      const i64 pf = c_.hw.parallelism_factor / k.pf_div;
      c_.passes = j.depthwise ? ceil_div(j.groups * j.out_channels_per_group, pf)
                              : j.groups * ceil_div(j.out_channels_per_group, pf);
      if (c_.passes <= passes_) return;  // the same program as a wider array's
    }
    if (weight_slot(c_, k.w_resident, k.k) > c_.hw.sram_weight_bytes) return;
    const i64 pinned = pinned_bytes(c_, k);
    if (pinned > c_.free_act) return;
    // T1: resident weights start at min_bands; the orders that may re-stream weights or re-read
    // inputs start at one band (fewer bands, less traffic), min_bands among them.
    const i64 start = k.order == LoopOrder::Resident || k.pf_div > 1 ? c_.hw.tiling_min_bands : 1;
    SpatialScan scan(c_.job.rows, c_.cols, start, c_.hw.tiling_min_bands);
    i64 bands = 1, segs = 1;
    bool family_fit = false;
    while (scan.next(bands, segs)) {
      k.bands = bands;
      k.segs = segs;
      const i64 h = ceil_div(c_.job.rows, bands), q = ceil_div(c_.cols, segs);
      if (pinned + buffer_need(c_, k, h, q) > c_.free_act) continue;  // too big: more tiles
      configure(c_, k, scratch_);
      const i64 n = tile_count(scratch_);
      if (static_cast<double>(n) > kMaxTiles) {
        too_many_ = std::max(too_many_, static_cast<double>(n));
        return;
      }
      // T6 budget: a loop nest's programs of more than kTileBudget tiles are tried only while
      // none of its smaller ones fits (they cost planning and simulation time for a few cycles
      // of overlap).
      if (n > kTileBudget && family_fit) return;
      family_fit = true;
      any_fit_ = true;
      const double setup = static_cast<double>(c_.hw.layer_setup_cycles);
      const double floor_cycles = setup + compute_bound(c_, scratch_, n);
      if (have_ && floor_cycles > static_cast<double>(best_.cycles)) return;  // only worse on
      if (have_) {
        // Cheaper bound of this one program: its first load and last store are exposed.
        const Tile first = make_tile(c_, scratch_, 0);
        const Tile last = make_tile(c_, scratch_, n - 1);
        const double bpc = c_.hw.dram_bytes_per_cycle();
        const double lat = static_cast<double>(c_.latency);
        const double exposed =
            std::floor(static_cast<double>(scratch_.preload_bytes + first.load_bytes) / bpc) +
            (first.load_bytes + scratch_.preload_bytes > 0 ? lat : 0.0) +
            std::floor(static_cast<double>(last.store_bytes) / bpc) +
            (last.store_bytes > 0 ? lat : 0.0);
        const double bus = std::floor(bytes_bound(c_, scratch_) / bpc);
        const double lb = std::max(floor_cycles + exposed, setup + bus) - 2.0;
        if (lb > static_cast<double>(best_.cycles)) continue;
      }
      evaluate();
    }
  }
  bool have() const { return have_; }
  bool any_fit() const { return any_fit_; }
  double too_many() const { return too_many_; }

 private:
  void evaluate() {
    build_tiles(c_, scratch_);
    const ProgramTiming timing = replay_tile_program(c_.job, scratch_, c_.hw);
    scratch_.cycles = timing.cycles;
    scratch_.idle_bus_cycles = timing.idle_bus_cycles;
    ++replays_;
    if (!have_ || scratch_.cycles < best_.cycles ||
        (scratch_.cycles == best_.cycles && scratch_.dram_bytes < best_.dram_bytes)) {
      std::swap(best_, scratch_);
      have_ = true;
    }
    best_.candidates = replays_;
  }

  Ctx c_;
  TilePlan& best_;
  TilePlan& scratch_;
  i64 passes_, half_pf_passes_;
  bool have_ = false, any_fit_ = false;
  double too_many_ = 0;
  i64 replays_ = 0;
};

// T8: the activation SRAM the smallest tile takes: one output pixel, one dot_width group of input
// channels (all of them on the vector unit), one pass of output, double-buffered.
i64 minimal_need(const Ctx& c) {
  Cand k;
  k.order = LoopOrder::PassOuter;
  k.w_resident = false;
  k.ksplit = (c.groups > 1 && c.job.groups == 1) || (c.job.depthwise && c.passes > 1);
  k.k = k.ksplit && !c.job.depthwise ? c.groups : 1;
  return c.whole_in + buffer_need(c, k, 1, 1);
}

std::string minimal_tile_text(const Ctx& c) {
  std::string s = "its smallest tile (one output pixel";
  if (c.job.engine == Engine::Array) {
    const i64 ch = c.job.depthwise ? std::min(c.hw.parallelism_factor, c.job.groups)
                   : c.groups > 1 && c.job.groups == 1
                       ? std::min(c.hw.dot_width, c.job.in_channels_per_group)
                       : c.job.in_channels_per_group;
    s += ", " + std::to_string(ch) + " input channel" + (ch == 1 ? "" : "s") +
         ", one pass of weights";
  }
  return s + ") does not fit: ";
}

}  // namespace

TilePlan plan_layer(const LayerJob& job, const HwSpec& hw) {
  TilePlan plan;
  plan_layer(job, hw, plan);
  return plan;
}

namespace {

// The mapper (T6); `only` restricts it to one loop order (tests compare fixed orders with it).
void map_layer(const LayerJob& job, const HwSpec& hw, TilePlan& plan, const LoopOrder* only) {
  validate(job);
  const i64 free_act = hw.sram_activation_bytes - job.reserved_activation_bytes;
  if (free_act < 0) {
    throw UserError("layer '" + job.name + "': resident tensors exceed the activation SRAM (" +
                    sizes(job.reserved_activation_bytes, hw.sram_activation_bytes) + ")");
  }
  Ctx c{job, hw};
  c.passes = array_passes(job, hw);
  c.cols = job.cols;
  if (job.engine == Engine::Vector && job.output_whole) {
    for (const auto& op : job.inputs) {
      if (!op.whole) c.cols = std::max(c.cols, op.cols);  // a reduction splits its input columns
    }
  }
  c.groups = job.engine == Engine::Array && !job.depthwise
                 ? ceil_div(job.in_channels_per_group, hw.dot_width)
                 : 1;
  c.free_act = free_act;
  c.whole_in = whole_streamed_bytes(job);
  c.banded_in = banded_streamed_bytes(job);
  c.bytes_per_cycle = hw.dram_bytes_per_cycle();
  c.latency = hw.dram_latency_cycles();

  const i64 w = job.weight_bytes;
  const i64 W = hw.sram_weight_bytes;
  // k-chunk counts (T4, T6) come from the ladder (capped at the pass's dot_width groups): the
  // fewest that fit, and every ladder count up to the fewest that fit kRefWeightSram, so a
  // count tried with a smaller weight SRAM (of at least that size) is tried with a bigger one.
  auto ladder_k = [&](i64 i) {
    i64 v = 0;
    return ladder_value(i, v) ? std::min(v, c.groups) : c.groups;
  };
  auto fewest_k = [&](i64 sram) {
    for (i64 i = 0;; ++i) {
      const i64 k = ladder_k(i);
      if (weight_slot(c, false, k) <= sram || k == c.groups) return k;
    }
  };
  const i64 kw = fewest_k(W);
  if (weight_slot(c, false, kw) > W) {
    throw UserError("layer '" + job.name + "': " + minimal_tile_text(c) +
                    sizes(weight_slot(c, false, kw), W) + " (weight SRAM, two chunks of one " +
                    "pass of weights double-buffered)");
  }
  const i64 k_last = std::max(kw, fewest_k(std::min(W, kRefWeightSram)));

  thread_local TilePlan scratch;  // candidates are built here; the best is swapped into `plan`
  plan.tiles.clear();
  const i64 pf = hw.parallelism_factor;
  i64 half_passes = c.passes;
  if (job.engine == Engine::Array && pf % 2 == 0) {
    const i64 half = pf / 2;
    half_passes = job.depthwise ? ceil_div(job.groups * job.out_channels_per_group, half)
                                : job.groups * ceil_div(job.out_channels_per_group, half);
  }
  Mapper m(c, plan, scratch, half_passes);
  const bool fits = w <= W;
  const bool multi = c.passes > 1 || only != nullptr;
  // T6: every loop nest is also tried with passes of PF/2, PF/4, ... output channels (units left
  // idle): the programs of narrower arrays, so doubling PF never slows a layer.
  auto family = [&](Cand k) {
    if (only != nullptr && *only != k.order) return;
    // With one pass and one chunk, band- and pass-outer are the resident order's program (or,
    // pinned, that program after a preload): only the resident order is tried.
    if (k.order != LoopOrder::Resident && !multi && k.k == 1 && fits && !k.ksplit) return;
    m.family(k);
    // T6: the resident order is also tried with passes of PF/2, PF/4, ... output channels (units
    // left idle): the programs of narrower arrays, which doubling PF would otherwise lose.
    if (job.engine != Engine::Array || k.order != LoopOrder::Resident) return;
    for (i64 div = 2; div <= kMaxPfDiv && pf % div == 0; div *= 2) {
      k.pf_div = div;
      m.family(k);
    }
  };
  // Fixed candidate order (ties keep the first), per k-chunk count ascending: resident weights
  // (one chunk), band-outer (weights resident when they fit, else re-streamed per tile),
  // pass-outer with pinned inputs, pass-outer re-reading inputs; then, only when none fits,
  // input tiles split along channels (T8).
  for (i64 i = 0, prev = 0;; ++i) {
    const i64 k = ladder_k(i);
    if (k == prev) break;
    prev = k;
    if (k < kw) continue;
    if (k > k_last) break;
    if (fits && k == 1) family(Cand{LoopOrder::Resident, false, true, false, 1});
    family(Cand{LoopOrder::BandOuter, false, fits, false, k});
    if (c.banded_in > 0) family(Cand{LoopOrder::PassOuter, true, false, false, k});
    family(Cand{LoopOrder::PassOuter, false, false, false, k});
  }
  if (job.depthwise && c.passes > 1 && c.banded_in > 0) {
    // Depthwise (T8): a pass reads only its own channels of the input tile; always tried, so
    // the set stays monotone in the activation SRAM.
    if (fits) family(Cand{LoopOrder::BandOuter, false, true, true, 1});
    family(Cand{LoopOrder::PassOuter, false, false, true, 1});
    if (!fits) family(Cand{LoopOrder::BandOuter, false, false, true, 1});
  }
  if (!m.any_fit() && c.groups > 1 && job.groups == 1 && c.banded_in > 0) {
    // Even the one-pixel tile with every input channel does not fit: split the input tiles
    // along input channels too, in the fewest chunks that fit.
    for (i64 ka = std::max<i64>(2, kw); ka <= c.groups && !m.any_fit(); ++ka) {
      if (fits) family(Cand{LoopOrder::BandOuter, false, true, true, ka});
      family(Cand{LoopOrder::PassOuter, false, false, true, ka});
      if (!fits) family(Cand{LoopOrder::BandOuter, false, false, true, ka});
    }
  }
  if (!m.have()) {
    if (m.too_many() > 0) {
      throw UserError("layer '" + job.name + "': needs " +
                      std::to_string(static_cast<i64>(m.too_many())) + " tiles (more than " +
                      std::to_string(static_cast<i64>(kMaxTiles)) +
                      "); the SRAMs are too small for it");
    }
    throw UserError("layer '" + job.name + "': " + minimal_tile_text(c) +
                    sizes(minimal_need(c), free_act) + " (activation SRAM)");
  }
  ACCELNAS_CHECK(!plan.tiles.empty(), "tiler produced no tiles");
  check_cycle_range(job, hw, plan);
}

}  // namespace

void map_layer_uncached(const LayerJob& job, const HwSpec& hw, TilePlan& plan) {
  map_layer(job, hw, plan, nullptr);
}

void plan_layer_in_order(const LayerJob& job, const HwSpec& hw, LoopOrder order, TilePlan& plan) {
  map_layer(job, hw, plan, &order);
}

}  // namespace accelnas::hw
