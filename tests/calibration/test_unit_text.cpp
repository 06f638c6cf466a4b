// parse_unit_text(): the inverse of canonical_text(), strict about everything else.
#include <doctest/doctest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "calibration/estimator/unit.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/test_util.h"
#include "workloads/loader.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using nlohmann::json;
using test_util::contains;

namespace {

const char* kWhere = "labels.db: labels row 17";

// Every op a unit can hold, including those no zoo network uses (avgpool, bilinear resize).
const char* kAllOps = R"(name: all_ops
layers:
  - {name: x, op: input, shape: [32, 32, 8]}
  - {name: c, op: conv2d, input: x, out_channels: 16, kernel: [3, 5], stride: 2, padding: [1, 2, 1, 2], epilogue: [bn, relu]}
  - {name: a, op: avgpool, input: c, kernel: 2, stride: 2, padding: valid}
  - {name: m, op: maxpool, input: c, kernel: 3, stride: 2, padding: same}
  - {name: s, op: add, inputs: [a, m]}
  - {name: up, op: resize, input: s, size: [16, 18], mode: bilinear}
  - {name: up2, op: resize, input: s, scale: 2}
  - {name: cat, op: concat, inputs: [up2, up2]}
  - {name: g, op: global_avgpool, input: cat}
  - {name: e, op: mul, inputs: [cat, g]}
  - {name: fc, op: fully_connected, input: g, out_channels: 10}
  - {name: sl, op: channel_slice, input: cat, begin: 3, end: 11}
)";

void check_round_trip(const cal::UnitDesc& d, const hw::HwSpec& hw, const std::string& where) {
  const std::string text = cal::canonical_text(d);
  const cal::UnitDesc parsed = cal::parse_unit_text(text, where);
  REQUIRE(cal::canonical_text(parsed) == text);
  const auto original = cal::unit_jobs(d, hw);
  const auto rebuilt = cal::unit_jobs(parsed, hw);
  REQUIRE(rebuilt.size() == original.size());
  for (std::size_t t = 0; t < rebuilt.size(); ++t)
    test::check_same_job(rebuilt[t], original[t], where + " layer " + std::to_string(t));
}

// An MobileNetV2 IBN with expand conv and residual add: in0 -> conv, dw, project, add(in0, l2),
// planned without fusion (F1) so that the add is a layer of its own.
json ibn_json() {
  const wl::Network net = wl::build_zoo("mobilenet_v2");
  const hw::HwSpec hw = hw::load_hw("npu-pf32", {{"fusion.eltwise", "false"}});
  for (const auto& u : cal::decompose(net, hw, {})) {
    if (u.block == "ibn3") return json::parse(cal::canonical_text(u.desc));
  }
  FAIL("no ibn3 in mobilenet_v2");
  return {};
}

std::string parse_error(const std::string& text) {
  return test_util::user_error([&] { cal::parse_unit_text(text, kWhere); });
}

std::string parse_error(const std::function<void(json&)>& edit) {
  json j = ibn_json();
  edit(j);
  return parse_error(j.dump());
}

// The message is one line "<where>: <path>: <reason>".
void check_error(const std::string& message, const std::string& path_and_reason) {
  INFO(message);
  CHECK(message.find('\n') == std::string::npos);
  CHECK(message.rfind(std::string(kWhere) + ": ", 0) == 0);
  CHECK(contains(message, std::string(kWhere) + ": " + path_and_reason));
}

}  // namespace

TEST_CASE("unit text: parsing the canonical text of every zoo unit on every preset gives it back") {
  std::size_t checked = 0;
  for (const auto& preset : hw::presets()) {
    const hw::HwSpec hw = hw::load_hw(preset.name);
    std::set<std::string> seen;  // identical descriptions rebuild identical jobs: check once
    for (const auto& entry : wl::zoo_entries()) {
      const wl::Network net = wl::build_zoo(entry.name);
      for (const auto& u : cal::decompose(net, hw, {})) {
        if (!seen.insert(cal::canonical_text(u.desc)).second) continue;
        check_round_trip(u.desc, hw, preset.name + " " + entry.name + " " + u.block);
        ++checked;
      }
    }
  }
  CHECK(checked > 100);
}

TEST_CASE("unit text: batch, forced precision and every op survive the round trip") {
  sim::PlanOptions opt;
  opt.batch = 3;
  opt.precision = Precision::Bf16;
  for (const char* model : {"lraspp_mobilenet_v3", "resnet18", "efficientnet_edgetpu_s"}) {
    const wl::Network net = wl::build_zoo(model);
    for (const auto& u : cal::decompose(net, test::pf32(), opt))
      check_round_trip(u.desc, test::pf32(), std::string(model) + " " + u.block);
  }
  const wl::Network net = wl::load_network_string(kAllOps, "all_ops.yaml");
  std::set<wl::OpKind> ops;
  for (const auto& u : cal::decompose(net, test::pf32(), {})) {
    for (const auto& l : u.desc.layers) ops.insert(l.op);
    check_round_trip(u.desc, test::pf32(), "all_ops");
  }
  CHECK(ops.size() == wl::op_names().size() - 1);  // every op but input
}

