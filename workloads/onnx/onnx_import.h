// ONNX import: an ONNX model file (NCHW, opsets 7-17) -> a finalized wl::Network (HxWxC, batch
// held separately), with Conv+BatchNormalization+activation chains fused into one layer's
// epilogue, shape-only operators folded away and IBN / fused-IBN / squeeze-excite blocks
// annotated as the zoo does.
//
// Contract: import_onnx() returns a finalized network or throws UserError with one line naming
// the file and, where there is one, the node ("m.onnx: node 'Conv_3' (op Conv): ..."). It never
// prints, except warnings through OnnxOptions::warn (stderr by default).
//
// Mapping decisions:
// - Layout: NCHW [N,C,H,W] becomes HxWxC; [N,K] becomes 1x1xK. The batch dimension is dropped:
//   a dynamic batch is taken as 1, a fixed batch N > 1 is imported per image with a warning
//   (simulate with --batch N). Every layer keeps the network's default precision (int8).
// - Weights are initializers (or Constant nodes), never graph inputs; only their shapes are
//   read. Windows get explicit padding that reproduces ONNX's output size (auto_pad, ceil_mode).
// - BatchNormalization folds into the producing conv2d / fully_connected when nothing else reads
//   that output; activations fuse the same way. After a vector op (add, mul, concat, pools,
//   resize) an activation is applied by the vector unit on write-back and adds no layer;
//   anywhere else it (or the batchnorm) becomes a 1x1 avgpool pass on the vector unit.
//   Clip(0, 6) is relu6, Clip(0, inf) relu; HardSigmoid (any alpha) is hsigmoid.
// - x * HardSigmoid(x) is hswish. SiLU, x * Sigmoid(x), has no activation of its own and is
//   mapped to hswish (its piecewise approximation, same epilogue cost), with one warning.
// - A 1x1 Conv over a pooled vector (after global_avgpool or fully_connected: a squeeze-excite)
//   is a fully_connected layer, as the zoo writes it.
// - Add / Sub / Mul / Div with two graph tensors become add / mul (the broadcast 1x1xC operand
//   goes second). With a constant operand they are folded: into the producer's bias (add, after
//   a conv2d / fully_connected without activation) or weights (mul), else ignored with a warning.
// - ReduceMean over H and W, GlobalMaxPool and GlobalAveragePool become global_avgpool; Softmax
//   a 1x1 avgpool pass; Concat only joins channels; cubic Resize is bilinear (warning); dilated
//   convolutions keep their kernel size and MACs (warning).
// - Flatten, Reshape, Squeeze, Unsqueeze, Identity, Dropout and Cast add no layer (a reshape
//   that moves data between H, W and C is unsupported). Nodes whose inputs are all constants
//   (shape arithmetic) are left to shape inference and add no layer.
// - Slice along channels (axis 1, step 1) and Split along channels become channel_slice layers
//   (one per used Split output, named "<node>", "<node>_1", ...); a Slice keeping every channel
//   adds no layer. Bounds may be constants or shape arithmetic on them and on known shapes
//   (PyTorch's chunk); they clamp as ONNX specifies. Other axes, steps and bounds are unsupported.
// - Pad of H and W read only by Conv, MaxPool or AveragePool windows adds no layer: its pads
//   join the window's padding (any mode or value: the same cost, with a warning when not zeros).
//   Other pads (batch, channels, negative) and other readers are unsupported.
// - A channel shuffle (Reshape to [N, g, C/g, H, W], Transpose [0, 2, 1, 3, 4], Reshape back)
//   adds no layer when the producer is a conv2d, fully_connected or vector op with no other
//   reader (it writes the channels in the new order), else it is a 1x1 avgpool pass. Other
//   transposes are unsupported.
// - Layer names are the node names (leading "/" dropped, characters outside [A-Za-z0-9_.-/]
//   replaced by "_") when unique, else "<op>_<node index>".
// - An unsupported operator is an error; with allow_unsupported it becomes a 1x1 avgpool pass
//   on the vector unit (a resize when it changes H or W), with a warning per node.
#ifndef ACCELNAS_WORKLOADS_ONNX_ONNX_IMPORT_H
#define ACCELNAS_WORKLOADS_ONNX_ONNX_IMPORT_H

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/network.h"

namespace accelnas::wl {

// A concrete shape for a graph input whose shape is dynamic (or to override it).
struct InputShape {
  std::string name;                // empty: the model's only input
  std::vector<std::int64_t> dims;  // in the file's (ONNX, NCHW) order, batch included
};

// "NAME=HxWxC" (our layout, batch 1: "input=224x224x3") or "NAME=N,C,H,W" (the file's order,
// any rank: "input=1,3,224,224"); "NAME=" may be left out when the model has one input.
// Throws UserError on malformed text.
InputShape parse_input_shape(const std::string& text);

struct OnnxOptions {
  std::vector<InputShape> input_shapes;
  bool allow_unsupported = false;
  // Receives one line per warning; empty: "accelnas: warning: <line>" on stderr.
  std::function<void(const std::string&)> warn;
};

// True for a path that names an ONNX file (ends in ".onnx"): how every command tells ONNX models
// from zoo specs and network YAML files.
bool is_onnx_path(const std::string& path);

// Imports `path`. The network is named after the file's stem.
Network import_onnx(const std::string& path, const OnnxOptions& options = {});
// Imports the ONNX model in `bytes` as if read from a file named `name` (messages name it, the
// network is named after its stem): the entry point for in-memory models and fuzzers. Any bytes
// give a network or one UserError line; no input may crash the process.
Network import_onnx_bytes(std::string_view bytes, const std::string& name,
                          const OnnxOptions& options = {});

// ONNX operator types import_onnx maps (sorted), for --help and docs.
const std::vector<std::string>& onnx_supported_ops();

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_ONNX_ONNX_IMPORT_H
