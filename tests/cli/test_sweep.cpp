// `accelnas sweep`: the cartesian product of models, precisions, batch sizes and --set axes, one
// row (or, with --per-layer, one row per layer) per configuration in the given order,
// independent of the number of worker processes; unmappable configurations.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_helpers.h"

using namespace accelnas::cli_test;

namespace {

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t column(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<std::size_t>(it - header.begin());
  }
};

// Runs `sweep --format csv` with `extra` arguments, and `--model tiny` unless they name models;
// requires success.
std::string sweep_stdout(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"sweep", "--format", "csv"};
  if (std::find(extra.begin(), extra.end(), "--model") == extra.end())
    args.insert(args.end(), {"--model", "tiny"});
  args.insert(args.end(), extra.begin(), extra.end());
  const CliResult r = run_cli(args);
  INFO("command: " << command_line(args) << "\nexit " << r.exit_code << ", stderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

Csv parse_csv(const std::string& text) {
  Csv c;
  const auto lines = split_lines(text);
  REQUIRE_FALSE(lines.empty());
  c.header = split_csv_row(lines[0]);
  for (std::size_t i = 1; i < lines.size(); ++i) c.rows.push_back(split_csv_row(lines[i]));
  return c;
}

const std::vector<std::string> kPf = {"8", "16", "32", "64"};
const std::string kPfAxis = "compute.parallelism_factor=8,16,32,64";

}  // namespace

TEST_CASE(
    "cli: sweep output is the same with 1, 2 or 3 worker processes, rows in the given order") {
  const std::string serial = sweep_stdout({"--set", kPfAxis, "--jobs", "1"});
  CHECK(sweep_stdout({"--set", kPfAxis, "--jobs", "2"}) == serial);
  CHECK(sweep_stdout({"--set", kPfAxis, "--jobs", "3"}) == serial);
  const Csv c = parse_csv(serial);
  CHECK(c.header.front() == "compute.parallelism_factor");
  REQUIRE(c.rows.size() == kPf.size());
  for (std::size_t i = 0; i < kPf.size(); ++i) {
    INFO("row " << i);
    REQUIRE(c.rows[i].size() == c.header.size());
    CHECK(c.rows[i][0] == kPf[i]);
    CHECK(c.rows[i][c.column("status")] == "ok");
  }
}

TEST_CASE("cli: sweep latency of tiny never increases as PF grows from 8 to 64") {
  const Csv c = parse_csv(sweep_stdout({"--set", kPfAxis, "--jobs", "2"}));
  REQUIRE(c.rows.size() == kPf.size());
  const std::size_t cycles = c.column("cycles"), latency = c.column("latency_ms");
  for (std::size_t i = 1; i < c.rows.size(); ++i) {
    INFO("PF " << c.rows[i - 1][0] << " -> " << c.rows[i][0]);
    CHECK(std::stoll(c.rows[i][cycles]) <= std::stoll(c.rows[i - 1][cycles]));
    CHECK(std::stod(c.rows[i][latency]) <= std::stod(c.rows[i - 1][latency]));
  }
  CHECK(std::stoll(c.rows.back()[cycles]) < std::stoll(c.rows.front()[cycles]));
}

TEST_CASE("cli: two sweep axes give their cartesian product, first axis outermost") {
  const std::vector<std::string> pf = {"8", "16", "32"};
  const std::vector<std::string> bw = {"4GB/s", "8GB/s"};
  const std::vector<std::string> axes = {"--set", "compute.parallelism_factor=8,16,32", "--set",
                                         "dram.bandwidth=4GB/s,8GB/s"};
  std::vector<std::string> two_jobs = axes;
  two_jobs.insert(two_jobs.end(), {"--jobs", "2"});
  const std::string serial = sweep_stdout(axes);
  CHECK(sweep_stdout(two_jobs) == serial);
  const Csv c = parse_csv(serial);
  CHECK(c.header[0] == "compute.parallelism_factor");
  CHECK(c.header[1] == "dram.bandwidth");
  REQUIRE(c.rows.size() == pf.size() * bw.size());
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    INFO("row " << i);
    CHECK(c.rows[i][0] == pf[i / bw.size()]);
    CHECK(c.rows[i][1] == bw[i % bw.size()]);
    CHECK(c.rows[i][c.column("status")] == "ok");
  }
}

