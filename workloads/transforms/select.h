// Naming what a transform applies to: IBN blocks and layers.
//
// IBN blocks are the blocks whose block_type is "ibn" or "fused_ibn", listed in execution order
// of their first layer; both kinds are counted so indices stay put when blocks are fused or
// unfused. Inside a block, layers are found by role, falling back to structure when a role is
// missing:
// - depthwise (ibn only): the layer with role "depthwise", else the first conv2d in the block
//   with groups == its input channels (> 1);
// - expand: the layer with role "expand"; else, in an ibn block, the depthwise's producer when it
//   is a groups-1 conv2d of the same block (none in a block without expansion, MobileNetV2's
//   t = 1), and in a fused_ibn block the first groups-1 conv2d of the block.
//
// Block selections (a comma-separated list, whitespace ignored):
//   all         every IBN block
//   ibn3        a block id (an id wins over an index)
//   2           an index into the IBN blocks, 0-based
//   0-3         an inclusive index range
// e.g. "0-3,ibn9,12". Unknown ids, bad ranges ("3-1") and indices past the end are UserErrors
// naming the item, with close matches and the blocks available.
//
// Layer selections: "all" (or empty) for every candidate, else a comma-separated list of layer
// names and block ids (a block id stands for its layers).
#ifndef ACCELNAS_WORKLOADS_TRANSFORMS_SELECT_H
#define ACCELNAS_WORKLOADS_TRANSFORMS_SELECT_H

#include <cstddef>
#include <string>
#include <vector>

#include "workloads/network.h"

namespace accelnas::wl {

constexpr std::size_t kNoLayer = static_cast<std::size_t>(-1);

struct IbnBlock {
  std::string id;
  bool fused = false;
  std::vector<std::size_t> layers;  // in execution order
  std::size_t expand = kNoLayer;
  std::size_t depthwise = kNoLayer;  // ibn blocks only
};

std::vector<IbnBlock> ibn_blocks(const Network& net);

// Indices into `blocks`, ascending and unique. `context` starts error messages ("fuse_ibn").
std::vector<std::size_t> select_ibn_blocks(const std::vector<IbnBlock>& blocks,
                                           const std::string& spec, const std::string& context);

// Whether one of the spec's items is "all" (transforms that apply to one kind of block then
// skip the other kind instead of rejecting it).
bool mentions_all(const std::string& spec);

// Layer indices, ascending and unique. Empty or "all" selects every layer.
std::vector<std::size_t> select_layers(const Network& net, const std::string& spec,
                                       const std::string& context);

// "a, b" helpers for messages: the list, abbreviated to its first and last items when long.
std::string list_names(const std::vector<std::string>& names);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_TRANSFORMS_SELECT_H
