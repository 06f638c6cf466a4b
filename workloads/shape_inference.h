// Per-layer shape inference and attribute validation, used by Network::finalize().
#ifndef ACCELNAS_WORKLOADS_SHAPE_INFERENCE_H
#define ACCELNAS_WORKLOADS_SHAPE_INFERENCE_H

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/network.h"

namespace accelnas::wl {

// Sizes beyond these are rejected so that every downstream count (bytes times a batch, MACs,
// cycles) stays exact in 64-bit integers. They are far beyond any real network; every reader of
// user input (YAML, zoo parameters, ONNX files) applies them before computing with a size.
constexpr std::int64_t kMaxDim = std::int64_t{1} << 24;       // a size, kernel, stride or pad
constexpr std::int64_t kMaxElements = std::int64_t{1} << 40;  // a tensor or a weight set
constexpr std::int64_t kMaxMacs = std::int64_t{1} << 50;      // one layer

// Where a layer came from, for messages: its origin, or "layer 'x'" when it has none.
std::string layer_where(const Layer& layer);

// Checks `layer`'s arity and attributes against its producers (in operand order, already
// inferred) and sets layer.out and layer.resolved_padding. Throws UserError at the layer's origin.
// Also rejects layers too large to count exactly (over 2^40 output or weight elements, or 2^50
// MACs), so downstream byte, MAC and cycle counts never overflow.
void infer_layer_shape(Layer& layer, const std::vector<const Layer*>& producers);

// One spatial axis of a sliding window (conv2d, pools). TF "SAME" when `same`, else explicit
// padding. Returns the output size (may be < 1; the caller rejects it) and the padding used.
struct WindowAxis {
  std::int64_t out = 0;
  int pad_lo = 0, pad_hi = 0;
};
WindowAxis window_axis(std::int64_t in, int kernel, int stride, bool same, int pad_lo, int pad_hi);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_SHAPE_INFERENCE_H
