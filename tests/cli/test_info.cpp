// `accelnas info`: per-layer analysis and totals in table, CSV and JSON; peak memory and order.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_helpers.h"

using namespace accelnas::cli_test;
using json = nlohmann::json;

namespace {

std::string run_ok(const std::vector<std::string>& args) {
  const CliResult r = run_cli(args);
  INFO("command: " << command_line(args) << "\nexit " << r.exit_code << ", stderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  return r.out;
}

json info_json(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"info", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return json::parse(run_ok(args));
}

// Two branches of 1000 channels: the default order holds both at once.
const char* kTwoBranch = R"(name: two_branch
layers:
  - {name: x, op: input, shape: [1, 1, 16]}
  - {name: a1, op: conv2d, input: x, out_channels: 1000, kernel: 1}
  - {name: b1, op: conv2d, input: x, out_channels: 1000, kernel: 1}
  - {name: a2, op: conv2d, input: a1, out_channels: 10, kernel: 1}
  - {name: b2, op: conv2d, input: b1, out_channels: 10, kernel: 1}
  - {name: cat, op: concat, inputs: [a2, b2]}
)";

}  // namespace

TEST_CASE("cli: info JSON has model, total, memory_order and per-layer keys - totals add up") {
  const json j = info_json({"--model", "mobilenet_v2"});
  for (const char* key : {"model", "total", "memory_order", "layers"}) {
    INFO(key);
    CHECK(j.contains(key));
  }
  CHECK(j["model"]["name"] == "mobilenet_v2");
  CHECK(j["model"]["bytes_per_element"]["int8"] == 1);
  CHECK(j["model"]["bytes_per_element"]["fp16"] == 2);
  for (const char* key :
       {"params", "macs", "weight_bytes", "peak_activation_bytes", "peak_layer"}) {
    INFO("total." << key);
    CHECK(j["total"].contains(key));
  }
  for (const char* key :
       {"default_peak_bytes", "min_peak_bytes", "differs", "exact", "method", "states", "order"}) {
    INFO("memory_order." << key);
    CHECK(j["memory_order"].contains(key));
  }
  const json& layers = j["layers"];
  REQUIRE(layers.size() == j["model"]["layers"]);
  long long macs = 0, params = 0, peak = 0;
  for (const json& l : layers) {
    for (const char* key :
         {"name", "op", "inputs", "output", "precision", "macs", "params", "weight_bytes",
          "output_bytes", "live_bytes", "block", "block_type", "role"}) {
      INFO("layer key " << key);
      CHECK(l.contains(key));
    }
    macs += l["macs"].get<long long>();
    params += l["params"].get<long long>();
    peak = std::max(peak, l["live_bytes"].get<long long>());
  }
  CHECK(j["total"]["macs"] == macs);
  CHECK(j["total"]["params"] == params);
  CHECK(j["total"]["peak_activation_bytes"] == peak);
  CHECK(j["total"]["peak_layer"] == "ibn2_dw");
  CHECK(j["memory_order"]["exact"] == true);
  CHECK(j["memory_order"]["differs"] == false);
}

TEST_CASE("cli: info CSV has the column header, one row per layer and a total row") {
  const auto lines = split_lines(run_ok({"info", "--model", "tiny", "--format", "csv"}));
  REQUIRE(lines.size() == 1 + 9 + 1);
  CHECK(lines[0] ==
        "layer,op,inputs,output,precision,macs,params,weight_bytes,output_bytes,live_bytes,block,"
        "block_type,role");
  const auto add = split_csv_row(lines[6]);
  CHECK(add[0] == "ibn1_add");
  CHECK(add[2] == "16x16x16;16x16x16");
  CHECK(add[12] == "residual_add");
  const auto total = split_csv_row(lines.back());
  CHECK(total[0] == "total");
  CHECK(total[9] == "36864");  // the peak
}

TEST_CASE("cli: info table names the totals, the peak layer and the order search") {
  const std::string out = run_ok({"info", "--model", "tiny"});
  CHECK(contains(out, "peak activation memory: 36864 B"));
  CHECK(contains(out, "at layer ibn1_dw"));
  CHECK(contains(out, "min-peak order: the default order is optimal; exact"));
  CHECK(contains(out, "bytes per element: int8 1"));
}

TEST_CASE("cli: info reports a better execution order when one exists, and the method") {
  const TempDir dir;
  const std::string path = dir.write("two_branch.yaml", kTwoBranch);
  const json j = info_json({"--model", path});
  CHECK(j["total"]["peak_activation_bytes"] == 2016);
  CHECK(j["memory_order"]["min_peak_bytes"] == 1026);
  CHECK(j["memory_order"]["differs"] == true);
  CHECK(j["memory_order"]["order"] == json({"x", "a1", "a2", "b1", "b2", "cat"}));
  const std::string table = run_ok({"info", "--model", path});
  CHECK(contains(table, "min-peak order: peak 1026 B"));
  CHECK(contains(table, "order: x, a1, a2, b1, b2, cat"));
  const json beam = info_json({"--model", path, "--search-states", "1"});
  CHECK(beam["memory_order"]["min_peak_bytes"] <= 2016);
}

TEST_CASE("cli: info --batch and --precision scale MACs and bytes - -o writes the file") {
  const json one = info_json({"--model", "tiny"});
  const json two = info_json({"--model", "tiny", "--batch", "2", "--precision", "int16"});
  CHECK(two["total"]["macs"] == 2 * one["total"]["macs"].get<long long>());
  CHECK(two["total"]["params"] == one["total"]["params"]);
  CHECK(two["total"]["weight_bytes"] == 2 * one["total"]["weight_bytes"].get<long long>());
  CHECK(two["total"]["peak_activation_bytes"] ==
        4 * one["total"]["peak_activation_bytes"].get<long long>());
  CHECK(two["model"]["precision"] == "int16");
  const TempDir dir;
  const std::string out = dir.file("info.json");
  CHECK(run_ok({"info", "--model", "tiny", "--format", "json", "-o", out}).empty());
  CHECK(json::parse(read_text(out)) == one);
}

TEST_CASE("cli: info rejects a bad precision, batch or format with one error line") {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"info", "--model", "tiny", "--precision", "int4"},
                                             {"info", "--model", "tiny", "--batch", "0"},
                                             {"info", "--model", "tiny", "--format", "xml"},
                                             {"info", "--model", "mobilnet_v2"}}) {
    const CliResult r = run_cli(args);
    INFO(command_line(args) << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(split_lines(r.err).size() == 1);
    CHECK(contains(r.err, "accelnas: error: "));
  }
}

TEST_CASE("cli: info --help exits 0 and names every option") {
  const CliResult r = run_cli({"info", "--help"});
  CHECK(r.exit_code == 0);
  for (const char* option :
       {"--model", "--precision", "--batch", "--format", "--output", "--search-states"}) {
    INFO(option);
    CHECK(contains(r.out, option));
  }
}
