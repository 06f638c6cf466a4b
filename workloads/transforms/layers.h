// Per-layer transforms: depthwise to full convolution, input resolution, precision. Each returns
// a new, finalized network and leaves `net` untouched.
//
// Layer selections are "all" (or empty) or a comma-separated list of layer names and block ids
// (select.h); an unknown name is a UserError with close matches.
//
// dw_to_conv(net, layers): the selected depthwise convs (groups == input channels > 1) become full
//   convs (groups 1) with the same kernel, stride, padding, out_channels and epilogue; their role
//   "depthwise" becomes "conv" (block ids and types stay). With "all" or a block id, the
//   depthwise convs among the selected layers are converted; a layer named explicitly must be
//   depthwise, and a named block must contain one.
// set_resolution(net, h, w): every input layer gets spatial size h x w (channels kept); resize
//   layers scale their output size by the same ratio per axis (nearest, at least 1). All inputs
//   must share one spatial size. h, w >= 1. A resolution the network cannot take (a kernel that
//   no longer fits, a concat of mismatched sizes) is a UserError from the rebuilt network.
// set_precision(net, layers, p): the selected layers run at p; with "all" (or empty) the network's
//   default precision becomes p too.
#ifndef ACCELNAS_WORKLOADS_TRANSFORMS_LAYERS_H
#define ACCELNAS_WORKLOADS_TRANSFORMS_LAYERS_H

#include <cstdint>
#include <string>

#include "workloads/network.h"

namespace accelnas::wl {

Network dw_to_conv(const Network& net, const std::string& layers = "all");
Network set_resolution(const Network& net, std::int64_t h, std::int64_t w);
Network set_precision(const Network& net, const std::string& layers, Precision p);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_TRANSFORMS_LAYERS_H
