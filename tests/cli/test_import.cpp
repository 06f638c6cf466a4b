// `accelnas import` and `simulate --model x.onnx`: a torchvision-style MobileNetV2 export
// imports to the zoo's layer table and cycles; the YAML written by import simulates exactly as
// the ONNX file does.
#include <doctest/doctest.h>

#include <algorithm>

#include "hw_models/hw_spec.h"
#include "sim/simulate.h"
#include "tests/cli/cli_helpers.h"
#include "tests/workloads/onnx_helpers.h"
#include "tests/workloads/onnx_models.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using namespace accelnas::cli_test;
using onnx_test::OnnxBuilder;

namespace {

std::string mobilenet_v2_file(const TempDir& dir, std::int64_t resolution = 224) {
  OnnxBuilder b;
  onnx_test::mobilenet_v2(b, resolution);
  return b.write(dir.file("mobilenet_v2.onnx"));
}

// A model whose input has dynamic H and W and one unsupported operator (Erf).
std::string odd_file(const TempDir& dir) {
  OnnxBuilder b;
  std::string x = b.input("pixels", {-1, 3, -1, -1}, {"batch", "", "height", "width"});
  x = b.op("Erf", {b.op("Relu", {b.conv(x, 8, 3, 2, 1)})});
  b.output(x);
  return b.write(dir.file("odd.onnx"));
}

CliResult run_ok(const std::vector<std::string>& args) {
  CliResult r = run_cli(args);
  INFO("command: " << command_line(args) << "\nexit " << r.exit_code << ", stderr:\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

}  // namespace

TEST_CASE(
    "onnx import: a torchvision-style MobileNetV2 export has the zoo's layer table (op, "
    "shape, MACs, params, epilogue, block, role in topological order)") {
  const TempDir dir;
  const wl::Network onnx = wl::import_onnx(mobilenet_v2_file(dir));
  onnx_test::check_same_layer_table(onnx, wl::build_zoo("mobilenet_v2"));
}

TEST_CASE(
    "onnx import: the imported MobileNetV2 simulates to the zoo's total cycles on "
    "npu-pf32") {
  const TempDir dir;
  const hw::HwSpec hw = hw::load_hw("npu-pf32");
  const sim::SimResult onnx =
      sim::simulate_network(wl::import_onnx(mobilenet_v2_file(dir)), hw, sim::PlanOptions{});
  const sim::SimResult zoo =
      sim::simulate_network(wl::build_zoo("mobilenet_v2"), hw, sim::PlanOptions{});
  CHECK(onnx.total.cycles > 0);
  CHECK(onnx.total.cycles == zoo.total.cycles);
  CHECK(onnx.total.dram_read_bytes == zoo.total.dram_read_bytes);
}

TEST_CASE(
    "accelnas import x.onnx -o y.yaml, then simulate --model y.yaml, equals simulate "
    "--model x.onnx (same JSON)") {
  const TempDir dir;
  const std::string onnx = mobilenet_v2_file(dir, 160);
  const std::string yaml = dir.file("mobilenet_v2.yaml");
  const CliResult imported = run_ok({"import", onnx, "-o", yaml});
  CHECK(imported.out.empty());
  CHECK(imported.err.empty());
  const CliResult from_yaml = run_ok({"simulate", "--model", yaml, "--format", "json"});
  const CliResult from_onnx = run_ok({"simulate", "--model", onnx, "--format", "json"});
  CHECK(from_onnx.err.empty());
  CHECK(from_yaml.out == from_onnx.out);
  CHECK(contains(from_onnx.out, "\"name\": \"mobilenet_v2\""));
}

TEST_CASE("accelnas import without -o prints the YAML on stdout") {
  const TempDir dir;
  const std::string onnx = mobilenet_v2_file(dir, 96);
  const std::string yaml = dir.file("out.yaml");
  run_ok({"import", onnx, "-o", yaml});
  const CliResult r = run_ok({"import", onnx});
  CHECK(r.out == read_text(yaml));
  CHECK(contains(r.out, "block: ibn17, block_type: ibn, role: project"));
}

TEST_CASE(
    "accelnas import: a corrupt file exits 2 with one error line naming it, and writes "
    "nothing") {
  const TempDir dir;
  const std::string onnx = mobilenet_v2_file(dir, 96);
  const std::string bytes = read_text(onnx);
  const std::string cut = dir.write("cut.onnx", bytes.substr(0, bytes.size() / 3));
  const std::string yaml = dir.file("cut.yaml");
  const CliResult r = run_cli({"import", cut, "-o", yaml});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "accelnas: error: " + cut +
                     ": not a valid ONNX model (protobuf parse failed: truncated or corrupt?)\n");
  CHECK_FALSE(std::filesystem::exists(yaml));
}

TEST_CASE(
    "accelnas import: dynamic shapes need --input-shape - unsupported ops need "
    "--allow-unsupported, which warns per node on stderr") {
  const TempDir dir;
  const std::string onnx = odd_file(dir);
  CliResult r = run_cli({"import", onnx});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err,
                 "input 'pixels' has a dynamic shape [batch, 3, height, width]; give it "
                 "with --input-shape pixels=HxWxC"));
  r = run_cli({"import", onnx, "--input-shape", "pixels=32x32x3"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "node 'Erf_2' (op Erf): unsupported operator; --allow-unsupported"));
  r = run_ok({"import", "--input-shape", "pixels=1,3,32,32", "--allow-unsupported", onnx});
  CHECK(r.err == "accelnas: warning: " + onnx +
                     ": node 'Erf_2' (op Erf): unsupported operator; modelled as a 1x1 avgpool "
                     "pass on the vector unit\n");
  CHECK(contains(r.out, "{name: pixels, op: input, shape: [32, 32, 3]}"));
  CHECK(contains(r.out, "{name: Erf_2, op: avgpool, input: Conv_0, kernel: 1"));
}

