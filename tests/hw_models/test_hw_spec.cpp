// The hardware description (hw_models/hw_spec.h): presets, declared defaults, overrides and
// located errors for bad files.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "tests/hw_models/jobs.h"

using namespace accelnas;
using hw::test::contains;
using hw::test::user_error;

namespace {

// The error load_hw_string gives for `yaml` read as "file.yaml".
std::string hw_error(const std::string& yaml) {
  return user_error([&] { hw::load_hw_string(yaml, "file.yaml"); });
}

double int8_peak_ops_per_s(const hw::HwSpec& hw) {
  return 2.0 * static_cast<double>(hw.parallelism_factor * hw.dot_width) * hw.clock_hz;
}

}  // namespace

TEST_CASE("hw presets: every preset parses, is named after itself and has a one-line description") {
  REQUIRE(hw::presets().size() >= 3);
  std::set<std::string> names;
  for (const auto& p : hw::presets()) {
    INFO("preset " << p.name);
    const hw::HwSpec hw = hw::load_hw(p.name);
    CHECK(hw.name == p.name);
    CHECK(hw.source == "preset:" + p.name);
    CHECK_FALSE(hw.description.empty());
    CHECK(hw.description.find('\n') == std::string::npos);
    CHECK(hw.description == p.rationale);
    CHECK(hw.values.size() == hw::hw_param_decls().size());
    names.insert(p.name);
  }
  CHECK(names.count("npu-pf16") == 1);
  CHECK(names.count(hw::kDefaultPreset) == 1);
  CHECK(names.count("npu-pf64") == 1);
}

TEST_CASE("hw presets: npu-pf32 peaks at about 1 int8 TOPS (2 * PF * dot_width * clock)") {
  const hw::HwSpec hw = hw::load_hw("npu-pf32");
  CHECK(int8_peak_ops_per_s(hw) == doctest::Approx(1e12).epsilon(0.10));
  CHECK(hw.peak_macs_per_cycle(Precision::Int8) == 32 * 16);
}

TEST_CASE("hw presets: the TOPS and SRAM each description claims match its keys") {
  const std::regex tops(R"(([0-9.]+) int8 TOPS)");
  const std::regex sram(R"(([0-9.]+) (KiB|MiB) SRAM)");
  for (const auto& p : hw::presets()) {
    INFO("preset " << p.name << ": " << p.rationale);
    const hw::HwSpec hw = hw::load_hw(p.name);
    std::smatch m;
    REQUIRE(std::regex_search(p.rationale, m, tops));
    CHECK(int8_peak_ops_per_s(hw) == doctest::Approx(std::stod(m[1].str()) * 1e12).epsilon(0.10));
    REQUIRE(std::regex_search(p.rationale, m, sram));
    const double claimed = std::stod(m[1].str()) * (m[2].str() == "KiB" ? 1024.0 : 1024.0 * 1024.0);
    CHECK(static_cast<double>(hw.sram_weight_bytes + hw.sram_activation_bytes) == claimed);
  }
}

TEST_CASE("hw spec: an empty mapping takes every declared key's default") {
  {
    const hw::HwSpec hw = hw::load_hw_string("{}", "defaults.yaml");
    for (const auto& d : hw::hw_param_decls()) {
      INFO("key " << d.key);
      REQUIRE(hw.values.count(d.key) == 1);
      CHECK(hw.values.at(d.key).origin == "default");
      CHECK(hw.values.at(d.key).text == d.default_text);
    }
    CHECK(hw.values.size() == hw::hw_param_decls().size());
    CHECK(hw.name == "custom");
    CHECK(hw.source == "defaults.yaml");
    CHECK(hw.clock_hz == doctest::Approx(1e9));
    CHECK(hw.parallelism_factor == 32);
    CHECK(hw.dot_width == 16);
    CHECK(hw.depthwise == hw::DepthwiseMode::ChannelParallel);
    CHECK(hw.sram_weight_bytes == 512 * 1024);
    CHECK(hw.sram_activation_bytes == 1024 * 1024);
    CHECK(hw.dram_bandwidth_bytes_per_s == doctest::Approx(8e9));
    CHECK(hw.dram_latency_s == doctest::Approx(100e-9));
    CHECK(hw.layer_setup_cycles == 200);
    CHECK(hw.tiling_min_bands == 8);
    CHECK(hw.prec(Precision::Int8).bytes == 1);
    CHECK(hw.prec(Precision::Int16).bytes == 2);
    CHECK(hw.prec(Precision::Int16).cycles_per_step == 2);
    CHECK(hw.prec(Precision::Int8).mac_energy_pj == doctest::Approx(0.23));
    CHECK(hw.dram_energy_pj_per_byte == doctest::Approx(160));
  }
}

