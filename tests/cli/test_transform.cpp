// `accelnas transform`: transformed networks as YAML that simulate and info accept.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/cli/cli_helpers.h"

using namespace accelnas::cli_test;

namespace {

CliResult run_ok(const std::vector<std::string>& args) {
  const CliResult r = run_cli(args);
  INFO("command: " << command_line(args) << "\nexit " << r.exit_code << ", stderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

// The one error line of a failing command, after its prefix.
std::string error_of(const std::vector<std::string>& args) {
  const CliResult r = run_cli(args);
  INFO("command: " << command_line(args) << "\nexit " << r.exit_code << ", stderr:\n" << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(split_lines(r.err).size() == 1);
  return r.err;
}

}  // namespace

TEST_CASE("cli: transform -o writes YAML that simulate runs, and prints MACs/params on stderr") {
  const TempDir dir;
  const std::string out = dir.file("fused.yaml");
  const CliResult r = run_ok({"transform", "--model", "mobilenet_v2", "--fuse", "0-3",
                              "--depth-multiplier", "0.75", "--align", "32", "-o", out});
  CHECK(r.out.empty());
  const auto err = split_lines(r.err);
  REQUIRE(err.size() == 1);
  CHECK(contains(err[0], "transform: mobilenet_v2: MACs 300.77M -> "));
  CHECK(contains(err[0], "params 3.49M -> "));
  CHECK(contains(err[0], "(--fuse 0-3, --depth-multiplier 0.75)"));
  const std::string yaml = read_text(out);
  CHECK(contains(yaml, "block_type: fused_ibn"));
  const CliResult sim = run_ok({"simulate", "--model", out, "--format", "json"});
  CHECK(contains(sim.out, "\"total\""));
  const CliResult info = run_ok({"info", "--model", out, "--format", "csv"});
  CHECK(contains(info.out, "ibn3_expand,conv2d"));
}

TEST_CASE("cli: transform without -o writes the YAML to stdout - no transform is a plain export") {
  const CliResult r = run_ok({"transform", "--model", "tiny"});
  CHECK(contains(r.out, "name: tiny\n"));
  CHECK(contains(r.err, "(no transform)"));
  const TempDir dir;
  const std::string path = dir.write("tiny.yaml", r.out);
  CHECK(run_ok({"transform", "--model", path}).out == r.out);
}

TEST_CASE("cli: every transform option together gives a network simulate accepts") {
  const TempDir dir;
  const std::string out = dir.file("all.yaml");
  run_ok({"transform",
          "--model",
          "mobilenet_v2",
          "--resolution",
          "160x128",
          "--unfuse",
          "all",
          "--fuse",
          "ibn2,ibn3",
          "--dw-to-conv",
          "ibn17_dw",
          "--expansion",
          "4",
          "--blocks",
          "10-12",
          "--kernel",
          "5",
          "--depth-multiplier",
          "0.5",
          "--align",
          "16",
          "--align-channels",
          "32",
          "--align-mode",
          "nearest",
          "--precision",
          "int16",
          "--layers",
          "stem,classifier",
          "-o",
          out});
  const std::string yaml = read_text(out);
  CHECK(contains(yaml, "shape: [160, 128, 3]"));
  CHECK(contains(yaml, "precision: int16"));
  run_ok({"simulate", "--model", out});
}

TEST_CASE("cli: transform errors name the option and the bad value") {
  CHECK(contains(error_of({"transform", "--model", "mobilenet_v2", "--fuse", "ibn99"}),
                 "--fuse ibn99: fuse_ibn: unknown IBN block 'ibn99'"));
  CHECK(contains(error_of({"transform", "--model", "mobilenet_v2", "--fuse", "3-1"}),
                 "bad block range '3-1'"));
  CHECK(contains(error_of({"transform", "--model", "tiny", "--depth-multiplier", "0"}),
                 "--depth-multiplier 0: depth_multiplier: multiplier must be > 0"));
  CHECK(contains(error_of({"transform", "--model", "tiny", "--align-channels", "0"}),
                 "--align-channels: expected an integer >= 1, got '0'"));
  CHECK(contains(error_of({"transform", "--model", "tiny", "--align", "32"}),
                 "--align applies to --depth-multiplier and --expansion"));
  CHECK(contains(error_of({"transform", "--model", "tiny", "--resolution", "big"}),
                 "--resolution: expected HxW"));
  CHECK(contains(error_of({"transform", "--model", "tiny", "--kernel", "5", "--blocks", "ibn7"}),
                 "unknown IBN block 'ibn7'"));
  CHECK(contains(error_of({"transform", "--model", "tiny", "--precision", "int4"}),
                 "--precision: expected int8"));
  CHECK(contains(error_of({"transform", "--model", "tiny", "--layers", "stem"}),
                 "--layers applies to --precision"));
}

TEST_CASE("cli: a failed transform leaves an existing -o file untouched") {
  const TempDir dir;
  const std::string out = dir.write("keep.yaml", "old\n");
  error_of({"transform", "--model", "tiny", "--fuse", "ibn5", "-o", out});
  CHECK(read_text(out) == "old\n");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("cli: transform --help exits 0, names every option and the order they apply in") {
  const CliResult r = run_cli({"transform", "--help"});
  CHECK(r.exit_code == 0);
  for (const char* option :
       {"--model", "--output", "--resolution", "--unfuse", "--fuse", "--dw-to-conv", "--expansion",
        "--kernel", "--blocks", "--depth-multiplier", "--align", "--align-channels", "--align-mode",
        "--precision", "--layers"}) {
    INFO(option);
    CHECK(contains(r.out, option));
  }
  CHECK(contains(r.out, "Order: --resolution, --unfuse, --fuse"));
}
