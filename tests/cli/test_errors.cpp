// Bad input on the command line: every user error is exactly one line on stderr starting
// "accelnas: error:", exit code 2, nothing on stdout, and the line names what is wrong and where.
#include <doctest/doctest.h>

#include <cctype>
#include <filesystem>
#include <utility>
#include <vector>

#include "tests/cli/cli_helpers.h"

using namespace accelnas::cli_test;

namespace {

const std::string kPrefix = "accelnas: error: ";

// Checks the one-line user-error rule for `args` and returns the message after the prefix.
std::string error_message(const std::vector<std::string>& args, bool expect_empty_stdout = true) {
  const CliResult r = run_cli(args);
  INFO("command: " << command_line(args));
  INFO("exit " << r.exit_code << ", stderr:\n" << r.err);
  CHECK(r.exit_code == 2);
  if (expect_empty_stdout) CHECK(r.out.empty());
  const auto lines = split_lines(r.err);
  CHECK(lines.size() == 1);
  CHECK((!r.err.empty() && r.err.back() == '\n'));
  if (lines.empty()) return "";
  CHECK(lines[0].rfind(kPrefix, 0) == 0);
  return lines[0].rfind(kPrefix, 0) == 0 ? lines[0].substr(kPrefix.size()) : lines[0];
}

// The line number right after "<path>:" in `message`, or -1.
int line_after(const std::string& message, const std::string& path) {
  const auto at = message.find(path + ":");
  if (at == std::string::npos) return -1;
  std::size_t i = at + path.size() + 1;
  int line = 0;
  bool digits = false;
  for (; i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])); ++i) {
    line = line * 10 + (message[i] - '0');
    digits = true;
  }
  return digits ? line : -1;
}

std::vector<std::string> simulate_tiny_on(const std::string& hw) {
  return {"simulate", "--model", "tiny", "--hw", hw};
}

std::vector<std::string> simulate_model(const std::string& model) {
  return {"simulate", "--model", model};
}

}  // namespace

TEST_CASE("cli: an unknown preset is one error line naming it and listing close matches") {
  const std::string e = error_message(simulate_tiny_on("npu-pf99"));
  CHECK(contains(e, "'npu-pf99'"));
  CHECK(contains(e, "npu-pf32"));
  CHECK(contains(e, "npu-pf16"));
}

TEST_CASE("cli: a missing hardware file is one error line naming the path") {
  const TempDir dir;
  const std::string path = dir.file("absent_hw.yaml");
  CHECK(contains(error_message(simulate_tiny_on(path)), path));
}

TEST_CASE("cli: a directory given as the hardware file is one error line naming it") {
  const TempDir dir;
  CHECK(contains(error_message(simulate_tiny_on(dir.path())), dir.path()));
}

TEST_CASE("cli: malformed hardware YAML is one error line naming the file and a line") {
  const TempDir dir;
  const std::string path =
      dir.write("broken_hw.yaml", "clock: 1GHz\ncompute:\n  parallelism_factor: [16, 32\n");
  const std::string e = error_message(simulate_tiny_on(path));
  const int line = line_after(e, path);
  CHECK(line >= 1);
  CHECK(line <= 4);
  CHECK(contains(e, "malformed YAML"));
}

TEST_CASE("cli: an unknown key in a hardware file is one line naming file, line and key") {
  const TempDir dir;
  const std::string path = dir.write(
      "typo_hw.yaml", "clock: 1GHz\ncompute:\n  dot_width: 16\n  parallelism_factorr: 32\n");
  const std::string e = error_message(simulate_tiny_on(path));
  CHECK(line_after(e, path) == 4);
  CHECK(contains(e, "compute.parallelism_factorr"));
}

TEST_CASE("cli: parallelism_factor 0 is one line naming file:line, the key and its range") {
  const TempDir dir;
  const std::string path =
      dir.write("zero_pf.yaml", "name: zero\nclock: 1GHz\ncompute:\n  parallelism_factor: 0\n");
  const std::string e = error_message(simulate_tiny_on(path));
  CHECK(line_after(e, path) == 4);
  CHECK(contains(e, "compute.parallelism_factor"));
  CHECK(contains(e, ">= 1"));
  CHECK(contains(e, "got 0"));
}

