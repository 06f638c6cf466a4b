// Bad input on the command line: every user error is exactly one line on stderr starting
// "accelnas: error:", exit code 2, nothing on stdout, and the line names what is wrong and where.
#include <doctest/doctest.h>

#include <cctype>

#include "cli_helpers.h"

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
  CHECK(contains(e, ">= 1"));
}

TEST_CASE("cli: --precision int4 is one error line naming the valid precisions") {
  const std::string e = error_message({"simulate", "--model", "tiny", "--precision", "int4"});
  CHECK(contains(e, "--precision"));
  CHECK(contains(e, "int4"));
  CHECK(contains(e, "int8"));
}

TEST_CASE("cli: --format xml is one error line naming the valid formats") {
  const std::string e = error_message({"simulate", "--model", "tiny", "--format", "xml"});
  CHECK(contains(e, "--format"));
  CHECK(contains(e, "xml"));
  CHECK(contains(e, "json"));
}

TEST_CASE("cli: sweep --set KEY= with no values is one error line naming the key") {
  const std::string e =
      error_message({"sweep", "--model", "tiny", "--set", "compute.parallelism_factor="});
  CHECK(contains(e, "compute.parallelism_factor"));
  CHECK(contains(e, "empty"));
}

TEST_CASE("cli: sweep --set of an undeclared key is one error line naming the key") {
  const std::string e = error_message({"sweep", "--model", "tiny", "--set", "nosuch.key=1"});
  CHECK(contains(e, "nosuch.key"));
  CHECK(contains(e, "unknown key"));
}

TEST_CASE("cli: sweep validates every value before simulating any configuration") {
  const std::string e = error_message(
      {"sweep", "--model", "tiny", "--jobs", "2", "--set", "compute.parallelism_factor=8,0"});
  CHECK(contains(e, "compute.parallelism_factor"));
  CHECK(contains(e, "got 0"));
}

TEST_CASE("cli: list of an unknown topic is one error line naming it and the topics") {
  const std::string e = error_message({"list", "foo"});
  CHECK(contains(e, "'foo'"));
  CHECK(contains(e, "hw-keys"));
}

TEST_CASE("cli: an unwritable -o path is one error line naming the path") {
  const std::string path = "/nonexistent/dir/x.json";
  CHECK(contains(error_message({"simulate", "--model", "tiny", "--format", "json", "-o", path}),
                 path));
}

TEST_CASE("cli: command-line syntax errors are one error line with exit code 2") {
  CHECK(contains(error_message({"simulate"}), "--model"));
  CHECK(contains(error_message({"simulate", "--model", "tiny", "--no-such-option"}),
                 "--no-such-option"));
  CHECK(contains(error_message({"simulate", "--model", "tiny", "--batch", "abc"}), "abc"));
  CHECK(contains(
      error_message({"sweep", "--model", "tiny", "--set", "compute.dot_width=8", "--jobs", "0"}),
      "--jobs"));
  CHECK(!error_message({"frobnicate"}).empty());
}

TEST_CASE("cli: the same key given to two --set axes is one error line naming it") {
  CHECK(contains(error_message({"sweep", "--model", "tiny", "--set", "compute.parallelism_factor=8",
                                "--set", "compute.parallelism_factor=16"}),
                 "compute.parallelism_factor: given twice"));
}

TEST_CASE("cli: a failing command leaves an existing -o file untouched and no temporary behind") {
  TempDir dir;
  const std::string out = dir.write("report.json", "previous results\n");
  error_message({"simulate", "--model", dir.file("missing.yaml"), "-o", out});
  CHECK(read_text(out) == "previous results\n");
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("cli: an unwritable --trace path is one error line, before anything is printed") {
  // error_message() checks that stdout stays empty: the report is not half-delivered.
  CHECK(contains(error_message({"simulate", "--model", "tiny", "--trace", "/nonexistent/t.json"}),
                 "/nonexistent/t.json"));
}

TEST_CASE("cli: names with control characters are escaped so an error stays one line") {
  TempDir dir;
  const std::string net = dir.write(
      "ctl.yaml",
      "layers:\n"
      "  - {name: image, op: input, shape: [8, 8, 3]}\n"
      "  - {name: \"bad\\nname\\x01\", op: conv2d, input: nosuch, out_channels: 8, kernel: 1}\n");
  const std::string msg = error_message({"simulate", "--model", net});
  CHECK(contains(msg, "bad\\nname\\x01"));
  CHECK(contains(msg, "nosuch"));
}
