// Units: the pieces of a network the latency estimator predicts (docs/ESTIMATOR.md).
//
// A unit is a contiguous run of planned layer jobs: one conv2d / fully_connected with its fused
// epilogue, a whole IBN or fused-IBN block (squeeze-excite and residual add included), a
// squeeze-excite block outside an IBN, or one vector op. Its description holds the geometry of
// every layer (enough to rebuild each hw::LayerJob through sim::make_job) plus the context the
// planner gave it: which external inputs are already on chip, where each output goes, and how
// much activation SRAM tensors the job does not touch hold while it runs.
//
// Contract: unit_jobs(decompose(net, hw, opt)[u], hw) equals the planner's jobs of unit u field
// by field (job names excepted: a name is a label, not part of the description), and
// canonical_text() depends on the description only, never on names or network positions.
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hw_models/hw_spec.h"
#include "hw_models/layer_job.h"
#include "sim/planner.h"
#include "workloads/network.h"

namespace accelnas::cal {

enum class UnitType { Conv, Vector, Ibn, FusedIbn, Se };
constexpr std::size_t kNumUnitTypes = 5;

const char* unit_type_name(UnitType t);  // "conv", "vector", "ibn", "fused_ibn", "se"

// An operand of a unit's layer: one of the unit's external inputs, or the output of an earlier
// layer of the unit.
struct TensorRef {
  bool external = true;
  int index = 0;  // into UnitDesc::inputs when external, else into UnitDesc::layers
  bool operator==(const TensorRef& o) const { return external == o.external && index == o.index; }
};

// A tensor produced outside the unit. Its bytes follow from shape, batch and precision.
struct ExternalInput {
  wl::Shape shape;
  Precision precision = Precision::Int8;
  bool on_chip = false;  // context: resident in activation SRAM already, or read from DRAM
};

// The add, mul or pool fused into a conv2d's output stage (rules F1, F2): the layer that has no
// job of its own, whose output is the fused job's. An add / mul's second operand is the last
// entry of its LayerDesc's `inputs` (after the conv's own operand).
struct FusedDesc {
  wl::OpKind op = wl::OpKind::Input;      // Input: nothing fused
  Precision precision = Precision::Int8;  // the fused op's (its output's bytes)
  int kernel_h = 1, kernel_w = 1;         // max_pool / avg_pool: the window
  int stride_h = 1, stride_w = 1;
  wl::Padding padding;  // resolved (explicit) padding
  bool any() const { return op != wl::OpKind::Input; }
};

// A field added here must be written by decompose (unit.cpp: set_geometry / describe) and go
// into the cache key (prediction_cache.cpp: hash_desc, SameDesc).
struct LayerDesc {
  // Geometry. Only the fields of `op` are meaningful (and serialised): conv2d uses the window,
  // groups, out_channels and bias; fully_connected out_channels and bias; the pools the window;
  // resize out_h, out_w and mode; channel_slice its width in out_channels (the rebuilt slice
  // starts at channel 0: its job depends on the width only). The activation is absent: it is fused
  // and costs nothing (A6).
  wl::OpKind op = wl::OpKind::Conv2d;
  std::vector<TensorRef> inputs;
  Precision precision = Precision::Int8;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  wl::Padding padding;  // resolved (explicit) padding
  int groups = 1;
  std::int64_t out_channels = 0;
  bool bias = false;  // a bias term (bias or folded batch-norm): adds weight bytes
  std::int64_t out_h = 0, out_w = 0;
  wl::ResizeMode resize_mode = wl::ResizeMode::Nearest;
  FusedDesc fused;  // conv2d only: the op fused into it, if any (the job is "conv2d+<op>")