TEST_CASE("cli: sweep reports an unmappable configuration in its row and still succeeds") {
  const Csv c = parse_csv(sweep_stdout({"--set", "sram.weights=1KiB,512KiB", "--jobs", "2"}));
  REQUIRE(c.rows.size() == 2);
  CHECK(c.rows[0][c.column("status")].rfind("unmappable:", 0) == 0);
  CHECK(c.rows[0][c.column("cycles")].empty());
  CHECK(c.rows[1][c.column("status")] == "ok");
}

namespace {

// Runs `sweep --quiet` with `args` and any exit code.
CliResult sweep_run(const std::vector<std::string>& args) {
  std::vector<std::string> full = {"sweep", "--quiet"};
  full.insert(full.end(), args.begin(), args.end());
  return run_cli(full);
}

std::int64_t simulated_cycles(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"simulate", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CliResult r = run_cli(args);
  INFO("command: " << command_line(args) << "\nstderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out)["total"]["cycles"].get<std::int64_t>();
}

}  // namespace

TEST_CASE("cli: sweep JSON gives an unmappable configuration's numbers as null, not strings") {
  const CliResult r =
      sweep_run({"--model", "tiny", "--set", "sram.weights=1KiB,512KiB", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["status"].get<std::string>().rfind("unmappable:", 0) == 0);
  CHECK(j[1]["status"] == "ok");
  for (const char* key : {"latency_ms", "cycles", "utilization", "dram_read_bytes",
                          "dram_write_bytes", "energy_uj"}) {
    INFO("key " << key);
    CHECK(j[0][key].is_null());
    CHECK(j[1][key].is_number());
  }
  // Only JSON changes: CSV keeps an empty cell.
  const Csv c = parse_csv(sweep_stdout({"--set", "sram.weights=1KiB,512KiB"}));
  CHECK(c.rows[0][c.column("cycles")].empty());
}

TEST_CASE("cli: a sweep where no configuration can be mapped prints its table, then fails") {
  const CliResult r = sweep_run(
      {"--model", "tiny", "--set", "sram.weights=1KiB,1030B", "--format", "csv", "--jobs", "2"});
  check_error(r, {"every configuration is unmappable (first: "});
  const Csv c = parse_csv(r.out);
  REQUIRE(c.rows.size() == 2);
  for (const auto& row : c.rows) CHECK(row[c.column("status")].rfind("unmappable: ", 0) == 0);
  // The reason given is the first configuration's.
  const std::string first =
      c.rows[0][c.column("status")].substr(std::string("unmappable: ").size());
  CHECK(contains(r.err, "(first: " + first + ")"));
}

TEST_CASE(
    "cli: sweep varies model, precision and batch as axes before --set, model outermost, and "
    "shows a column only for a varied option") {
  const std::string zoo = "mobilenet_v2:width=0.5,resolution=96";
  const std::vector<std::string> models = {"tiny", zoo};
  const std::vector<std::string> precisions = {"int8", "int16"};
  const std::vector<std::string> batches = {"1", "2"};
  const std::vector<std::string> pf = {"16", "32"};
  const std::vector<std::string> args = {
      "--model", "tiny," + zoo, "--precision", "int8,int16",
      "--batch", "1,2",         "--set",       "compute.parallelism_factor=16,32"};
  const std::string serial = sweep_stdout(args);
  std::vector<std::string> three_jobs = args;
  three_jobs.insert(three_jobs.end(), {"--jobs", "3"});
  CHECK(sweep_stdout(three_jobs) == serial);
  // Repeating --model is the same as listing the models.
  std::vector<std::string> repeated = args;
  repeated[1] = "tiny";
  repeated.insert(repeated.end(), {"--model", zoo});
  CHECK(sweep_stdout(repeated) == serial);

  const Csv c = parse_csv(serial);
  REQUIRE(c.header.size() > 4);
  CHECK(c.header[0] == "model");
  CHECK(c.header[1] == "precision");
  CHECK(c.header[2] == "batch");
  CHECK(c.header[3] == "compute.parallelism_factor");
  REQUIRE(c.rows.size() == 16);
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    INFO("row " << i);
    CHECK(c.rows[i][0] == models[i / 8]);
    CHECK(c.rows[i][1] == precisions[i / 4 % 2]);
    CHECK(c.rows[i][2] == batches[i / 2 % 2]);
    CHECK(c.rows[i][3] == pf[i % 2]);
    CHECK(c.rows[i][c.column("status")] == "ok");
  }
  // A row is what simulate gives for its configuration (PF 32 is the default preset's).
  for (const std::size_t i : {std::size_t{7}, std::size_t{13}}) {
    INFO("row " << i);
    CHECK(std::stoll(c.rows[i][c.column("cycles")]) ==
          simulated_cycles(
              {"--model", c.rows[i][0], "--precision", c.rows[i][1], "--batch", c.rows[i][2]}));
  }

  // One value is no axis: no column.
  const Csv one = parse_csv(sweep_stdout(
      {"--precision", "int16", "--batch", "2", "--set", "compute.parallelism_factor=16,32"}));
  CHECK(one.header.front() == "compute.parallelism_factor");
  CHECK(std::find(one.header.begin(), one.header.end(), "precision") == one.header.end());
  CHECK(std::find(one.header.begin(), one.header.end(), "batch") == one.header.end());
  CHECK(one.rows[1][one.column("cycles")] == c.rows[7][c.column("cycles")]);
}

TEST_CASE("cli: sweep --precision and --batch values are checked before any work") {
  check_error(sweep_run({"--model", "tiny", "--precision", "int8,int4"}), {"--precision", "int4"});
  check_error(sweep_run({"--model", "tiny", "--batch", "1,0"}),
              {"--batch", "expected an integer from 1"});
  check_error(sweep_run({"--model", "tiny,,mobilenet_v2"}), {"--model", "empty model name"});
}

TEST_CASE(
    "cli: sweep --per-layer gives each configuration's layer table with the configuration's "
    "columns prepended, in configuration order, for any number of jobs") {
  const std::vector<std::string> args = {"--model", "tiny,mobilenet_v2:width=0.5,resolution=96",
                                         "--set", "compute.parallelism_factor=16,32",
                                         "--per-layer"};
  const std::string serial = sweep_stdout(args);
  std::vector<std::string> two_jobs = args;
  two_jobs.insert(two_jobs.end(), {"--jobs", "2"});
  CHECK(sweep_stdout(two_jobs) == serial);
  const Csv c = parse_csv(serial);
  CHECK(c.header[0] == "model");
  CHECK(c.header[1] == "compute.parallelism_factor");
  CHECK(c.header[2] == "name");
  CHECK(c.header[4] == "layer_precision");
  CHECK(c.header.back() == "status");

  // The summary of the same sweep: each configuration's layer cycles add up to its row.
  const Csv summary =
      parse_csv(sweep_stdout({"--model", "tiny,mobilenet_v2:width=0.5,resolution=96", "--set",
                              "compute.parallelism_factor=16,32"}));
  REQUIRE(summary.rows.size() == 4);
  std::size_t at = 0;
  for (const auto& config : summary.rows) {
    INFO("configuration " << config[0] << " PF " << config[1]);
    std::int64_t cycles = 0;
    std::vector<std::string> names;
    for (; at < c.rows.size() && c.rows[at][0] == config[0] && c.rows[at][1] == config[1]; ++at) {
      REQUIRE(c.rows[at].size() == c.header.size());
      CHECK(c.rows[at][c.column("status")] == "ok");
      cycles += std::stoll(c.rows[at][c.column("cycles")]);
      names.push_back(c.rows[at][c.column("name")]);
    }
    CHECK(cycles == std::stoll(config[summary.column("cycles")]));
    // The layers are simulate's, in its order.
    const auto layers =
        split_lines(run_cli({"simulate", "--model", config[0], "--format", "csv"}).out);
    REQUIRE(layers.size() == names.size() + 2);
    for (std::size_t k = 0; k < names.size(); ++k) {
      CHECK(split_csv_row(layers[k + 1])[0] == names[k]);
    }
  }
  CHECK(at == c.rows.size());

  // A configuration that cannot be mapped keeps one row, with its status and no layer fields.
  const Csv mixed = parse_csv(sweep_stdout({"--set", "sram.weights=1KiB,512KiB", "--per-layer"}));
  REQUIRE(mixed.rows.size() > 2);
  CHECK(mixed.rows[0][mixed.column("status")].rfind("unmappable:", 0) == 0);
  CHECK(mixed.rows[0][mixed.column("name")].empty());
  CHECK(mixed.rows[0][mixed.column("cycles")].empty());
  CHECK(mixed.rows[1][0] == "512KiB");
  CHECK(mixed.rows[1][mixed.column("status")] == "ok");
}

TEST_CASE("cli: sweep of a network with only input layers fails before any work, like simulate") {
  const TempDir dir;
  const std::string path =
      dir.write("only_input.yaml",
                "name: only_input\nlayers:\n  - {name: image, op: input, shape: [8, 8, 3]}\n");
  const CliResult r = sweep_run({"--model", path, "--set", "compute.parallelism_factor=16,32"});
  check_error(r, {"only_input: nothing to simulate: the network has only input layers"});
  CHECK(r.out.empty());
}
