// `--help` at the top level and for every subcommand: exit 0, usage on stdout, every option named.
#include <doctest/doctest.h>

#include <string>

#include "sim/cli/common.h"
#include "tests/cli/cli_helpers.h"
#include "workloads/network.h"

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

TEST_CASE("cli: --help states each limit of --batch, --count and --jobs from its constant") {
  const std::string batch = std::to_string(accelnas::wl::kMaxBatch);
  const std::string count = std::to_string(accelnas::cli::kMaxSampleCount);
  const std::string jobs = std::to_string(accelnas::cli::kMaxJobs);
  for (const char* cmd : {"simulate", "sweep", "info", "estimate"}) {
    INFO(cmd);
    check_help({cmd}, {"--batch", "1 to " + batch});
  }
  for (const char* cmd : {"label", "sample"}) {
    INFO(cmd);
    check_help({cmd}, {"--count", "1 to " + count});
  }
  for (const char* cmd : {"label", "sweep"}) {
    INFO(cmd);
    check_help({cmd}, {"--jobs", "1 to " + jobs});
  }
}

TEST_CASE("cli: validate --help names --net-space, not label's --space") {
  check_help({"validate"}, {"--net-space"});
  const CliResult r = run_cli({"validate", "--help"});
  CHECK(!contains(r.out, "  --space"));
}
