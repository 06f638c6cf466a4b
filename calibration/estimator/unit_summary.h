// A unit's flat, numeric attributes: one CSV row per unit for export, and the estimator's
// features. Computed from the description alone (no hardware), so identical descriptions give
// identical rows.
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_SUMMARY_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_SUMMARY_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "calibration/estimator/unit.h"
#include "workloads/precision.h"

namespace accelnas::cal {

// One field per column of summary_columns(), in that order. "Window layers" are conv2d, max_pool
// and avg_pool; counts that scale with the batch include it.
struct UnitSummary {
  UnitType type = UnitType::Conv;  // type: unit_type_name()
  std::int64_t layers = 0;         // layers: number of layers (jobs)
  std::int64_t batch = 1;          // batch
  // in_h, in_w, in_c: shape of the first external input (the first operand of the first layer);
  // 0 when the unit has none.
  std::int64_t in_h = 0, in_w = 0, in_c = 0;
  std::int64_t out_h = 0, out_w = 0, out_c = 0;  // out_h, out_w, out_c: the last layer's output
  std::int64_t kernel = 0;  // kernel: largest kernel_h of a window layer, 0 when there is none
  std::int64_t stride = 1;  // stride: product of the window layers' stride_h (the downsampling)
  // expansion: for ibn / fused_ibn, the largest conv2d out_channels divided by in_c (the hidden
  // width over the input width; 1 for an IBN without expand conv); 0 for other types.
  double expansion = 0;
  bool has_se = false;  // has_se: a global_avgpool and a mul (squeeze-excite), or type se
  // has_residual: an add with one operand from outside the unit and one from inside (the
  // block adds its input back).
  bool has_residual = false;
  bool depthwise = false;                     // depthwise: any depthwise conv2d
  Precision precision = Precision::Int8;      // precision: of the first conv2d / fully_connected,
                                              // else of the first layer
  bool mixed_precision = false;               // mixed_precision: layers not all at one precision
  bool input_on_chip = false;                 // input_on_chip: the first external input's context
  bool output_on_chip = false;                // output_on_chip: the last layer's
  bool output_to_dram = false;                // output_to_dram: the last layer's
  std::int64_t max_other_reserved_bytes = 0;  // max_other_reserved_bytes: over the layers
  std::int64_t macs = 0;             // macs: sum of wl::layer_macs over the layers, times batch
  std::int64_t vector_ops = 0;       // vector_ops: sum of wl::layer_vector_ops, times batch
  std::int64_t params = 0;           // params: sum of wl::layer_params (weights and biases)
  std::int64_t input_elements = 0;   // input_elements: all external inputs, times batch
  std::int64_t output_elements = 0;  // output_elements: the last layer's output, times batch
  // fused: the op fused into a conv (F1, F2) by the unit's last fused job, "none" when none
  const char* fused = "none";
  // prefetched_weight_bytes: of the first layer's weights, prefetched by the layer before (C4)
  std::int64_t prefetched_weight_bytes = 0;
};

// Throws UserError when the description is not a valid network (see unit_network()).
UnitSummary summarize(const UnitDesc& desc);

// The summary from per-layer facts, wherever they come from: `output(t)` is layer t's output
// shape (a fused layer's: its fused op's), `counts(t)` its MACs and vector ops (batch included,
// a fused op's element operations too) and params. summarize() takes them
// from the unit's own network; the estimator's fast path (summarize_in) from the network the
// unit was cut from and the planner's jobs.
struct LayerCounts {
  std::int64_t macs = 0, vector_ops = 0, params = 0;
};
UnitSummary summarize_with(const UnitDesc& desc,
                           const std::function<wl::Shape(std::size_t)>& output,
                           const std::function<LayerCounts(std::size_t)>& counts);

// The column names, in a fixed order: the names in the comments of UnitSummary.
const std::vector<std::string>& summary_columns();

// The row for summary_columns(): integers as integers, booleans as 0 / 1, type and precision as
// their names, expansion with 4 decimals. Plain tokens: no value needs CSV quoting.
std::vector<std::string> summary_values(const UnitSummary& s);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_SUMMARY_H
