// `accelnas list`: presets, hardware keys, zoo models and operators, as the libraries declare them.
#include <doctest/doctest.h>

#include <algorithm>

#include "hw_models/hw_spec.h"
#include "tests/cli/cli_helpers.h"

using namespace accelnas;
using namespace accelnas::cli_test;

namespace {

// Runs `list <what> --format csv` and returns its rows, header first.
std::vector<std::vector<std::string>> list_csv(const std::string& what) {
  const CliResult r = run_cli({"list", what, "--format", "csv"});
  INFO("list " << what << ": exit " << r.exit_code << ", stderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : split_lines(r.out)) rows.push_back(split_csv_row(line));
  return rows;
}

std::vector<std::string> first_column(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> out;
  for (std::size_t i = 1; i < rows.size(); ++i) out.push_back(rows[i].at(0));
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

TEST_CASE("cli: list presets shows npu-pf16, npu-pf32 (the default) and npu-pf64") {
  const auto rows = list_csv("presets");
  REQUIRE(rows.size() >= 4);
  CHECK(rows[0] == std::vector<std::string>{"preset", "default", "rationale"});
  for (std::size_t i = 1; i < rows.size(); ++i) {
    INFO("preset " << rows[i].at(0));
    REQUIRE(rows[i].size() == 3);
    CHECK(rows[i][1] == (rows[i][0] == "npu-pf32" ? "yes" : ""));
    CHECK_FALSE(rows[i][2].empty());
  }
  const auto names = first_column(rows);
  CHECK(has(names, "npu-pf16"));
  CHECK(has(names, "npu-pf32"));
  CHECK(has(names, "npu-pf64"));

  const CliResult table = run_cli({"list", "presets"});
  CHECK(table.exit_code == 0);
  CHECK(contains(table.out, "npu-pf32  yes"));
}

TEST_CASE("cli: list hw-keys lists every declared hardware key, in declaration order") {
  const auto rows = list_csv("hw-keys");
  REQUIRE_FALSE(rows.empty());
  CHECK(rows[0] == std::vector<std::string>{"key", "type", "default", "range", "description"});
  std::vector<std::string> declared;
  for (const auto& d : hw::hw_param_decls()) declared.push_back(d.key);
  CHECK(first_column(rows) == declared);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    INFO("key " << rows[i].at(0));
    CHECK(rows[i].size() == 5);
    CHECK(rows[i].at(2) == hw::hw_param_decls().at(i - 1).default_text);
  }
}

TEST_CASE("cli: list models includes mobilenet_v2 and tiny") {
  const auto names = first_column(list_csv("models"));
  CHECK(has(names, "mobilenet_v2"));
  CHECK(has(names, "tiny"));
}

TEST_CASE("cli: list ops includes every operator a network file may use") {
  const auto names = first_column(list_csv("ops"));
  for (const char* op : {"conv2d", "fully_connected", "add", "mul", "maxpool", "avgpool",
                         "global_avgpool", "concat", "resize", "channel_slice", "input"}) {
    INFO("op " << op);
    CHECK(has(names, op));
  }
}
