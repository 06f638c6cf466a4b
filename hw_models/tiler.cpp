#include "tiler.h"

#include <algorithm>

#include "error.h"

namespace accelnas::hw {
namespace {

using i64 = std::int64_t;
__extension__ typedef __int128 i128;  // products of sizes overflow int64

i64 ceil_div(i64 a, i64 b) {
  return (a + b - 1) / b;
}

// The part of `total` that falls in parts [begin, end) of `n` equal parts; exact when summed.
i64 share(i64 total, i64 begin, i64 end, i64 n) {
  const i128 t = total;
  return static_cast<i64>(t * end / n - t * begin / n);
}

bool streamed(const OperandDesc& op) {
  return !op.on_chip;
}

// Bytes of operand `op` that a band covering layer rows [r0, r1) needs, halo included.
i64 band_bytes(const OperandDesc& op, i64 r0, i64 r1, i64 rows) {
  if (op.whole) return op.bytes;
  const i64 first = static_cast<i64>(static_cast<i128>(op.rows) * r0 / rows);
  const i64 last = ceil_div(static_cast<i64>(static_cast<i128>(op.rows) * r1), rows);
  const i64 in_rows = std::min(op.rows, last - first + op.halo_rows);
  return ceil_div(static_cast<i64>(static_cast<i128>(in_rows) * op.bytes), op.rows);
}

// Upper bound of band_bytes over every alignment of an r-row band.
i64 band_bytes_bound(const OperandDesc& op, i64 r, i64 rows) {
  if (op.whole) return op.bytes;
  const i64 in_rows = std::min(
      op.rows, ceil_div(static_cast<i64>(static_cast<i128>(op.rows) * r), rows) + 1 + op.halo_rows);
  return ceil_div(static_cast<i64>(static_cast<i128>(in_rows) * op.bytes), op.rows);
}

bool output_streamed(const LayerJob& job) {
  return !job.output_on_chip && job.output_bytes > 0;
}

i64 output_buffer_bound(const LayerJob& job, i64 r) {
  if (!output_streamed(job)) return 0;
  if (job.output_whole) return job.output_bytes;
  return 2 * ceil_div(static_cast<i64>(static_cast<i128>(job.output_bytes) * r), job.rows);
}

i64 buffer_need(const LayerJob& job, i64 r, bool inputs_pinned) {
  i64 need = output_buffer_bound(job, r);
  for (const auto& op : job.inputs) {
    if (!streamed(op) || op.whole || inputs_pinned) continue;
    need += 2 * band_bytes_bound(op, r, job.rows);
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
  for (const auto& op : job.inputs) {
    if (streamed(op) && !op.whole) sum += op.bytes;
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

TilePlan plan_layer(const LayerJob& job, const HwSpec& hw) {
  validate(job);
  TilePlan plan;
  plan.passes = array_passes(job, hw);
  const i64 free_act = hw.sram_activation_bytes - job.reserved_activation_bytes;
  if (free_act < 0) {
    throw UserError("layer '" + job.name + "': resident tensors exceed the activation SRAM (" +
                    sizes(job.reserved_activation_bytes, hw.sram_activation_bytes) + ")");
  }

  // Weights: loaded once when they fit, otherwise one slice per pass, double-buffered.
  const i64 w = job.weight_bytes;
  plan.weights_streamed = w > hw.sram_weight_bytes && plan.passes > 1;
  const i64 slice = plan.weights_streamed ? ceil_div(w, plan.passes) : w;
  plan.weight_slot_bytes = plan.weights_streamed ? std::min(w, 2 * slice) : w;
  if (plan.weight_slot_bytes > hw.sram_weight_bytes) {
    throw UserError(
        "layer '" + job.name + "': " +
        (plan.weights_streamed ? "two passes of weights (double-buffered) do" : "the weights do") +
        " not fit the weight SRAM (" + sizes(plan.weight_slot_bytes, hw.sram_weight_bytes) + ")");
  }

  // Inputs needed whole are loaded once up front; with streamed weights the banded inputs are
  // pinned too when they fit, else re-read for every pass.
  plan.pinned_activation_bytes = whole_streamed_bytes(job);
  if (plan.weights_streamed && banded_streamed_bytes(job) > 0) {
    const i64 pinned = plan.pinned_activation_bytes + banded_streamed_bytes(job);
    if (pinned + buffer_need(job, 1, true) <= free_act) {
      plan.inputs_pinned = true;
      plan.pinned_activation_bytes = pinned;
    } else {
      plan.inputs_reread = true;
    }
  }
  const i64 budget = free_act - plan.pinned_activation_bytes;
  if (budget < 0 || buffer_need(job, 1, plan.inputs_pinned) > budget) {
    throw UserError(
        "layer '" + job.name + "': one row band does not fit the activation SRAM (" +
        sizes(plan.pinned_activation_bytes + buffer_need(job, 1, plan.inputs_pinned), free_act) +
        ")");
  }

  // The largest band that fits, then at least min_bands bands so transfers overlap compute.
  i64 lo = 1, hi = job.rows;
  while (lo < hi) {
    const i64 mid = lo + (hi - lo + 1) / 2;
    if (buffer_need(job, mid, plan.inputs_pinned) <= budget) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  const i64 target_bands =
      std::max(ceil_div(job.rows, lo), std::min(job.rows, hw.tiling_min_bands));
  // Near-equal bands (sizes differ by at most one row), so there are exactly target_bands.
  plan.bands = target_bands;
  plan.band_rows = ceil_div(job.rows, plan.bands);
  plan.buffer_activation_bytes = buffer_need(job, plan.band_rows, plan.inputs_pinned);

  // Tile order. Streamed weights: pass-outer, band-inner, one weight slice per pass. Weights
  // that fit: band-outer with every pass per tile, except that band 0 runs pass by pass so the
  // array starts as soon as the first slice of weights has landed instead of waiting for all.
  plan.first_band_per_pass = !plan.weights_streamed && plan.passes > 1 && w > 0;
  plan.preload_bytes = plan.pinned_activation_bytes;
  plan.preload_sram_access_bytes = plan.preload_bytes;
  struct Step {
    i64 band, pass_begin, pass_end;
  };
  std::vector<Step> steps;
  if (plan.weights_streamed) {
    for (i64 p = 0; p < plan.passes; ++p) {
      for (i64 b = 0; b < plan.bands; ++b) steps.push_back({b, p, p + 1});
    }
  } else {
    for (i64 b = 0; b < plan.bands; ++b) {
      if (b == 0 && plan.first_band_per_pass) {
        for (i64 p = 0; p < plan.passes; ++p) steps.push_back({0, p, p + 1});
      } else {
        steps.push_back({b, 0, plan.passes});
      }
    }
  }
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const Step& st = steps[k];
    const i64 r0 = share(job.rows, 0, st.band, plan.bands);
    const i64 r1 = share(job.rows, 0, st.band + 1, plan.bands);
    const bool first_pass_of_band = st.pass_begin == 0 || plan.inputs_reread;
    Tile t;
    t.rows = r1 - r0;
    t.passes = st.pass_end - st.pass_begin;
    t.input_last_use = static_cast<i64>(k);
    i64 in_read = 0;  // input bytes the array or vector unit reads from SRAM
    for (const auto& op : job.inputs) {
      const i64 bytes = band_bytes(op, r0, r1, job.rows);
      in_read += op.whole ? share(op.bytes, st.band, st.band + 1, plan.bands) : bytes;
      if (!streamed(op) || op.whole || plan.inputs_pinned || !first_pass_of_band) continue;
      t.load_bytes += bytes;
      t.in_buffer_bytes += bytes;
    }
    if (!plan.weights_streamed && st.band == 0 && plan.first_band_per_pass) {
      // Band 0's input stays until its last pass.
      if (st.pass_begin == 0) t.input_last_use = static_cast<i64>(k + plan.passes - 1);
    }
    // Weights arrive with the tile that first needs them.
    const i64 w_part = share(w, st.pass_begin, st.pass_end, plan.passes);
    if (st.band == 0) {
      t.load_weight_bytes = w_part;
      t.load_bytes += w_part;
    }
    i64 out = job.output_whole ? (st.band + 1 == plan.bands ? job.output_bytes : 0)
                               : share(job.output_bytes, r0, r1, job.rows);
    out = share(out, st.pass_begin, st.pass_end, plan.passes);
    if (output_streamed(job)) t.out_buffer_bytes = out;
    if (job.output_to_dram) t.store_bytes = out;
    if (job.engine == Engine::Array) {
      t.pixels = t.rows * job.cols;
    } else {
      t.vector_ops = share(job.vector_ops, r0, r1, job.rows);
    }
    // SRAM traffic: DMA fills and drains, plus the compute reading its operands (the array
    // re-reads the input band once per pass and each pass's weights once per band) and
    // writing its output.
    t.sram_access_bytes = t.load_bytes + t.store_bytes + in_read * t.passes +
                          (job.engine == Engine::Array ? w_part : 0) + out;
    plan.tiles.push_back(t);
  }
  ACCELNAS_CHECK(!plan.tiles.empty(), "tiler produced no tiles");
  return plan;
}

}  // namespace accelnas::hw
