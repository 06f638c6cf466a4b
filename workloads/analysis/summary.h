// Static analysis of a network, the data behind `accelnas info`: per-layer shapes, arithmetic
// and memory, and network totals including the peak activation memory (memory.h).
//
// Rules:
// - Layers are listed in the default execution order (Network::order()).
// - MACs are multiplied by the batch; parameters and weight bytes are not.
// - Weight bytes = parameters (kernel weights plus bias / folded batchnorm terms) times the
//   layer's analysis bytes per element (memory.h: int8 1, int16 / fp16 / bf16 2). Biases are
//   counted at the weights' element size, a simplification (int8 kernels often keep int32 biases).
// - Output bytes = the layer's output tensor (times the batch); live bytes = the activation
//   memory live while the layer runs under the default order.
#ifndef ACCELNAS_WORKLOADS_ANALYSIS_SUMMARY_H
#define ACCELNAS_WORKLOADS_ANALYSIS_SUMMARY_H

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/analysis/memory.h"
#include "workloads/network.h"

namespace accelnas::wl {

struct LayerSummary {
  std::size_t index = 0;  // layer index in the network
  std::string name;
  OpKind op = OpKind::Input;
  std::vector<Shape> input_shapes;  // in operand order
  Shape output;
  Precision precision = Precision::Int8;  // as analysed (after any override)
  std::int64_t macs = 0;
  std::int64_t params = 0;
  std::int64_t weight_bytes = 0;
  std::int64_t output_bytes = 0;
  std::int64_t live_bytes = 0;
  std::string block, block_type, role;
};

struct NetworkSummary {
  std::string name;
  std::int64_t batch = 1;
  std::vector<LayerSummary> layers;  // in default execution order
  std::int64_t params = 0;
  std::int64_t macs = 0;
  std::int64_t weight_bytes = 0;
  std::int64_t peak_activation_bytes = 0;  // under the default order
  std::string peak_layer;                  // the first layer whose step reaches the peak
  MinPeakOrder min_order;
};

// UserError for batch < 1.
NetworkSummary summarize(const Network& net, const MemoryOptions& opt = {},
                         const OrderSearchOptions& search = {});

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_ANALYSIS_SUMMARY_H