TEST_CASE("cli: a negative SRAM size is one line naming file:line, the key and the value") {
  const TempDir dir;
  const std::string path = dir.write("neg_sram.yaml", "sram:\n  weights: -4KiB\n");
  const std::string e = error_message(simulate_tiny_on(path));
  CHECK(line_after(e, path) == 2);
  CHECK(contains(e, "sram.weights"));
  CHECK(contains(e, "-4KiB"));
}

TEST_CASE("cli: a missing model file is one error line naming the path") {
  const TempDir dir;
  const std::string path = dir.file("absent_net.yaml");
  CHECK(contains(error_message(simulate_model(path)), path));
}

TEST_CASE("cli: malformed network YAML is one error line naming the file and a line") {
  const TempDir dir;
  const std::string path =
      dir.write("broken_net.yaml", "layers:\n  - {name: x, op: input, shape: [8, 8, 3]\n");
  const std::string e = error_message(simulate_model(path));
  CHECK(line_after(e, path) >= 1);
  CHECK(contains(e, "malformed YAML"));
}

TEST_CASE("cli: a cyclic network is one error line naming a layer on the cycle") {
  const TempDir dir;
  const std::string path =
      dir.write("cycle.yaml",
                "layers:\n"
                "  - {name: image, op: input, shape: [8, 8, 3]}\n"
                "  - {name: loop_a, op: conv2d, input: loop_b, out_channels: 4, kernel: 1}\n"
                "  - {name: loop_b, op: conv2d, input: loop_a, out_channels: 4, kernel: 1}\n");
  const std::string e = error_message(simulate_model(path));
  CHECK(contains(e, "cycle"));
  CHECK((contains(e, "loop_a") || contains(e, "loop_b")));
  CHECK(contains(e, path));
}

TEST_CASE("cli: adding 56x56x24 to 28x28x24 is one error line naming both shapes") {
  const TempDir dir;
  const std::string path = dir.write("mismatch.yaml",
                                     "layers:\n"
                                     "  - {name: big, op: input, shape: [56, 56, 24]}\n"
                                     "  - {name: small, op: input, shape: [28, 28, 24]}\n"
                                     "  - {name: sum, op: add, inputs: [big, small]}\n");
  const std::string e = error_message(simulate_model(path));
  CHECK(contains(e, "56x56x24"));
  CHECK(contains(e, "28x28x24"));
  CHECK(line_after(e, path) == 4);
}

TEST_CASE("cli: a dangling input is one error line naming the missing layer") {
  const TempDir dir;
  const std::string path =
      dir.write("dangling.yaml",
                "layers:\n"
                "  - {name: image, op: input, shape: [8, 8, 3]}\n"
                "  - {name: conv, op: conv2d, input: ghost, out_channels: 4, kernel: 1}\n");
  const std::string e = error_message(simulate_model(path));
  CHECK(contains(e, "'ghost'"));
  CHECK(line_after(e, path) == 3);
}

TEST_CASE("cli: an unknown zoo model is one error line suggesting the closest name") {
  const std::string e = error_message(simulate_model("mobilenet_v3"));
  CHECK(contains(e, "'mobilenet_v3'"));
  CHECK(contains(e, "mobilenet_v2"));
}

TEST_CASE("cli: --batch 0 is one error line naming the option and the bound") {
  const std::string e = error_message({"simulate", "--model", "tiny", "--batch", "0"});
  CHECK(contains(e, "--batch"));
  CHECK(contains(e, "from 1 to 4096"));
  // Past the bound, byte and cycle counts would overflow: refused, not wrapped.
  CHECK(contains(error_message({"simulate", "--model", "tiny", "--batch", "1000000000000"}),
                 "from 1 to 4096, got '1000000000000'"));
  CHECK(contains(error_message({"info", "--model", "tiny", "--batch", "4097"}), "--batch"));
}