TEST_CASE("hw spec: an empty document is an error that says to write {} for the defaults") {
  const std::string e = hw_error("");
  CHECK(contains(e, "file.yaml:"));
  CHECK(contains(e, "{}"));
  CHECK(contains(hw_error("# only a comment\n"), "{}"));
}

TEST_CASE("hw spec: every key is declared once with a description and a default in its range") {
  std::set<std::string> keys;
  for (const auto& d : hw::hw_param_decls()) {
    INFO("key " << d.key);
    CHECK(keys.insert(d.key).second);
    CHECK_FALSE(d.description.empty());
    CHECK_NOTHROW(cfg::parse_value(d, d.default_text));
  }
}

TEST_CASE("hw spec: overrides apply after the file and are recorded as --set") {
  const hw::HwSpec hw = hw::load_hw(
      "npu-pf16",
      {{"compute.parallelism_factor", "8"}, {"sram.weights", "1MiB"}, {"clock", "2GHz"}});
  CHECK(hw.parallelism_factor == 8);
  CHECK(hw.sram_weight_bytes == 1024 * 1024);
  CHECK(hw.clock_hz == doctest::Approx(2e9));
  CHECK(hw.values.at("compute.parallelism_factor").origin == "--set");
  CHECK(hw.values.at("compute.parallelism_factor").text == "8");
  // Keys not overridden keep the preset's values and say where they came from.
  CHECK(hw.dot_width == 8);
  CHECK(contains(hw.values.at("compute.dot_width").origin, "preset:npu-pf16:"));
  CHECK(hw.values.at("tiling.min_bands").origin == "default");

  const hw::HwSpec twice = hw::load_hw_string(
      "compute:\n  parallelism_factor: 16\n", "file.yaml",
      {{"compute.parallelism_factor", "8"}, {"compute.parallelism_factor", "64"}});
  CHECK(twice.parallelism_factor == 64);

  CHECK(user_error([] {
          hw::load_hw("npu-pf32", {{"compute.nope", "1"}});
        }) == "--set compute.nope: unknown key (see `accelnas list hw-keys`)");
  CHECK(contains(user_error([] {
                   hw::load_hw("npu-pf32", {{"compute.parallelism_factor", "0"}});
                 }),
                 "--set compute.parallelism_factor: expected an integer >= 1"));
}

TEST_CASE("hw spec: an unknown key names file, line and the dotted key") {
  const std::string e =
      hw_error("clock: 1GHz\ncompute:\n  dot_width: 16\n  parallelism_factorr: 32\n");
  CHECK(contains(e, "file.yaml:4:"));
  CHECK(contains(e, "compute.parallelism_factorr"));
  CHECK(contains(e, "unknown key"));
  CHECK(contains(hw_error("clock: 1GHz\nbogus: 1\n"), "file.yaml:2: bogus: unknown key"));
}

TEST_CASE("hw spec: a value of the wrong type names the key and the expected kind") {
  const std::string e = hw_error("name: x\nclock: fast\n");
  CHECK(contains(e, "file.yaml:2: clock:"));
  CHECK(contains(e, "fast"));
  CHECK(contains(e, "frequency"));
  CHECK(contains(hw_error("compute:\n  parallelism_factor: lots\n"),
                 "file.yaml:2: compute.parallelism_factor:"));
  CHECK(contains(hw_error("compute:\n  parallelism_factor: 2.5\n"),
                 "file.yaml:2: compute.parallelism_factor:"));
  CHECK(contains(hw_error("compute: 32\n"), "file.yaml:1: compute: expected a mapping"));
}

