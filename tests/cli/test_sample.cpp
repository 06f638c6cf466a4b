// `accelnas sample`: one canonical unit per line, identical between runs; bad counts are errors.
#include <doctest/doctest.h>

#include "tests/cli/cli_helpers.h"

using namespace accelnas::cli_test;

TEST_CASE("cli: sample prints --count units, one JSON line each, identical between runs") {
  const std::vector<std::string> args = {"sample", "--space", "mobilenet", "--count",
                                         "50",     "--seed",  "4"};
  const CliResult a = run_cli(args);
  INFO("stderr: " << a.err);
  REQUIRE(a.exit_code == 0);
  const auto lines = split_lines(a.out);
  REQUIRE(lines.size() == 50);
  for (const auto& l : lines) {
    CHECK(l.front() == '{');
    CHECK(contains(l, "\"type\":"));
  }
  CHECK(run_cli(args).out == a.out);
  const CliResult other =
      run_cli({"sample", "--space", "mobilenet", "--count", "50", "--seed", "5"});
  CHECK(other.out != a.out);
}

TEST_CASE("cli: sample -o writes the file, and --space takes a file path") {
  const TempDir dir;
  const std::string space = dir.write("s.yaml", "units: [{type: conv}]\nkernel: 7\n");
  const std::string out = dir.file("units.jsonl");
  const CliResult r = run_cli({"sample", "--space", space, "--count", "3", "-o", out});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  const auto lines = split_lines(read_text(out));
  REQUIRE(lines.size() == 3);
  for (const auto& l : lines) CHECK(contains(l, "\"kernel\":[7,7]"));
}

TEST_CASE("cli: sample --count 0 and a bad space are one-line errors with exit 2") {
  const CliResult zero = run_cli({"sample", "--space", "zoo", "--count", "0"});
  CHECK(zero.exit_code == 2);
  CHECK(contains(zero.err, "--count"));
  CHECK(split_lines(zero.err).size() == 1);
  const CliResult neg = run_cli({"sample", "--space", "zoo", "--count", "-3"});
  CHECK(neg.exit_code == 2);
  const TempDir dir;
  const std::string space = dir.write("bad.yaml", "units: [{type: conv}]\nkernal: 3\n");
  const CliResult bad = run_cli({"sample", "--space", space, "--count", "1"});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "bad.yaml:2: kernal: unknown key"));
  CHECK(split_lines(bad.err).size() == 1);
}

TEST_CASE("cli: sample --help says what it does, and list spaces names the shipped spaces") {
  const CliResult h = run_cli({"sample", "--help"});
  CHECK(h.exit_code == 0);
  CHECK(contains(h.out, "Sample estimator units"));
  CHECK(contains(h.out, "--space"));
  CHECK(contains(h.out, "--count"));
  const CliResult l = run_cli({"list", "spaces"});
  CHECK(l.exit_code == 0);
  CHECK(contains(l.out, "mobilenet"));
  CHECK(contains(l.out, "zoo"));
}