TEST_CASE("cli: a layer too large to count exactly is one error line naming it") {
  TempDir dir;
  const std::string net =
      dir.write("huge.yaml",
                "layers:\n"
                "  - {name: x, op: input, shape: [1048576, 1048576, 2]}\n"
                "  - {name: c, op: conv2d, input: x, out_channels: 8, kernel: 1}\n");
  const std::string msg = error_message({"info", "--model", net});
  CHECK(contains(msg, "huge.yaml:2: layers[0] (x)"));
  CHECK(contains(msg, "too large"));
}

TEST_CASE("cli: a layer that would run past the cycle clock is one error line naming it") {
  TempDir dir;
  // 13 TB through a 1 MB/s bus at 100 GHz: over 1e18 cycles.
  const std::string hw = dir.write("slow.yaml",
                                   "clock: 100GHz\ndram: {bandwidth: 1MB/s}\n"
                                   "sram: {activations: 1GiB}\n");
  const std::string net = dir.write("big_add.yaml",
                                    "layers:\n"
                                    "  - {name: a, op: input, shape: [1024, 1024, 1024]}\n"
                                    "  - {name: b, op: input, shape: [1024, 1024, 1024]}\n"
                                    "  - {name: s, op: add, inputs: [a, b]}\n");
  const std::string msg =
      error_message({"simulate", "--hw", hw, "--model", net, "--batch", "4096"});
  CHECK(contains(msg, "layer 's': too long to simulate"));
}

TEST_CASE("cli: a layer needing millions of tiles for tiny SRAMs is one error line naming it") {
  TempDir dir;
  const std::string hw = dir.write("tiny_sram.yaml",
                                   "compute: {parallelism_factor: 1, dot_width: 1}\n"
                                   "sram: {weights: 1KiB, activations: 8MiB}\n");
  const std::string net =
      dir.write("wide.yaml",
                "layers:\n"
                "  - {name: x, op: input, shape: [1, 1, 1048576]}\n"
                "  - {name: fc, op: fully_connected, input: x, out_channels: 1048576}\n");
  const std::string msg = error_message({"simulate", "--hw", hw, "--model", net});
  CHECK(contains(msg, "layer 'fc': needs"));
  CHECK(contains(msg, "tiles"));
}

TEST_CASE("cli: an unknown command is one line naming it and listing the valid commands") {
  const std::string top = error_message({"frobnicate"});
  CHECK(contains(top, "unknown command 'frobnicate'; expected one of: simulate, sweep,"));
  CHECK(contains(top, "validate"));
  CHECK(contains(error_message({"simulat"}), "did you mean: simulate?"));
  CHECK(contains(error_message({"labels", "foo"}),
                 "unknown labels command 'foo'; expected one of: export, stats"));
  CHECK(contains(error_message({}), "a command is required; expected one of: simulate"));
  CHECK(contains(error_message({"labels"}),
                 "a labels command is required; expected one of: export, stats"));
}

