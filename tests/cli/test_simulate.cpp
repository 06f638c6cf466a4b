// `accelnas simulate`: deterministic reports in JSON and CSV, the trace, -o and network files.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "tests/cli/cli_helpers.h"

using namespace accelnas::cli_test;
using json = nlohmann::json;

namespace {

const std::vector<std::string> kLayerKeys = {
    "name",     "op",          "cycles",          "compute_cycles",   "stall_cycles",
    "macs",     "utilization", "dram_read_bytes", "dram_write_bytes", "sram_peak_bytes",
    "energy_pj"};

// Runs `args`, requires success and returns stdout.
std::string run_ok(const std::vector<std::string>& args) {
  const CliResult r = run_cli(args);
  INFO("command: " << command_line(args) << "\nexit " << r.exit_code << ", stderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  return r.out;
}

json simulate_json(const std::string& model) {
  return json::parse(run_ok({"simulate", "--model", model, "--format", "json"}));
}

}  // namespace

TEST_CASE("cli: two simulate runs in separate processes give byte-identical JSON") {
  const std::vector<std::string> args = {"simulate", "--model", "mobilenet_v2", "--format", "json"};
  const std::string first = run_ok(args);
  const std::string second = run_ok(args);
  CHECK_FALSE(first.empty());
  CHECK(first == second);
}

TEST_CASE(
    "cli: simulate JSON has hw, model, total and every layer field - layer cycles sum to total") {
  const json j = simulate_json("mobilenet_v2");
  for (const char* key : {"hw", "model", "total", "layers"}) {
    INFO("key " << key);
    CHECK(j.contains(key));
  }
  CHECK(j["hw"]["name"] == "npu-pf32");
  CHECK(j["model"]["name"] == "mobilenet_v2");
  CHECK(j["model"]["batch"] == 1);
  for (const char* key : {"cycles", "latency_ms", "energy_uj", "macs", "utilization"}) {
    INFO("total." << key);
    CHECK(j["total"].contains(key));
    CHECK(j["total"][key].is_number());
  }
  const json& layers = j["layers"];
  REQUIRE(layers.is_array());
  REQUIRE(layers.size() > 50);
  CHECK(j["model"]["layers"] == layers.size());
  std::int64_t cycles = 0, macs = 0;
  for (const json& l : layers) {
    INFO("layer " << l.value("name", "?"));
    for (const auto& key : kLayerKeys) {
      INFO("key " << key);
      CHECK(l.contains(key));
    }
    CHECK(l["cycles"].get<std::int64_t>() ==
          l["compute_cycles"].get<std::int64_t>() + l["stall_cycles"].get<std::int64_t>());
    cycles += l["cycles"].get<std::int64_t>();
    macs += l["macs"].get<std::int64_t>();
  }
  CHECK(cycles == j["total"]["cycles"].get<std::int64_t>());
  CHECK(macs == j["total"]["macs"].get<std::int64_t>());
  // latency = cycles / 1 GHz on the default preset.
  CHECK(j["total"]["latency_ms"].get<double>() == doctest::Approx(cycles / 1e6));
}

TEST_CASE("cli: simulate CSV has the per-layer columns, one row per layer and a total row") {
  for (const std::string model : {"tiny", "mobilenet_v2"}) {
    INFO("model " << model);
    const json j = simulate_json(model);
    const auto lines = split_lines(run_ok({"simulate", "--model", model, "--format", "csv"}));
    REQUIRE(lines.size() == j["layers"].size() + 2);
    const auto header = split_csv_row(lines.front());
    for (const auto& key : kLayerKeys) {
      INFO("column " << key);
      CHECK(std::find(header.begin(), header.end(), key) != header.end());
    }
    const auto column = [&](const std::string& name) {
      return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                      header.begin());
    };
    std::int64_t cycles = 0;
    for (std::size_t i = 0; i < j["layers"].size(); ++i) {
      const auto row = split_csv_row(lines[i + 1]);
      REQUIRE(row.size() == header.size());
      CHECK(row[column("name")] == j["layers"][i]["name"].get<std::string>());
      cycles += std::stoll(row[column("cycles")]);
    }
    const auto total = split_csv_row(lines.back());
    REQUIRE(total.size() == header.size());
    CHECK(total[column("name")] == "total");
    CHECK(std::stoll(total[column("cycles")]) == cycles);
    CHECK(cycles == j["total"]["cycles"].get<std::int64_t>());
  }
}

TEST_CASE("cli: --trace writes Chrome trace JSON where DMA overlaps the dot-product array") {
  const TempDir dir;
  const std::string path = dir.file("trace.json");
  run_ok({"simulate", "--model", "tiny", "--trace", path});
  const json t = json::parse(read_text(path));
  REQUIRE(t.contains("traceEvents"));
  REQUIRE(t["traceEvents"].is_array());
  struct Span {
    double begin, end;
  };
  std::vector<Span> dma, array;
  for (const json& e : t["traceEvents"]) {
    if (e.value("ph", "") != "X") continue;
    INFO("event " << e.dump());
    REQUIRE(e.contains("ts"));
    REQUIRE(e.contains("dur"));
    CHECK(e.contains("name"));
    CHECK(e.contains("pid"));
    CHECK(e.contains("tid"));
    const double ts = e["ts"].get<double>(), dur = e["dur"].get<double>();
    CHECK(ts >= 0);
    CHECK(dur >= 0);
    const std::string cat = e.value("cat", "");
    if (cat == "dma") dma.push_back({ts, ts + dur});
    if (cat == "dot_product_array") array.push_back({ts, ts + dur});
  }
  CHECK_FALSE(dma.empty());
  CHECK_FALSE(array.empty());
  // Double buffering: some transfer runs while the array computes. The overlap must exceed
  // float noise (timestamps are cycles times 1e-3 us).
  bool overlap = false;
  for (const Span& d : dma) {
    for (const Span& a : array) {
      overlap = overlap || std::min(d.end, a.end) - std::max(d.begin, a.begin) > 1e-6;
    }
  }
  CHECK(overlap);
}