TEST_CASE("cli: simulate, info and transform take --input-shape and --allow-unsupported for ONNX") {
  const TempDir dir;
  const std::string onnx = odd_file(dir);
  const std::vector<std::string> onnx_opts = {"--model", onnx, "--input-shape", "pixels=32x32x3",
                                              "--allow-unsupported"};
  for (const std::vector<std::string>& head :
       {std::vector<std::string>{"simulate", "--format", "csv"},
        std::vector<std::string>{"info", "--format", "csv"},
        std::vector<std::string>{"transform", "--precision", "int16"}}) {
    std::vector<std::string> args = head;
    args.insert(args.end(), onnx_opts.begin(), onnx_opts.end());
    const CliResult r = run_ok(args);
    CHECK(contains(r.err, "node 'Erf_2' (op Erf): unsupported operator; modelled as"));
  }
  // Without the shape, simulate fails the same way import does, in one line.
  const CliResult r = run_cli({"simulate", "--model", onnx});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "--input-shape"));
  CHECK(split_lines(r.err).size() == 1);
}

TEST_CASE("cli: the ONNX-only options are rejected for zoo and YAML models") {
  const CliResult a = run_cli({"simulate", "--model", "tiny", "--input-shape", "x=8x8x3"});
  CHECK(a.exit_code == 2);
  CHECK(a.err == "accelnas: error: --input-shape applies to ONNX models only\n");
  const CliResult b = run_cli({"info", "--model", "tiny", "--allow-unsupported"});
  CHECK(b.exit_code == 2);
  CHECK(b.err == "accelnas: error: --allow-unsupported applies to ONNX models only\n");
}

TEST_CASE(
    "accelnas import: each ONNX file that crashed the importer (tests/data/onnx) exits 2 with "
    "one error line") {
  const TempDir dir;
  for (const char* name : {"min_onnx_segv_shapeinf.onnx", "min_onnx_fpe_conv_stride0.onnx",
                           "min_onnx_ubsan_reshape_overflow.onnx", "min_onnx_protobuf_check.onnx",
                           "min_onnx_segv_conv_weight_rank.onnx"}) {
    CAPTURE(name);
    const std::string file = std::string(ACCELNAS_SOURCE_DIR) + "/tests/data/onnx/" + name;
    const CliResult r = run_cli({"import", file, "-o", dir.file("x.yaml")});
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("accelnas: error: " + file + ": ", 0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_FALSE(std::filesystem::exists(dir.file("x.yaml")));
  }
}
