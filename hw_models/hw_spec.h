// The hardware description: immutable specs parsed once from YAML (a preset or a file), then
// read by every block of the model. Every key is declared once in hw_spec.cpp (hw_param_decls),
// with kind, unit, default, range and description; parsing, `accelnas list hw-keys` and the docs
// all come from that table.
#ifndef ACCELNAS_HW_MODELS_HW_SPEC_H
#define ACCELNAS_HW_MODELS_HW_SPEC_H

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "hw_models/timing/compute_kinds.h"
#include "workloads/config/params.h"
#include "workloads/precision.h"

namespace accelnas::hw {

enum class DepthwiseMode { ChannelParallel, TapParallel };
// How a conv with fewer input channels than dot_width fills the lanes (rule A8): not at all,
// with the kernel row's taps (Kw * Cin), or with every tap (Kh * Kw * Cin, im2col).
enum class SmallChannelPacking { None, Row, Taps };

struct PrecisionSpec {
  std::int64_t cycles_per_step = 1;  // array (and vector) cycles per step at this precision
  std::int64_t bytes = 1;            // bytes per element of weights and activations
  double mac_energy_pj = 0;
};

struct HwSpec {
  std::string name;
  std::string description;
  std::string source;  // preset name or file path

  double clock_hz = 1e9;

  // `compute.kind`: the registered compute kind (hw_models/timing/compute_kinds.h) that runs
  // convolutions and fully connected layers.
  std::size_t compute_kind = kDotProductArrayKind;

  std::int64_t parallelism_factor = 32;  // dot-product units; one output channel each per pass
  std::int64_t dot_width = 16;           // MAC lanes per unit per step, along input channels
  std::int64_t pipeline_latency_cycles = 8;
  DepthwiseMode depthwise = DepthwiseMode::ChannelParallel;
  SmallChannelPacking small_channel_packing = SmallChannelPacking::Taps;
  std::array<PrecisionSpec, kNumPrecisions> precisions{};

  std::int64_t vector_lanes = 64;
  std::int64_t vector_pipeline_latency_cycles = 4;

  std::int64_t sram_weight_bytes = 0;
  std::int64_t sram_activation_bytes = 0;

  double dram_bandwidth_bytes_per_s = 8e9;
  double dram_latency_s = 100e-9;

  std::int64_t layer_setup_cycles = 0;
  std::int64_t tiling_min_bands = 8;

  bool fusion_eltwise = true;    // F1: add / mul fused into the producing conv's output stage
  bool fusion_pooling = true;    // F2: a pool fused into the conv before it
  bool prefetch_weights = true;  // C4: the next layer's weights load in this layer's idle bus time

  double sram_energy_pj_per_byte = 0;
  double dram_energy_pj_per_byte = 0;

  cfg::ParamMap values;  // every declared key as resolved (for reports)

  const PrecisionSpec& prec(Precision p) const { return precisions[static_cast<std::size_t>(p)]; }
  double dram_bytes_per_cycle() const { return dram_bandwidth_bytes_per_s / clock_hz; }
  std::int64_t dram_latency_cycles() const;
  // Peak MACs per cycle at precision p: PF * dot_width / cycles_per_step.
  double peak_macs_per_cycle(Precision p) const;
};

// The declared keys. `compute.kind`'s choices are the compute kinds of Engine::Array registered
// so far (compute_kind_names), read again after a registration.
const std::vector<cfg::ParamDecl>& hw_param_decls();

struct Preset {
  std::string name;
  std::string rationale;  // the preset's one-line `description`
  std::string yaml;       // file contents, embedded at build time
};
const std::vector<Preset>& presets();
constexpr const char* kDefaultPreset = "npu-pf32";

// `spec` is a preset name or a YAML file path. Overrides are applied after the file (e.g. from
// `sweep --set`). Throws UserError (unknown preset with close matches, missing file, malformed
// YAML, unknown key with its line, bad value) otherwise.
HwSpec load_hw(const std::string& spec, const cfg::Overrides& overrides = {});
HwSpec load_hw_string(const std::string& yaml, const std::string& source_name,
                      const cfg::Overrides& overrides = {});

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_HW_SPEC_H