TEST_CASE("hw spec: a quantity without its unit is rejected (clock: 1000)") {
  const std::string e = hw_error("clock: 1000\n");
  CHECK(contains(e, "file.yaml:1: clock:"));
  CHECK(contains(e, "missing unit"));
  CHECK(contains(hw_error("sram:\n  weights: 4096\n"), "file.yaml:2: sram.weights: missing unit"));
  CHECK(contains(hw_error("dram:\n  bandwidth: 8\n"), "file.yaml:2: dram.bandwidth: missing unit"));
}

TEST_CASE("hw spec: out-of-range values name file, line, key, the range and the value") {
  CHECK(hw_error("compute:\n  parallelism_factor: 0\n") ==
        "file.yaml:2: compute.parallelism_factor: expected an integer >= 1 and <= 65536, got 0");
  CHECK(contains(hw_error("compute:\n  parallelism_factor: 70000\n"), "got 70000"));
  CHECK(contains(hw_error("compute:\n  dot_width: 0\n"), "file.yaml:2: compute.dot_width:"));
  CHECK(contains(hw_error("clock: 200GHz\n"), "file.yaml:1: clock: expected a frequency"));
  CHECK(contains(hw_error("sram:\n  activations: 512B\n"), "file.yaml:2: sram.activations:"));
  CHECK(contains(hw_error("sram:\n  weights: -4KiB\n"), "file.yaml:2: sram.weights:"));
  CHECK(contains(hw_error("dram:\n  latency: 2ms\n"), "file.yaml:2: dram.latency:"));
  CHECK(contains(hw_error("tiling:\n  min_bands: 0\n"), "file.yaml:2: tiling.min_bands:"));
  CHECK(contains(hw_error("compute:\n  precisions:\n    int8:\n      bytes: 9\n"),
                 "file.yaml:4: compute.precisions.int8.bytes:"));
  CHECK(contains(hw_error("compute:\n  depthwise: diagonal\n"),
                 "one of: channel_parallel, tap_parallel, got 'diagonal'"));
}

TEST_CASE("hw spec: a YAML list or scalar instead of a mapping is rejected at line 1") {
  CHECK(contains(hw_error("- clock: 1GHz\n- name: x\n"), "file.yaml:1:"));
  CHECK(contains(hw_error("- clock: 1GHz\n"), "expected a mapping of hardware keys"));
  CHECK(contains(hw_error("42\n"), "expected a mapping of hardware keys"));
}

TEST_CASE("hw spec: load_hw takes a preset name or a file path and names what it cannot find") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("accelnas_test_hw_spec_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "chip.yaml").string();
  std::ofstream(path) << "name: chip\ncompute:\n  parallelism_factor: 48\n";
  const hw::HwSpec hw = hw::load_hw(path);
  CHECK(hw.name == "chip");
  CHECK(hw.source == path);
  CHECK(hw.parallelism_factor == 48);
  CHECK(hw.values.at("compute.parallelism_factor").origin == path + ":3");

  const std::string missing = (dir / "absent.yaml").string();
  CHECK(contains(user_error([&] { hw::load_hw(missing); }), missing));
  const std::string unknown = user_error([] { hw::load_hw("npu-pf99"); });
  CHECK(contains(unknown, "'npu-pf99'"));
  CHECK(contains(unknown, "npu-pf32"));
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "hw spec: DRAM latency in cycles is ceil(latency * clock), peak MACs scale with precision") {
  const hw::HwSpec pf16 = hw::load_hw("npu-pf16");  // 120 ns at 800 MHz, 4 GB/s
  CHECK(pf16.dram_latency_cycles() == 96);
  CHECK(pf16.dram_bytes_per_cycle() == doctest::Approx(5.0));
  const hw::HwSpec odd = hw::load_hw("npu-pf16", {{"dram.latency", "101ns"}});
  CHECK(odd.dram_latency_cycles() == 81);  // 80.8 cycles round up
  CHECK(pf16.peak_macs_per_cycle(Precision::Int8) == 16 * 8);
  CHECK(pf16.peak_macs_per_cycle(Precision::Int16) == 16 * 8 / 2);
  CHECK(pf16.peak_macs_per_cycle(Precision::Bf16) == 16 * 8 / 2);
}
