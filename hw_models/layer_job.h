// A layer descriptor as the controller receives it: the work of one layer *in its context*
// (which inputs are already on chip, whether the output stays on chip, how much activation SRAM
// other resident tensors hold). The sim planner builds these from a network; label generation
// builds them from sampled units. Geometry is batch-folded: `rows` counts batch * rows.
#ifndef ACCELNAS_HW_MODELS_LAYER_JOB_H
#define ACCELNAS_HW_MODELS_LAYER_JOB_H

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/precision.h"

namespace accelnas::hw {

enum class Engine { Array, Vector };

// An element-wise op or a pool fused into the output stage of the conv before it (rules F1-F3,
// docs/HARDWARE_MODEL.md): the conv's output never exists as a tensor of its own.
enum class FusedOp { None, Add, Mul, Pool };

struct OperandDesc {
  std::int64_t bytes = 0;      // whole tensor, batch included
  std::int64_t rows = 1;       // its rows (batch * h); the layer's bands map onto them
  std::int64_t halo_rows = 0;  // extra rows every band needs (kernel_h - stride_h when > 0)
  std::int64_t cols = 1;       // its pixels per row; a column segment of the layer maps onto them
  std::int64_t halo_cols = 0;  // extra columns every column segment needs (kernel_w - stride_w)
  bool on_chip = false;        // resident in activation SRAM already: no DMA
  bool whole = false;          // every band needs all of it (broadcast scale, FC input)
};

struct LayerJob {
  std::string name;
  std::string op;  // operator name, for reports
  Engine engine = Engine::Array;
  Precision precision = Precision::Int8;

  // Iteration space: bands are cut along `rows` (batch * output rows; batch * input rows for a
  // reduction whose output is `output_whole`).
  std::int64_t rows = 1;
  std::int64_t cols = 1;  // output pixels per row, array jobs

  // Array work. Dense: passes = groups * ceil(out_channels_per_group / PF), steps per pixel per
  // pass = kernel_h * kernel_w * ceil(in_channels_per_group / dot_width). Depthwise (one input
  // channel per group): passes = ceil(groups * out_channels_per_group / PF).
  std::int64_t kernel_h = 1, kernel_w = 1;
  std::int64_t groups = 1;
  std::int64_t in_channels_per_group = 1;
  std::int64_t out_channels_per_group = 1;
  bool depthwise = false;
  std::int64_t macs = 0;

  // Vector work: element operations in total (window size included for pooling).
  std::int64_t vector_ops = 0;

  // Fusion (F1-F3): the op fused into the output stage, its element operations on the vector
  // unit (window included for a pool), and the rows of conv output a fused pool's window needs
  // beyond its band (a line buffer: kernel_h - stride_h of the pool). A fused add or mul's
  // second operand is the last entry of `inputs`, banded like the output.
  FusedOp fused_op = FusedOp::None;
  std::int64_t fused_vector_ops = 0;
  std::int64_t fused_halo_rows = 0;

  std::vector<OperandDesc> inputs;
  std::int64_t weight_bytes = 0;
  // Weight prefetch (C4): bytes of this layer's weights, in load order, already on chip when its
  // descriptor is popped, because the layer before moved them in its idle bus time.
  std::int64_t prefetched_weight_bytes = 0;
  std::int64_t output_bytes = 0;
  bool output_whole = false;    // produced at the last band only (reductions)
  bool output_on_chip = false;  // stays resident for its consumers (counted in reserved bytes)
  bool output_to_dram = true;   // written back to DRAM (spilled, or a network output)
  // Activation SRAM held by resident tensors while this layer runs, including this layer's
  // on-chip inputs and its on-chip output.
  std::int64_t reserved_activation_bytes = 0;
};

// Every field of `j` back to its default, except that the name, the operator name and the operand
// list are emptied with their storage kept: for loops that rebuild jobs in place (the planner's
// reusing overload). A field added to LayerJob must be reset here too.
inline void reset_keeping_storage(LayerJob& j) {
  j.name.clear();
  j.op.clear();
  j.engine = Engine::Array;
  j.precision = Precision::Int8;
  j.rows = 1;
  j.cols = 1;
  j.kernel_h = 1;
  j.kernel_w = 1;
  j.groups = 1;
  j.in_channels_per_group = 1;
  j.out_channels_per_group = 1;
  j.depthwise = false;
  j.macs = 0;
  j.vector_ops = 0;
  j.fused_op = FusedOp::None;
  j.fused_vector_ops = 0;
  j.fused_halo_rows = 0;
  j.inputs.clear();
  j.weight_bytes = 0;
  j.prefetched_weight_bytes = 0;
  j.output_bytes = 0;
  j.output_whole = false;
  j.output_on_chip = false;
  j.output_to_dram = true;
  j.reserved_activation_bytes = 0;
}
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(LayerJob) == 2 * sizeof(std::string) + sizeof(std::vector<OperandDesc>) +
                                      19 * sizeof(std::int64_t),
              "a field was added to LayerJob: reset it in reset_keeping_storage()");
#endif

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_LAYER_JOB_H
