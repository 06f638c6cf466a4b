// IBN transforms: fusion, kernel size and expansion of inverted-bottleneck blocks. Each returns
// a new, finalized network and leaves `net` untouched. Blocks are selected as in select.h: ids
// ("ibn3"), 0-based indices and inclusive ranges over the network's IBN and fused-IBN blocks in
// execution order ("0-3", "1,4,5"), or "all".
//
// fuse_ibn: in each selected "ibn" block the 1x1 expand conv and the KxK depthwise become one KxK
//   full conv with the expand's name, inputs and precision, the depthwise's kernel, stride,
//   padding and epilogue, out_channels = the expanded channels and role "expand"; the block's
//   layers get block_type "fused_ibn". A block without expand (expansion 1) fuses its depthwise
//   alone into a KxK full conv C -> C under the depthwise's name. A named block that cannot be
//   fused is an error: it is already fused, has no depthwise, its expand is not a 1x1 stride-1
//   groups-1 conv without padding, or the expand's output also feeds other layers (SSDLite taps
//   an expansion for its predictors). "all" skips such blocks instead, listing them with the
//   reason in `skipped` when given.
// unfuse: the reverse, for "fused_ibn" blocks only. The KxK conv F (C -> E channels) becomes a
//   1x1 expand (F's name, precision, epilogue; role "expand") and a KxK depthwise named
//   "<block>_dw" (made unique) with F's kernel, stride, padding, epilogue and precision; F's
//   consumers read the depthwise. When E == C, F becomes the depthwise alone (the inverse of
//   fusing a block without expand). So unfuse(fuse(net)) restores the layer table whenever each
//   expand's epilogue equals its depthwise's (as in mobilenet_v2) and no expand keeps the
//   channel count. Non-fused blocks are rejected (skipped under "all").
// set_kernel: the depthwise of "ibn" blocks, or the KxK conv of "fused_ibn" blocks, gets a k x k
//   kernel, k in [1, 15]. SAME padding stays SAME; explicit padding becomes (k-1)/2 before and the
//   rest after, on each axis.
// set_expansion: the expanded channels of each selected block become round(in_channels * e)
//   (halves up), rounded to the nearest multiple of `align` (at least align); e in (0, 64]. The
//   depthwise and any squeeze-excite scale inside the block follow. MobileNetV2's convention
//   holds for "ibn" blocks: expansion 1 means no expand layer, so e == 1 removes the expand
//   (channels become in_channels, `align` is not applied; an expand whose output also feeds
//   other layers is kept at in_channels) and e != 1 on a block without one inserts a 1x1 expand
//   "<block>_expand" with the depthwise's epilogue and precision. A fused block's KxK conv just
//   gets round(in * e) channels. Depthwise layers outside the block that read the expansion (e.g.
//   SSDLite predictors) follow it. Error when the expanded channels are tied (by an add or mul) to
//   layers outside the block or to a network output.
#ifndef ACCELNAS_WORKLOADS_TRANSFORMS_IBN_H
#define ACCELNAS_WORKLOADS_TRANSFORMS_IBN_H

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/network.h"

namespace accelnas::wl {

Network fuse_ibn(const Network& net, const std::string& blocks,
                 std::vector<std::string>* skipped = nullptr);
Network unfuse(const Network& net, const std::string& blocks);
Network set_kernel(const Network& net, const std::string& blocks, int k);
Network set_expansion(const Network& net, const std::string& blocks, double e,
                      std::int64_t align = 1);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_TRANSFORMS_IBN_H