TEST_CASE("cli: a value that is not an integer names the option and its integer range") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"sweep", "--model", "tiny", "--jobs", "abc"}, "--jobs: expected an integer from 1 to 256"},
      {{"label", "--space", "zoo", "--db", "x.db", "--jobs", "abc"},
       "--jobs: expected an integer from 1 to 256"},
      {{"label", "--space", "zoo", "--db", "x.db", "--count", "abc"},
       "--count: expected an integer from 1 to 100000000"},
      {{"sample", "--space", "zoo", "--count", "abc"},
       "--count: expected an integer from 1 to 100000000"},
      {{"simulate", "--model", "tiny", "--batch", "abc"},
       "--batch: expected an integer from 1 to 4096"},
      {{"sweep", "--model", "tiny", "--batch", "1,abc"},
       "--batch: expected an integer from 1 to 4096"},
      {{"info", "--model", "tiny", "--batch", "abc"},
       "--batch: expected an integer from 1 to 4096"},
      {{"estimate", "--estimator", "e.json", "--model", "tiny", "--batch", "abc"},
       "--batch: expected an integer from 1 to 4096"},
      {{"info", "--model", "tiny", "--search-states", "abc"},
       "--search-states: expected an integer >= 1"},
      {{"fit", "--db", "x.db", "-o", "e.json", "--rounds", "abc"},
       "--rounds: expected an integer from 1 to 100000"},
      {{"validate", "--estimator", "e.json", "-o", "r", "--random", "abc"},
       "--random: expected an integer from 1 to 1000000"},
      {{"label", "--adaptive", "--db", "x.db", "--estimator", "e.json", "--worst", "abc"},
       "--worst: expected an integer >= 1"},
      {{"transform", "--model", "tiny", "--kernel", "abc"}, "--kernel: expected an integer >= 1"},
      {{"transform", "--model", "tiny", "--align-channels", "abc"},
       "--align-channels: expected an integer >= 1"},
      {{"sample", "--space", "zoo", "--count", "1", "--seed", "abc"},
       "--seed: expected an integer >= 0"},
  };
  for (const auto& [args, expected] : cases) {
    const std::string e = error_message(args);
    CHECK(contains(e, expected + ", got 'abc'"));
    CHECK(!contains(e, "not in range"));
  }
  // Out of range and negative values get the same words, never a wrapped unsigned value.
  CHECK(contains(error_message({"sample", "--space", "zoo", "--count", "-3"}),
                 "--count: expected an integer from 1 to 100000000, got '-3'"));
  CHECK(contains(error_message({"transform", "--model", "tiny", "--kernel", "99999999999"}),
                 "--kernel: expected an integer >= 1, got '99999999999' (too large)"));
}

TEST_CASE("cli: a directory or a missing file given as an input file is one line naming it") {
  const TempDir dir;
  const std::string sub = dir.path() + "/sub", onnx_dir = dir.path() + "/net.onnx",
                    yaml_dir = dir.path() + "/net.yaml";
  std::filesystem::create_directories(sub);
  std::filesystem::create_directories(onnx_dir);
  std::filesystem::create_directories(yaml_dir);
  const std::string absent = dir.file("absent");
  // Each command with the input path at its {} place.
  const std::vector<std::vector<std::string>> commands = {
      {"simulate", "--model", "{}"},
      {"simulate", "--model", "tiny", "--hw", "{}"},
      {"estimate", "--estimator", "{}", "--model", "tiny"},
      {"validate", "--estimator", "{}", "--zoo", "-o", dir.file("r")},
      {"labels", "stats", "--db", "{}"},
      {"labels", "export", "--db", "{}"},
      {"fit", "--db", "{}", "-o", dir.file("e.json")},
      {"sample", "--space", "{}", "--count", "1"},
  };
  for (const auto& command : commands) {
    for (const auto& [path, what] :
         std::vector<std::pair<std::string, std::string>>{{sub, "is a directory"},
                                                          {onnx_dir, "is a directory"},
                                                          {yaml_dir, "is a directory"},
                                                          {absent + ".onnx", "no such file"},
                                                          {absent + ".yaml", "no such file"}}) {
      std::vector<std::string> args = command;
      for (auto& a : args)
        if (a == "{}") a = path;
      INFO(command_line(args));
      CHECK(contains(error_message(args), path + ": " + what));
    }
  }
  // import takes *.onnx paths only.
  CHECK(contains(error_message({"import", onnx_dir}), onnx_dir + ": is a directory"));
  CHECK(contains(error_message({"import", absent + ".onnx"}), absent + ".onnx: no such file"));
  // A database to write into cannot be a directory either.
  CHECK(contains(error_message({"label", "--space", "zoo", "--count", "1", "--db", sub}),
                 sub + ": is a directory"));
}

TEST_CASE("cli: validate --space is refused with the rename to --net-space and why") {
  const std::string e = error_message(
      {"validate", "--estimator", "e.json", "--random", "3", "-o", "r", "--space", "zoo"});
  CHECK(contains(e, "--net-space"));
  CHECK(contains(e, "label"));
}
