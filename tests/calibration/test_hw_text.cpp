// The hardware's canonical text: its identity in the label store.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "calibration/estimator/hw_text.h"
#include "hw_models/hw_spec.h"
#include "hw_models/timing/compute_kinds.h"
#include "hw_models/timing/dot_product_timing.h"

using namespace accelnas;

namespace {

// npu-pf32 (hw_models/presets/npu-pf32.yaml) with every value written in other units, another
// name and another description.
const char* kPf32OtherUnits = R"(name: my-chip
description: "the same chip, other units"
clock: 1000MHz
compute:
  parallelism_factor: 32
  dot_width: 16
  pipeline_latency: 8
  depthwise: channel_parallel
  precisions:
    int8: {cycles_per_step: 1, bytes: 1}
vector:
  lanes: 64
sram:
  weights: 524288B
  activations: 1024KiB
dram:
  bandwidth: 8000MB/s
  latency: 0.1us
layer_setup: 200
energy:
  mac:
    int8: 230fJ
  dram_byte: 0.16nJ
)";

// A second array kind, registered as any new kind is, so that compute.kind has another value.
const std::size_t kOtherKind = hw::register_compute_kind(
    {"identity_test_array", hw::Engine::Array, hw::dot_product_tile_cycles,
     hw::dot_product_peak_macs_per_cycle, "the dot-product rules under another name"});

// npu-pf32's text as label stores and estimators hashed it before compute.kind was declared.
const char* kPf32Text =
    R"({"clock":1000000000,"compute.depthwise":"channel_parallel","compute.dot_width":16,)"
    R"("compute.parallelism_factor":32,"compute.pipeline_latency":8,)"
    R"("compute.precisions.bf16.bytes":2,"compute.precisions.bf16.cycles_per_step":2,)"
    R"("compute.precisions.fp16.bytes":2,"compute.precisions.fp16.cycles_per_step":2,)"
    R"("compute.precisions.int16.bytes":2,"compute.precisions.int16.cycles_per_step":2,)"
    R"("compute.precisions.int8.bytes":1,"compute.precisions.int8.cycles_per_step":1,)"
    R"("compute.small_channel_packing":"taps","dma.prefetch_weights":"true",)"
    R"("dram.bandwidth":8000000000,"dram.latency":1e-07,"energy.dram_byte":160,)"
    R"("energy.mac.bf16":1.1,"energy.mac.fp16":1.5,"energy.mac.int16":0.85,)"
    R"("energy.mac.int8":0.23,"energy.sram_byte":2.5,"fusion.eltwise":"true",)"
    R"("fusion.pooling":"true","layer_setup":200,)"
    R"("sram.activations":1048576,"sram.weights":524288,"tiling.min_bands":8,"vector.lanes":64,)"
    R"("vector.pipeline_latency":4})";

}  // namespace

// compute.kind at its default stays out of the text (stores from before it keep their hashes);
// the mapper's keys (A8, C4, F1, F2) change timing, so they are part of the identity.
TEST_CASE("hw canonical text: compute.kind at its default leaves the text as it was before it") {
  const hw::HwSpec preset = hw::load_hw("npu-pf32");
  CHECK(cal::hw_canonical_text(preset) == kPf32Text);
  const hw::HwSpec written = hw::load_hw("npu-pf32", {{"compute.kind", "dot_product_array"}});
  CHECK(cal::hw_canonical_text(written) == kPf32Text);
  CHECK(cal::hw_description_json(written) == cal::hw_description_json(preset));
}

TEST_CASE("hw canonical text: another compute.kind is another hardware, named in the text") {
  const hw::HwSpec other = hw::load_hw("npu-pf32", {{"compute.kind", "identity_test_array"}});
  CHECK(other.compute_kind == kOtherKind);
  const auto j = nlohmann::json::parse(cal::hw_canonical_text(other));
  CHECK(j.at("compute.kind") == "identity_test_array");
  CHECK(cal::hw_canonical_text(other) != kPf32Text);
  const auto d = nlohmann::json::parse(cal::hw_description_json(other));
  CHECK(d.at("params").at("compute.kind") == "identity_test_array");
  CHECK(cal::hardware_record(other).hash != cal::hardware_record(hw::load_hw("npu-pf32")).hash);
}

