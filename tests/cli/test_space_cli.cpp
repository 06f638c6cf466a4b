// `accelnas space info|list`: a search space's dimensions, samples and errors on the command line.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "nas/space.h"
#include "tests/cli/cli_helpers.h"

using namespace accelnas;
using namespace accelnas::cli_test;

TEST_CASE("cli space: info on the default space prints its dimensions and decoded samples") {
  const CliResult r = run_cli({"space", "info", "--samples", "3"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "space:       mobilenet_curated"));
  CHECK(contains(r.out, "hardware:    npu-pf32 (parallelism factor 32)"));
  CHECK(contains(r.out, "stage4.channels"));
  CHECK(contains(r.out, "64, 96"));        // values [2, 3] x pf 32
  CHECK(contains(r.out, "stage1.depth"));  // fixed: one block
  CHECK(contains(r.out, "fixed"));
  CHECK(contains(r.out, "head(classifier c1280"));
  // Three sample rows: indices 0..2 each with an encoding and MMACs.
  int rows = 0;
  for (const auto& line : split_lines(r.out))
    if (contains(line, " r160 ") || contains(line, " r192 ") || contains(line, " r224 ")) ++rows;
  CHECK(rows == 3);
  // The same seed gives the same output; pf 64 resolves the channels differently.
  CHECK(run_cli({"space", "info", "--samples", "3"}).out == r.out);
  const CliResult pf64 = run_cli({"space", "info", "--samples", "0", "--hw", "npu-pf64"});
  REQUIRE(pf64.exit_code == 0);
  CHECK(contains(pf64.out, "128, 192"));
}

TEST_CASE("cli space: info --format json, and a base space shows its base encoding") {
  const CliResult r = run_cli(
      {"space", "info", "--space", "mobilenet_v2_base", "--samples", "2", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["name"] == "mobilenet_v2_base");
  CHECK(j["source"] == "builtin:mobilenet_v2_base");
  CHECK(j["samples"].size() == 2);
  REQUIRE(j["base_encoding"].is_string());
  CHECK(!j["base_encoding"].get<std::string>().empty());
  bool kernel = false;
  for (const auto& d : j["dimensions"]) kernel = kernel || d["name"] == "ibn5.kernel";
  CHECK(kernel);
}

TEST_CASE("cli space: list names every built-in space") {
  const CliResult r = run_cli({"space", "list", "--format", "csv"});
  REQUIRE(r.exit_code == 0);
  for (const auto& name : nas::search_space_names()) CHECK_MESSAGE(contains(r.out, name), name);
  CHECK(contains(r.out, "mobilenet_curated,yes,"));
}

TEST_CASE("cli space: a bad space file exits 2 with one line naming the file and line") {
  const TempDir dir;
  const std::string path = dir.write("bad_space.yaml", R"(resolution: [224]
stem: {channels: [16]}
stages:
  - {depth: [3, 1], block: ibn, kernel: 3, channels: [16]}
head: {type: classifier}
)");
  const CliResult r = run_cli({"space", "info", "--space", path});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(split_lines(r.err).size() == 1);
  CHECK(contains(r.err, path + ":4: stages[0].depth: inverted depth range [3, 1]"));
  const CliResult unknown = run_cli({"space", "info", "--space", "mobilenet_curatd"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "unknown search space 'mobilenet_curatd'"));
}

TEST_CASE("cli space: --help works for space, info and list") {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"space", "--help"},
                                               {"space", "info", "--help"},
                                               {"space", "list", "--help"}}) {
    const CliResult r = run_cli(args);
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "Usage"));
  }
  const CliResult r = run_cli({"space", "info", "--help"});
  for (const char* opt :
       {"--space", "--hw", "--samples", "--seed", "--format", "mobilenet_curated", "npu-pf32"})
    CHECK_MESSAGE(contains(r.out, opt), opt);
}
