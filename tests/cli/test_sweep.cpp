// `accelnas sweep`: the cartesian product of --set axes, one row per configuration in the given
// order, independent of the number of worker processes.
#include <doctest/doctest.h>

#include <algorithm>

#include "cli_helpers.h"

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

// Runs `sweep --model tiny --format csv` with `extra` arguments; requires success.
std::string sweep_stdout(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"sweep", "--model", "tiny", "--format", "csv"};
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
  const Csv c = parse_csv(sweep_stdout({"--set", "sram.activations=2KiB,1MiB", "--jobs", "2"}));
  REQUIRE(c.rows.size() == 2);
  CHECK(c.rows[0][c.column("status")].rfind("unmappable:", 0) == 0);
  CHECK(c.rows[0][c.column("cycles")].empty());
  CHECK(c.rows[1][c.column("status")] == "ok");
}