TEST_CASE("unit text: malformed JSON, duplicate keys and missing or unknown keys are user errors") {
  check_error(parse_error("{\"type\":"), "(root): malformed JSON");
  check_error(parse_error(ibn_json().dump() + "x"), "(root): malformed JSON");
  check_error(parse_error("[1]"), "(root): expected an object");
  std::string dup = ibn_json().dump();
  dup.insert(1, "\"batch\":1,");
  check_error(parse_error(dup), "batch: duplicate key");
  std::string inner = ibn_json().dump();
  inner.insert(inner.find("\"on_chip\""), "\"on_chip\":false,");
  check_error(parse_error(inner), "inputs[0].on_chip: duplicate key");

  check_error(parse_error([](json& j) { j.erase("batch"); }), "(root): missing key 'batch'");
  check_error(parse_error([](json& j) { j["extra"] = 1; }), "(root): unknown key 'extra'");
  check_error(parse_error([](json& j) { j["layers"][1]["kernal"] = j["layers"][1]["kernel"]; }),
              "layers[1]: unknown key 'kernal' (did you mean: kernel");
  check_error(parse_error([](json& j) { j["layers"][2].erase("bias"); }),
              "layers[2]: missing key 'bias'");
  // An add has no window: the fields of another op are unknown keys.
  check_error(parse_error([](json& j) {
                j["layers"][3]["kernel"] = {1, 1};
              }),
              "layers[3]: unknown key 'kernel'");
  check_error(parse_error([](json& j) { j["inputs"][0].erase("on_chip"); }),
              "inputs[0]: missing key 'on_chip'");
  check_error(parse_error([](json& j) { j["layers"] = json::array(); }),
              "layers: expected at least one layer");
}

TEST_CASE("unit text: wrong types and negative sizes are user errors naming the path") {
  check_error(parse_error([](json& j) { j["batch"] = "1"; }), "batch: expected an integer >= 1");
  check_error(parse_error([](json& j) { j["batch"] = 1.5; }), "batch: expected an integer >= 1");
  check_error(parse_error([](json& j) { j["batch"] = 0; }), "batch: expected an integer >= 1");
  check_error(parse_error([](json& j) { j["inputs"][0]["on_chip"] = 1; }),
              "inputs[0].on_chip: expected true or false, got 1");
  check_error(parse_error([](json& j) { j["inputs"][0]["shape"][1] = -28; }),
              "inputs[0].shape[1]: expected an integer >= 1");
  check_error(parse_error([](json& j) {
                j["inputs"][0]["shape"] = {56, 56};
              }),
              "inputs[0].shape: expected 3 elements, got 2");
  check_error(parse_error([](json& j) { j["layers"][1]["padding"][3] = -1; }),
              "layers[1].padding[3]: expected an integer >= 0");
  check_error(parse_error([](json& j) { j["layers"][0]["other_reserved_bytes"] = -5; }),
              "layers[0].other_reserved_bytes: expected an integer >= 0");
  check_error(parse_error([](json& j) { j["layers"][0]["out_channels"] = 18446744073709551615u; }),
              "layers[0].out_channels: expected an integer >= 1");
  check_error(parse_error([](json& j) { j["layers"][0]["kernel"][0] = 4294967296; }),
              "layers[0].kernel[0]: expected an integer >= 1 and <= 2147483647");
  check_error(parse_error([](json& j) { j["layers"][0]["inputs"] = "in0"; }),
              "layers[0].inputs: expected an array");
  check_error(parse_error([](json& j) { j["layers"][0] = 7; }),
              "layers[0]: expected an object, got 7");
}

TEST_CASE("unit text: unknown names and operands that are not in<N> or l<N> are user errors") {
  check_error(parse_error([](json& j) { j["type"] = "block"; }), "type: unknown unit type 'block'");
  check_error(parse_error([](json& j) { j["layers"][0]["op"] = "conv3d"; }),
              "layers[0].op: unknown op 'conv3d' (did you mean: conv2d");
  check_error(parse_error([](json& j) { j["layers"][0]["op"] = "input"; }),
              "layers[0].op: an input is not a layer of a unit");
  check_error(parse_error([](json& j) { j["layers"][1]["precision"] = "int4"; }),
              "layers[1].precision: unknown precision 'int4'");
  check_error(parse_error([](json& j) { j["inputs"][0]["precision"] = true; }),
              "inputs[0].precision: expected a string");
  for (const char* ref : {"x0", "in", "l", "l-1", "in01", "in+1", "L0", "in0 ", "l99999999999"}) {
    INFO(ref);
    check_error(parse_error([ref](json& j) { j["layers"][3]["inputs"][1] = ref; }),
                "layers[3].inputs[1]: expected an operand 'in<N>' (external input) or 'l<N>'");
  }
  check_error(parse_error([](json& j) { j["layers"][3]["inputs"][0] = "in1"; }),
              "layers[3].inputs[0]: 'in1': the unit has 1 external inputs");
  check_error(parse_error([](json& j) { j["layers"][1]["inputs"][0] = "l1"; }),
              "layers[1].inputs[0]: 'l1' is not an earlier layer of the unit");
}

TEST_CASE("unit text: a resize's mode must be nearest or bilinear") {
  const wl::Network net = wl::load_network_string(kAllOps, "all_ops.yaml");
  for (const auto& u : cal::decompose(net, test::pf32(), {})) {
    if (u.desc.layers.at(0).op != wl::OpKind::Resize) continue;
    json j = json::parse(cal::canonical_text(u.desc));
    j["layers"][0]["mode"] = "cubic";
    check_error(parse_error(j.dump()), "layers[0].mode: unknown resize mode 'cubic'");
  }
}
