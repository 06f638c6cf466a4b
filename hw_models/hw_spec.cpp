#include "hw_models/hw_spec.h"

#include <cmath>
#include <filesystem>
#include <mutex>

#include "workloads/config/error.h"
#include "workloads/config/node.h"
#include "workloads/config/suggest.h"

namespace accelnas::hw {
namespace {

using cfg::ParamDecl;
using cfg::ParamKind;

// Defaults for energy come from M. Horowitz, "Computing's energy problem (and what we can do
// about it)", ISSCC 2014, Fig. 1.1.9 (45 nm): 8b mult 0.2 pJ + 8b add 0.03 pJ; 16b FP mult
// 1.1 pJ + add 0.4 pJ; 64-bit read of a 32 KB SRAM 20 pJ (2.5 pJ/B); DRAM 1.3-2.6 nJ per 64 bits
// (~160 pJ/B). int16 and bf16 are interpolated (multiplier energy ~ operand width squared).
struct PrecisionDefaults {
  const char* name;
  const char* cycles;
  const char* bytes;
  const char* energy;
};
constexpr PrecisionDefaults kPrecisionDefaults[] = {
    {"int8", "1", "1", "0.23pJ"},
    {"int16", "2", "2", "0.85pJ"},
    {"fp16", "2", "2", "1.5pJ"},
    {"bf16", "2", "2", "1.1pJ"},
};

constexpr double kMaxSram = 1099511627776.0;  // 1 TiB

std::vector<ParamDecl> build_decls() {
  std::vector<ParamDecl> d;
  auto add = [&d](std::string key, ParamKind kind, std::string def, double lo, double hi,
                  std::string desc, std::vector<std::string> choices = {}) {
    d.push_back(ParamDecl{std::move(key), kind, std::move(def), lo, hi, std::move(choices),
                          std::move(desc), "", true});
  };
  // Integer keys also declare what they count.
  auto add_int = [&d](std::string key, std::string def, double lo, double hi, std::string unit,
                      std::string desc) {
    d.push_back(ParamDecl{std::move(key),
                          ParamKind::Integer,
                          std::move(def),
                          lo,
                          hi,
                          {},
                          std::move(desc),
                          std::move(unit),
                          true});
  };
  add("name", ParamKind::Text, "custom", 0, 0, "Name of this hardware description");
  add("description", ParamKind::Text, "", 0, 0, "One-line rationale for this configuration");
  add("clock", ParamKind::Frequency, "1GHz", 1e6, 1e11,
      "Accelerator clock; one cycle of the model");
  add("compute.kind", ParamKind::Choice, compute_kind(kDotProductArrayKind).name, 0, 0,
      "Compute block that runs convolutions and fully connected layers, with its timing rules "
      "(docs/HARDWARE_MODEL.md)",
      compute_kind_names(Engine::Array));
  d.back().identity_at_default = false;  // declared after label stores and estimators existed
  add_int("compute.parallelism_factor", "32", 1, 65536, "units",
          "Dot-product units working in parallel; each produces one output channel per pass");
  add_int("compute.dot_width", "16", 1, 4096, "lanes",
          "MAC lanes per unit per step, reducing along input channels");
  add_int("compute.pipeline_latency", "8", 0, 1e6, "cycles",
          "Cycles to fill and drain the array pipeline, paid once per pass of each tile");
  add("compute.depthwise", ParamKind::Choice, "channel_parallel", 0, 0,
      "Depthwise mapping: each unit owns one channel and does one tap per cycle "
      "(channel_parallel), or the taps are spread over the lanes (tap_parallel)",
      {"channel_parallel", "tap_parallel"});
  add("compute.small_channel_packing", ParamKind::Choice, "taps", 0, 0,
      "A conv with fewer input channels than dot_width packs taps into the lanes: none, the "
      "kernel row's taps (row: Kw*Cin per step), or every tap (taps: Kh*Kw*Cin, im2col)",
      {"none", "row", "taps"});
  for (const auto& p : kPrecisionDefaults) {
    const std::string base = std::string("compute.precisions.") + p.name;
    add_int(base + ".cycles_per_step", p.cycles, 1, 64, "cycles",
            std::string("Array cycles per step at ") + p.name + " (a step is one cycle at int8)");
    add_int(base + ".bytes", p.bytes, 1, 8, "bytes",
            std::string("Bytes per weight or activation element at ") + p.name);
  }
  add_int("vector.lanes", "64", 1, 65536, "lanes",
          "Vector-unit elements processed per cycle (pooling, add, mul, concat, resize)");
  add_int("vector.pipeline_latency", "4", 0, 1e6, "cycles",
          "Vector-unit fill and drain cycles, paid once per tile");
  add("sram.weights", ParamKind::Size, "512KiB", 1024, kMaxSram, "On-chip weight SRAM capacity");
  add("sram.activations", ParamKind::Size, "1MiB", 1024, kMaxSram,
      "On-chip activation SRAM capacity (resident tensors plus streaming buffers)");
  add("dram.bandwidth", ParamKind::Bandwidth, "8GB/s", 1e6, 1e13,
      "DRAM bandwidth shared by all DMA reads and writes");
  add("dram.latency", ParamKind::Duration, "100ns", 0, 1e-3,
      "Latency from the end of a transfer's bus time to its completion");
  add_int("layer_setup", "200", 0, 1e9, "cycles",
          "Cycles the controller spends decoding a layer descriptor before any transfer starts");
  add_int("tiling.min_bands", "8", 1, 1024, "bands",
          "The compiler splits each layer into at least this many row bands (when it has that many "
          "rows) so DMA overlaps compute");
  add("fusion.eltwise", ParamKind::Choice, "true", 0, 0,
      "Fuse an add or mul into the output stage of the conv that produces one of its operands",
      {"true", "false"});
  add("fusion.pooling", ParamKind::Choice, "true", 0, 0,
      "Fuse a max, average or global average pool into the output stage of the conv before it",
      {"true", "false"});
  add("dma.prefetch_weights", ParamKind::Choice, "true", 0, 0,
      "Load the next layer's weights during this layer's idle bus time when they fit beside "
      "this layer's weights",
      {"true", "false"});
  for (const auto& p : kPrecisionDefaults) {
    add(std::string("energy.mac.") + p.name, ParamKind::Energy, p.energy, 0, 1e6,
        std::string("Energy per multiply-accumulate at ") + p.name + " (Horowitz, ISSCC 2014)");
  }
  add("energy.sram_byte", ParamKind::Energy, "2.5pJ", 0, 1e6,
      "Energy per byte read from or written to on-chip SRAM (Horowitz, ISSCC 2014)");
  add("energy.dram_byte", ParamKind::Energy, "160pJ", 0, 1e6,
      "Energy per byte transferred to or from DRAM (Horowitz, ISSCC 2014)");
  return d;
}

HwSpec from_params(const cfg::ParamMap& v, const std::string& source) {
  auto num = [&v](const std::string& k) { return v.at(k).number; };
  auto integer = [&v](const std::string& k) { return static_cast<std::int64_t>(v.at(k).number); };
  HwSpec s;
  s.source = source;
  s.name = v.at("name").text;
  s.description = v.at("description").text;
  s.clock_hz = num("clock");
  s.compute_kind = find_compute_kind(v.at("compute.kind").text);
  ACCELNAS_CHECK(s.compute_kind < compute_kind_count(), "compute.kind not a registered kind");
  s.parallelism_factor = integer("compute.parallelism_factor");
  s.dot_width = integer("compute.dot_width");
  s.pipeline_latency_cycles = integer("compute.pipeline_latency");
  s.depthwise = v.at("compute.depthwise").text == "tap_parallel" ? DepthwiseMode::TapParallel
                                                                 : DepthwiseMode::ChannelParallel;
  for (std::size_t i = 0; i < kNumPrecisions; ++i) {
    const std::string p = kPrecisionDefaults[i].name;
    s.precisions[i].cycles_per_step = integer("compute.precisions." + p + ".cycles_per_step");
    s.precisions[i].bytes = integer("compute.precisions." + p + ".bytes");
    s.precisions[i].mac_energy_pj = num("energy.mac." + p);
  }
  s.vector_lanes = integer("vector.lanes");
  s.vector_pipeline_latency_cycles = integer("vector.pipeline_latency");
  s.sram_weight_bytes = integer("sram.weights");
  s.sram_activation_bytes = integer("sram.activations");
  s.dram_bandwidth_bytes_per_s = num("dram.bandwidth");
  s.dram_latency_s = num("dram.latency");
  s.layer_setup_cycles = integer("layer_setup");
  s.tiling_min_bands = integer("tiling.min_bands");
  const std::string& packing = v.at("compute.small_channel_packing").text;
  s.small_channel_packing = packing == "none"  ? SmallChannelPacking::None
                            : packing == "row" ? SmallChannelPacking::Row
                                               : SmallChannelPacking::Taps;
  s.fusion_eltwise = v.at("fusion.eltwise").text == "true";
  s.fusion_pooling = v.at("fusion.pooling").text == "true";
  s.prefetch_weights = v.at("dma.prefetch_weights").text == "true";
  s.sram_energy_pj_per_byte = num("energy.sram_byte");
  s.dram_energy_pj_per_byte = num("energy.dram_byte");
  s.values = v;
  return s;
}

// An empty document is rejected rather than read as "all defaults": write `{}` for that.
HwSpec from_root(const cfg::Node& root, const std::string& source,
                 const cfg::Overrides& overrides) {
  if (root.is_null()) {
    root.fail("empty hardware description (write {} to take every default)");
  }
  if (!root.is_map())
    root.fail("expected a mapping of hardware keys (see `accelnas list hw-keys`)");
  return from_params(cfg::parse_params(root, hw_param_decls(), overrides), source);
}

}  // namespace

std::int64_t HwSpec::dram_latency_cycles() const {
  return static_cast<std::int64_t>(std::ceil(dram_latency_s * clock_hz - 1e-9));
}

double HwSpec::peak_macs_per_cycle(Precision p) const {
  return static_cast<double>(parallelism_factor * dot_width) /
         static_cast<double>(prec(p).cycles_per_step);
}

const std::vector<cfg::ParamDecl>& hw_param_decls() {
  static std::vector<cfg::ParamDecl> decls = build_decls();
  static std::size_t kinds_seen = compute_kind_count();
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  if (kinds_seen != compute_kind_count()) {  // a kind was registered since: refresh the choices
    for (cfg::ParamDecl& d : decls) {
      if (d.key == "compute.kind") d.choices = compute_kind_names(Engine::Array);
    }
    kinds_seen = compute_kind_count();
  }
  return decls;
}

HwSpec load_hw_string(const std::string& yaml, const std::string& source_name,
                      const cfg::Overrides& overrides) {
  return from_root(cfg::Node::load_string(yaml, source_name), source_name, overrides);
}

HwSpec load_hw(const std::string& spec, const cfg::Overrides& overrides) {
  for (const auto& p : presets()) {
    if (p.name == spec) return load_hw_string(p.yaml, "preset:" + p.name, overrides);
  }
  const bool looks_like_path = spec.find('/') != std::string::npos ||
                               spec.find(".yaml") != std::string::npos ||
                               spec.find(".yml") != std::string::npos;
  if (looks_like_path || std::filesystem::exists(spec)) {
    return from_root(cfg::Node::load_file(spec), spec, overrides);
  }
  std::vector<std::string> names;
  for (const auto& p : presets()) names.push_back(p.name);
  throw UserError("unknown hardware preset '" + spec + "'" + suggestion_suffix(spec, names) +
                  "; presets: " + join(names, ", ") + ", or give a YAML file path");
}

}  // namespace accelnas::hw
