// Internal to the ONNX importer: checks a parsed model before libonnx's shape inference sees it.
//
// libonnx 1.12 trusts its input: a node reading a tensor nobody defines, nodes out of
// topological order, a window with stride 0 or a node with fewer inputs than its operator takes
// crash it (or the importer after it). These checks turn each such file into one UserError
// naming the node ("m.onnx: node 'Conv_3' (op Conv): ..."), and sort nodes that are merely out of
// order. After them every default-domain node has the inputs and outputs its operator's schema
// requires, so input(k) / output(k) below those counts is in range.
#ifndef ACCELNAS_WORKLOADS_ONNX_ONNX_VALIDATE_H
#define ACCELNAS_WORKLOADS_ONNX_ONNX_VALIDATE_H

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>

#include "workloads/shape_inference.h"

namespace accelnas::wl::onnx_detail {

// Per node: no subgraphs (If, Loop, Scan bodies), at least one output, input and output counts
// within the operator's schema at `opset` (default domain) with required inputs present, and
// the window attributes of convolutions and pools in range (kernel_shape, strides, dilations
// and group from 1 to kMaxDim, pads from 0 to kMaxDim, consistent lengths). Then the graph:
// every node input is a graph input, an initializer or some node's output, each tensor is
// written once, and nodes are put in a stable topological order (a cycle is an error).
void check_and_sort_nodes(const std::string& file, onnx::GraphProto& graph, int opset);

// Convolutions (Conv, ConvTranspose, ConvInteger, QLinearConv) against their weights, once the
// graph inputs have their final shapes: weights of known shape (an initializer, a Constant or a
// fully shaped graph input) have rank 3 or more, and kernel_shape, when given, equals their
// spatial dimensions; when absent it is added from them (the ONNX default). Weights computed by
// the graph need kernel_shape. libonnx takes an absent kernel_shape from the weights without
// checking their rank against the input's, and reads past its arrays when they differ.
void check_kernel_shapes(const std::string& file, onnx::GraphProto& graph);

// Initializers and tensor attributes (Constant values): no negative dimension, at most
// kMaxElements elements.
void check_tensor_sizes(const std::string& file, const onnx::GraphProto& graph);
// A graph input with its shape fixed (every dimension known): at most kMaxElements elements,
// batch included.
void check_input_size(const std::string& file, const onnx::ValueInfoProto& input);

// The product of `dims` when every one is >= 0 and it is at most kMaxElements; false otherwise
// (without overflowing).
template <class Range>
bool element_count(const Range& dims, std::int64_t& out) {
  std::int64_t n = 1;
  for (const std::int64_t d : dims) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n) || n > kMaxElements) return false;
  }
  out = n;
  return true;
}

}  // namespace accelnas::wl::onnx_detail

#endif  // ACCELNAS_WORKLOADS_ONNX_ONNX_VALIDATE_H
