// `--help` at the top level and for every subcommand: exit 0, usage on stdout, every option named.
#include <doctest/doctest.h>

#include "cli_helpers.h"

using namespace accelnas::cli_test;

namespace {

void check_help(const std::vector<std::string>& command, const std::vector<std::string>& mentions) {
  std::vector<std::string> args = command;
  args.push_back("--help");
  const CliResult r = run_cli(args);
  INFO("command: " << command_line(args) << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(contains(r.out, "Usage"));
  for (const auto& m : mentions) {
    INFO("mentions " << m);
    CHECK(contains(r.out, m));
  }
}

}  // namespace

TEST_CASE("cli: top-level --help exits 0 and names every subcommand") {
  check_help({}, {"simulate", "sweep", "list", "--help", "--version"});
}

TEST_CASE("cli: simulate --help exits 0 and names every option") {
  check_help({"simulate"}, {"--hw", "--model", "--precision", "--batch", "--format", "--output",
                            "--trace", "npu-pf32"});
}

TEST_CASE("cli: sweep --help exits 0 and names every option") {
  check_help({"sweep"}, {"--hw", "--model", "--precision", "--batch", "--format", "--output",
                         "--set", "--jobs", "--quiet"});
}

TEST_CASE("cli: list --help exits 0 and names every topic") {
  check_help({"list"}, {"presets", "models", "ops", "hw-keys", "--format"});
}
