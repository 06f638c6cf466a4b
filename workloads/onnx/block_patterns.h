// Block annotation by pattern matching, for networks that arrive without block ids (ONNX
// imports). Finds, in topological order, and marks with block / block_type / role as the zoo
// does (network.h's vocabulary):
//   ibn        [1x1 conv + act "expand"] -> depthwise KxK "depthwise" -> [squeeze-excite]
//              -> 1x1 conv without activation "project" [-> add with the block input
//              "residual_add"]; the expand is optional (MobileNetV2's first block);
//   fused_ibn  KxK conv (K > 1, groups 1, act, more output than input channels) "expand" ->
//              1x1 conv without activation "project" [-> residual add];
//   squeeze-excite inside an IBN: global_avgpool "se_pool" -> 1x1 conv "se_reduce" -> 1x1 conv
//              "se_expand" -> mul with the depthwise output "se_scale".
//   The SE's reduce and expand may also be fully_connected layers.
// Each intermediate tensor must have exactly one consumer (the SE's tap aside). Blocks of both
// types are numbered together in topological order as the zoo numbers them: "ibn1", "ibn2", ...
// Layers that already have a block are left alone.
#ifndef ACCELNAS_WORKLOADS_ONNX_BLOCK_PATTERNS_H
#define ACCELNAS_WORKLOADS_ONNX_BLOCK_PATTERNS_H

#include "workloads/network.h"

namespace accelnas::wl {

// `net` must be finalized; it is finalized again on return.
void annotate_blocks(Network& net);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_ONNX_BLOCK_PATTERNS_H