TEST_CASE("cli: -o writes the report to the file and nothing to stdout") {
  const TempDir dir;
  const std::string path = dir.file("report.json");
  const std::vector<std::string> args = {"simulate", "--model", "tiny", "--format", "json"};
  std::vector<std::string> to_file = args;
  to_file.insert(to_file.end(), {"-o", path});
  CHECK(run_ok(to_file).empty());
  const std::string written = read_text(path);
  CHECK(written == run_ok(args));
  CHECK(json::parse(written)["model"]["name"] == "tiny");
}

TEST_CASE("cli: a network YAML file given by path is simulated, named after its stem") {
  const TempDir dir;
  const std::string path =
      dir.write("my_net.yaml",
                "layers:\n"
                "  - {name: image, op: input, shape: [32, 32, 8]}\n"
                "  - {name: conv, op: conv2d, input: image, out_channels: 32, kernel: 3, stride: 2,"
                " epilogue: [bn, relu]}\n"
                "  - {name: pool, op: global_avgpool, input: conv}\n"
                "  - {name: fc, op: fully_connected, input: pool, out_channels: 10}\n");
  const json j = simulate_json(path);
  CHECK(j["model"]["name"] == "my_net");
  std::vector<std::string> names;
  for (const json& l : j["layers"]) names.push_back(l["name"].get<std::string>());
  CHECK(names == std::vector<std::string>{"conv+pool", "fc"});  // the pool is fused (F2)
  // 16x16 output pixels x 32 channels x 3x3x8 taps.
  CHECK(j["layers"][0]["macs"] == 16 * 16 * 32 * 9 * 8);
  CHECK(j["total"]["cycles"].get<std::int64_t>() > 0);
}

namespace {

// Every number after "ts": or "dur": in the raw trace text.
std::vector<std::string> trace_times(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string key : {"\"ts\":", "\"dur\":"}) {
    for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
      const auto begin = at + key.size();
      out.push_back(text.substr(begin, text.find_first_of(",}", begin) - begin));
    }
  }
  return out;
}

std::int64_t picoseconds(const json& us) {
  return static_cast<std::int64_t>(std::llround(us.get<double>() * 1e6));
}

}  // namespace

TEST_CASE(
    "cli: the trace has a 'layers' track with one span per layer, back to back from 0 to the "
    "total, and timestamps printed exactly") {
  const TempDir dir;
  for (const std::string clock : {"1GHz", "300MHz"}) {
    INFO("clock " << clock);
    const std::string hw = dir.write("hw.yaml", "clock: " + clock + "\n");
    const std::string path = dir.file("trace.json");
    const json r = json::parse(
        run_ok({"simulate", "--model", "tiny", "--hw", hw, "--format", "json", "--trace", path}));
    const std::string text = read_text(path);
    const json t = json::parse(text);
    std::optional<std::int64_t> tid;
    for (const json& e : t["traceEvents"]) {
      if (e.value("ph", "") == "M" && e.value("name", "") == "thread_name" &&
          e["args"].value("name", "") == "layers") {
        CHECK_FALSE(tid.has_value());
        tid = e["tid"].get<std::int64_t>();
      }
    }
    REQUIRE(tid.has_value());
    std::vector<const json*> spans;
    for (const json& e : t["traceEvents"]) {
      if (e.value("ph", "") == "X" && e["tid"] == *tid) spans.push_back(&e);
    }
    const json& layers = r["layers"];
    REQUIRE(spans.size() == layers.size());
    std::int64_t end = 0;
    for (std::size_t i = 0; i < spans.size(); ++i) {
      const json& s = *spans[i];
      INFO("span " << s.dump());
      CHECK(s["name"] == layers[i]["name"]);
      CHECK(picoseconds(s["ts"]) == end);  // starts where the one before ended
      end = picoseconds(s["ts"]) + picoseconds(s["dur"]);
    }
    // The last span ends at the total, to the picosecond.
    const double total_ps = static_cast<double>(r["total"]["cycles"].get<std::int64_t>()) * 1e12 /
                            (clock == "1GHz" ? 1e9 : 3e8);
    CHECK(std::abs(static_cast<double>(end) - total_ps) <= 1.0);
    // Whole picoseconds at most; at 1 GHz, whole nanoseconds.
    const std::size_t max_decimals = clock == "1GHz" ? 3 : 6;
    const auto times = trace_times(text);
    CHECK(times.size() > 2 * spans.size());
    for (const std::string& v : times) {
      INFO("time " << v);
      CHECK(v.find_first_not_of("0123456789.") == std::string::npos);
      const auto dot = v.find('.');
      CHECK((dot == std::string::npos || v.size() - dot - 1 <= max_decimals));
    }
  }
}

TEST_CASE("cli: a network of only input layers has nothing to simulate and says so") {
  const TempDir dir;
  const std::string path =
      dir.write("only_input.yaml", "layers:\n  - {name: image, op: input, shape: [8, 8, 3]}\n");
  const CliResult r = run_cli({"simulate", "--model", path});
  check_error(r, {"only_input: nothing to simulate: the network has only input layers"});
  CHECK(r.out.empty());
}
