// NOTE (integration): renamed from features.h, which shadowed glibc's <features.h> for every
// target that has calibration/ on its include path. Keep this name.
// The latency estimator's features: a fixed-length numeric vector per unit (docs/ESTIMATOR.md).
//
// Two kinds of columns:
// - raw attributes of the description (cal::summarize: shapes, kernel, stride, expansion,
//   precision, context flags, reserved bytes, MACs, params) plus the unit type one-hot;
// - hardware-aware terms, summed over the unit's layers, computed from the tiler's plan of each
//   job (hw::plan_layer) and the model's own per-tile formulas (A1-A7, V1, D1, D2), without
//   running SystemC: passes, steps, tiles, bands, compute cycles, DRAM bytes and their bus
//   cycles, the per-layer roofline, setup, and `timeline_cycles`, the per-layer replay of the
//   controller's static tile program (P1) on an analytical DMA bus and compute unit.
//
// Contract: unit_features() is a pure, deterministic, thread-safe function of (desc, hw) and
// writes exactly feature_names().size() floats. A unit that cannot be mapped onto the hardware
// (T5) throws UserError from hw::plan_layer, as does a description that is not a valid network.
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_FEATURES_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_FEATURES_H

#include <cstddef>
#include <string>
#include <vector>

#include "calibration/estimator/unit.h"
#include "calibration/estimator/unit_summary.h"
#include "hw_models/hw_spec.h"
#include "hw_models/layer_job.h"
#include "workloads/network.h"

namespace accelnas::cal {

const std::vector<std::string>& feature_names();
std::size_t feature_count();

// Index of the analytical cycle estimates inside the feature vector (targets normalise by them).
std::size_t feature_index(const std::string& name);  // throws std::out_of_range when unknown

void unit_features(const UnitDesc& d, const hw::HwSpec& hw, float* out);

// The same from the unit's jobs as the planner made them (equal to unit_jobs(d, hw) by the
// contract of unit.h): lets the estimator skip rebuilding the jobs at prediction time.
void unit_features(const UnitDesc& d, const std::vector<const hw::LayerJob*>& jobs,
                   const hw::HwSpec& hw, float* out);

// The parts the features are assembled from, for callers that cache them (the estimator).
//
// One layer's hardware-aware terms: a pure function of (job, hw) with the job's name ignored
// (the name only appears in the UserError of an unmappable layer).
struct LayerTerms {
  double passes = 0, steps = 0, tiles = 0, bands = 0, k_chunks = 0;
  double streamed = 0, pinned = 0, reread = 0, weight_bytes = 0;
  double load_bytes = 0, store_bytes = 0, compute = 0, memory = 0, roofline = 0;
  double timeline = 0;
  double prefetched = 0;  // the job's prefetched_weight_bytes (C4)
  // What the planner's weight prefetch asks of the job (sim::LayerTimingSource).
  std::int64_t idle_bus_cycles = 0, weight_slot_bytes = 0;
  bool array = false;  // runs on the dot-product array
};
LayerTerms layer_terms(const hw::LayerJob& job, const hw::HwSpec& hw);

// summarize(d) without rebuilding the unit's network: from the network the unit was cut from
// (`unit`: its network layers and fused layers, `jobs`: the planner's jobs of it). Equal to
// summarize(d) field by field for every unit cal::decompose returns.
UnitSummary summarize_in(const UnitDesc& d, const wl::Network& net, const Unit& unit,
                         const std::vector<const hw::LayerJob*>& jobs, const hw::HwSpec& hw);

// The feature vector from a summary and the layers' terms in execution order: what
// unit_features() writes, bit for bit, when s = summarize(d) and terms[i] = layer_terms(job i).
void assemble_features(const UnitDesc& d, const UnitSummary& s,
                       const std::vector<const LayerTerms*>& terms, const hw::HwSpec& hw,
                       float* out);

// The replay of one layer's tile program (controller P1, DMA D1-D3, compute A5 / V1) on an
// analytical model: for the jobs the simulator runs it equals their simulated cycles in every
// case tested so far (the regressor learns whatever is left). Throws UserError when unmappable.
std::int64_t timeline_cycles(const hw::LayerJob& job, const hw::HwSpec& hw);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_FEATURES_H