TEST_CASE("hw canonical text: a preset loaded twice gives the same one-line text") {
  for (const auto& p : hw::presets()) {
    INFO(p.name);
    const std::string a = cal::hw_canonical_text(hw::load_hw(p.name));
    CHECK(a == cal::hw_canonical_text(hw::load_hw(p.name)));
    CHECK(a.find('\n') == std::string::npos);
    CHECK(nlohmann::json::parse(a).is_object());
  }
}

TEST_CASE("hw canonical text: the same values written in other units are the same hardware") {
  const hw::HwSpec preset = hw::load_hw("npu-pf32");
  const hw::HwSpec other = hw::load_hw_string(kPf32OtherUnits, "other.yaml");
  CHECK(cal::hw_canonical_text(other) == cal::hw_canonical_text(preset));
  const auto j = nlohmann::json::parse(cal::hw_canonical_text(preset));
  CHECK(j.at("clock") == 1000000000);
  CHECK(j.at("sram.weights") == 524288);
  CHECK(j.at("dram.latency") == 1e-7);
  CHECK(j.at("compute.depthwise") == "channel_parallel");
}

TEST_CASE("hw canonical text: the name and description are not part of the identity") {
  const hw::HwSpec a = hw::load_hw("npu-pf32");
  const hw::HwSpec b = hw::load_hw("npu-pf32", {{"name", "renamed"}, {"description", "other"}});
  CHECK(b.name == "renamed");
  CHECK(cal::hw_canonical_text(a) == cal::hw_canonical_text(b));
  const auto j = nlohmann::json::parse(cal::hw_canonical_text(a));
  CHECK(!j.contains("name"));
  CHECK(!j.contains("description"));
  CHECK(!j.contains("source"));
}

TEST_CASE("hw canonical text: changing any one parameter changes it") {
  const std::string base = cal::hw_canonical_text(hw::load_hw("npu-pf32"));
  const cfg::Overrides changes = {{"clock", "1.2GHz"},
                                  {"compute.kind", "identity_test_array"},
                                  {"compute.parallelism_factor", "33"},
                                  {"compute.depthwise", "tap_parallel"},
                                  {"sram.activations", "1025KiB"},
                                  {"dram.latency", "101ns"},
                                  {"energy.mac.int8", "0.24pJ"}};
  std::set<std::string> texts = {base};
  for (const auto& change : changes) {
    INFO(change.first);
    const std::string t = cal::hw_canonical_text(hw::load_hw("npu-pf32", {change}));
    CHECK(t != base);
    texts.insert(t);
  }
  CHECK(texts.size() == changes.size() + 1);
  std::set<std::string> presets;
  for (const auto& p : hw::presets()) presets.insert(cal::hw_canonical_text(hw::load_hw(p.name)));
  CHECK(presets.size() == hw::presets().size());
}

TEST_CASE("hw description json: name, description, source, params as written and the identity") {
  const hw::HwSpec hw = hw::load_hw_string(kPf32OtherUnits, "other.yaml");
  const std::string text = cal::hw_description_json(hw);
  CHECK(text.find('\n') == std::string::npos);
  const auto j = nlohmann::json::parse(text);
  CHECK(j.at("name") == "my-chip");
  CHECK(j.at("description") == "the same chip, other units");
  CHECK(j.at("source") == "other.yaml");
  CHECK(j.at("params").at("clock") == "1000MHz");
  CHECK(j.at("params").at("dram.latency") == "0.1us");
  // Every declared key but name, description and compute.kind, which holds its default.
  CHECK(j.at("params").size() == hw::hw_param_decls().size() - 3);
  CHECK(j.at("params").count("compute.kind") == 0);
  CHECK(j.at("canonical") == cal::hw_canonical_text(hw));
  CHECK(j.size() == 5);
}