  // Context.
  bool output_on_chip = false;  // stays resident for its consumers
  bool output_to_dram = true;   // written back (spilled, or consumed by nobody)
  // Activation SRAM held by resident tensors this layer neither reads nor writes (the job's
  // reserved bytes minus its own on-chip operands and on-chip output).
  std::int64_t other_reserved_bytes = 0;
  // Bytes of the layer's weights the layer before it prefetched (C4): for a unit's first layer,
  // from the unit before; inside the unit, from the planner's rule.
  std::int64_t prefetched_weight_bytes = 0;
};

struct UnitDesc {
  UnitType type = UnitType::Conv;
  std::int64_t batch = 1;
  std::vector<ExternalInput> inputs;
  std::vector<LayerDesc> layers;  // in execution order
};

struct Unit {
  UnitDesc desc;
  // Where the unit came from (not part of the description).
  std::string block;                      // block id, empty for a lone layer
  std::vector<std::size_t> layers;        // network layer indices, in execution order (of a fused
                                          // job: its conv)
  std::vector<std::size_t> fused_layers;  // per job, the fused op's layer, else sim::kNoLayer
  std::vector<std::size_t> jobs;          // indices into the network plan's jobs
  // The network layer whose output job t of the unit produces.
  std::size_t output_layer(std::size_t t) const {
    return fused_layers[t] != sim::kNoLayer ? fused_layers[t] : layers[t];
  }
};

// Splits the planned network into units, in execution order; every non-input layer belongs to
// exactly one. Layers of an "ibn", "fused_ibn" or "se" block form one unit per contiguous run of
// that block id; every other layer (outside a block, or in a block of another type such as a
// ResNet "residual") is a conv or vector unit of its own.
std::vector<Unit> decompose(const wl::Network& net, const hw::HwSpec& hw,
                            const sim::PlanOptions& opt);

// The same, from a plan already made by sim::plan_network(net, hw, opt).
std::vector<Unit> decompose(const wl::Network& net, const hw::HwSpec& hw,
                            const sim::PlanOptions& opt, const sim::NetworkPlan& plan);
// The same written into `units`, reusing its storage (every vector and string in it keeps its
// capacity), so a loop over networks of similar size allocates nothing once warm. `units` ends
// equal to what the overload above returns.
void decompose(const wl::Network& net, const hw::HwSpec& hw, const sim::PlanOptions& opt,
               const sim::NetworkPlan& plan, std::vector<Unit>& units);

// The small network unit_jobs() plans: one input layer "in<k>" per external input, then one
// layer per LayerDesc in order ("l<t>_<op>"), finalized (shapes inferred). Network layer index k
// is external input k and index inputs.size() + t is layer t: for a fused layer, the fused op
// ("l<t>_<fused op>", reading the conv and, for add / mul, the second operand), whose conv
// ("l<t>_conv2d") comes after every layer of the unit, at fused_conv_index(). Hardware-free.
// Throws UserError when the description is not a valid network.
wl::Network unit_network(const UnitDesc& desc);
// The index in unit_network(desc) of the conv of fused layer t.
std::size_t fused_conv_index(const UnitDesc& desc, std::size_t t);

// Rebuilds the unit's layer jobs from its description alone: a small network of the external
// inputs and the unit's layers goes through sim::make_job, then the context is applied. Throws
// UserError when the description is not a valid network (e.g. a sampled shape mismatch).
std::vector<hw::LayerJob> unit_jobs(const UnitDesc& desc, const hw::HwSpec& hw);
inline std::vector<hw::LayerJob> unit_jobs(const Unit& unit, const hw::HwSpec& hw) {
  return unit_jobs(unit.desc, hw);
}

// Deterministic one-line JSON of the description (keys sorted, no whitespace): the text label
// generation hashes together with the hardware description.
std::string canonical_text(const UnitDesc& desc);

// The inverse of canonical_text(): canonical_text(parse_unit_text(canonical_text(d))) equals
// canonical_text(d), and the parsed description rebuilds the same jobs. Strict: malformed JSON,
// a missing or unknown key, a wrong type, an unknown op / precision / unit type / resize mode, a
// negative size or an operand that is not "in<N>" / "l<N>" throws UserError with one line
// "<where>: <json path>: <reason>", e.g. "labels.db: labels row 17: layers[2].kernel: ...".
// An operand must name an existing input or an earlier layer; whether shapes agree is left to
// unit_network().
UnitDesc parse_unit_text(const std::string& text, const std::string& where);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_UNIT_H
