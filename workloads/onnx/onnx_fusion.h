// Internal to the ONNX importer: operators that fold into the layer producing their input
// (BatchNormalization, activations, elementwise ops with a constant operand) when that layer
// can absorb them, and the stand-ins used when it cannot.
#ifndef ACCELNAS_WORKLOADS_ONNX_ONNX_FUSION_H
#define ACCELNAS_WORKLOADS_ONNX_ONNX_FUSION_H

#include "workloads/onnx/onnx_mapper.h"

namespace accelnas::wl::onnx_detail {

// Output 0 of `node` is activation `a` applied to `x`: fused into the producing conv2d /
// fully_connected's epilogue, applied by the producing vector op on write-back, or a 1x1 avgpool
// pass on the vector unit otherwise.
void apply_activation(Mapper& m, const onnx::NodeProto& node, const Value& x, Activation a);

// BatchNormalization of `x`: folded into the producing conv2d / fully_connected (before any
// activation), else a 1x1 avgpool pass.
void apply_batchnorm(Mapper& m, const onnx::NodeProto& node, const Value& x);

// Output 0 of `node` is `x` with its channels permuted (a channel shuffle): the producing
// conv2d / fully_connected permutes its filters, a producing vector op writes the channels in the
// new order; otherwise a 1x1 avgpool pass on the vector unit moves the data.
void apply_channel_permutation(Mapper& m, const onnx::NodeProto& node, const Value& x);

// `x` (op) a constant: an add folds into the producer's bias and a mul into its weights when
// the producer is a conv2d / fully_connected without activation; otherwise the constant is
// ignored with a warning.
void apply_constant_operand(Mapper& m, const onnx::NodeProto& node, const Value& x, bool additive);

}  // namespace accelnas::wl::onnx_detail

#endif  // ACCELNAS_WORKLOADS_ONNX_ONNX_FUSION_H
