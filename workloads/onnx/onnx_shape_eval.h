// Internal to the ONNX importer: the values of small integer tensors that a graph computes from
// constants and known shapes. Exporters feed Slice and Split bounds with such shape arithmetic
// (PyTorch's x.chunk(2, dim=1) slices at Shape -> Gather -> Add -> Div -> Mul), which neither the
// file's constants nor ONNX's data propagation (libonnx 1.12 stops at Gather) resolve.
#ifndef ACCELNAS_WORKLOADS_ONNX_ONNX_SHAPE_EVAL_H
#define ACCELNAS_WORKLOADS_ONNX_ONNX_SHAPE_EVAL_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "workloads/onnx/onnx_model.h"

namespace accelnas::wl::onnx_detail {

// The flattened values of `tensor`, as integers, when it is an initializer or Constant, or is
// computed from them and from tensors of known shape by Shape, Gather (axis 0), Add, Sub, Mul,
// Div (truncating on integer tensors), Floor, Ceil, Min, Max, Neg, Concat, Slice (step 1),
// Unsqueeze, Squeeze, Reshape, Identity and Cast. Values beyond int64 saturate (ONNX uses
// INT64_MAX as "to the end"). False when any step is something else or is unknown.
// `known_dims`, when given, supplies the dims of tensors ONNX shape inference left unknown (the
// importer's own shapes: a Reshape to a computed shape after a dynamic batch, say) for Shape.
using DimsLookup = std::function<bool(const std::string& tensor, std::vector<std::int64_t>& dims)>;
bool integer_values(const OnnxModel& model, const std::string& tensor,
                    std::vector<std::int64_t>& out, const DimsLookup& known_dims = {});

// [b, e) of a dimension of size n for ONNX Slice bounds with a positive step: negative values
// count from the end, and everything is clamped to [0, n].
void clamp_slice(std::int64_t start, std::int64_t end, std::int64_t n, std::int64_t& b,
                 std::int64_t& e);

}  // namespace accelnas::wl::onnx_detail

#endif  // ACCELNAS_WORKLOADS_ONNX_ONNX_SHAPE_EVAL_H
