// Building blocks shared by the zoo's families and the samplers (calibration/labels/): channel
// rounding and the inverted bottleneck (plain, with squeeze-excite, or fused).
//
// Every layer of a block gets the block's id, its type and a role, as documented on wl::Layer:
// an IBN is "<id>_expand" (role expand, absent when the block does not expand), "<id>_dw"
// (depthwise), the squeeze-excite "<id>_se_pool" / "_se_reduce" / "_se_expand" / "_se_scale"
// (se_* roles, same block id), "<id>_project" (project) and "<id>_add" (residual_add). A fused
// IBN has no depthwise: its "<id>_expand" is the KxK full conv and carries the stride.
#ifndef ACCELNAS_WORKLOADS_ZOO_BLOCKS_H
#define ACCELNAS_WORKLOADS_ZOO_BLOCKS_H

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/zoo/builder.h"

namespace accelnas::wl::zoo {

// Rounds v to the nearest multiple of `divisor`, never below `divisor` nor below 90% of v: the
// make_divisible / round_filters of the MobileNet, MnasNet and EfficientNet references.
std::int64_t make_divisible(double v, int divisor = 8);

// Squeeze-excite (Hu et al. 2018): global average pool, fully_connected down to `reduced`
// channels (bias, ReLU), fully_connected back up (bias, `gate`), channel-wise mul.
struct SqueezeExcite {
  std::int64_t reduced = 0;  // 0: no squeeze-excite
  Activation gate = Activation::Sigmoid;
};

struct IbnSpec {
  int kernel = 3;
  int stride = 1;
  std::int64_t expanded = 0;  // hidden channels; equal to the input's: no expand conv (not fused)
  std::int64_t out = 0;
  Activation activation = Activation::Relu6;  // of the expand and depthwise convs
  SqueezeExcite se;                           // after the depthwise (or fused) conv
  bool fused = false;                         // expand + depthwise become one KxK full conv
  bool skip = true;  // residual add when stride 1 keeps the shape ("noskip" turns it off)
};

// Adds IBN block `id` after `in` (block_type "ibn" or "fused_ibn") and returns its output.
// The projection is linear (batchnorm, no activation).
std::string inverted_bottleneck(NetworkBuilder& b, const std::string& id, const std::string& in,
                                const IbnSpec& spec);

// One stage of a network written in the MnasNet / EfficientNet reference's block strings, e.g.
// 'r3_k5_s22_e3_i24_o40_se0.25': `repeats` blocks, the first from `in` channels with `stride`,
// the rest from `out` channels with stride 1. Channels round with make_divisible(c * width, 8)
// before the expansion multiplies them; the squeeze-excite squeezes the block's input channels
// by `se_ratio` (a ratio of the input, not of the expansion, as in those references).
struct StageArgs {
  int repeats;
  int kernel;
  int stride;
  int expansion;
  std::int64_t in, out;
  double se_ratio = 0;  // 0: no squeeze-excite
  bool skip = true;     // false: "noskip"
  bool fused = false;   // "c1": the expand and depthwise are one KxK full conv
};

// Adds the stages' blocks "ibn<first_index>", "ibn<first_index + 1>", ... after `in` with
// `activation` and sigmoid-gated squeeze-excite; returns the last block's output.
std::string add_stages(NetworkBuilder& b, const std::string& in,
                       const std::vector<StageArgs>& stages, double width, Activation activation,
                       int first_index = 1);

}  // namespace accelnas::wl::zoo

#endif  // ACCELNAS_WORKLOADS_ZOO_BLOCKS_H
