// Files and streams: what an output does to whatever is at its path (a regular file is replaced
// atomically, a FIFO is written in place, a symlink keeps pointing at its file), which inputs are
// read (regular files, limited in size), a lost write to stdout, and corrupt stored text named
// with its file.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/cli_helpers.h"

using namespace accelnas::cli_test;

namespace {

std::string data_file(const std::string& name) {
  return std::string(ACCELNAS_SOURCE_DIR) + "/tests/data/" + name;
}

bool is_fifo(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

bool is_symlink(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.insert(e.path().filename().string());
  return names;
}

std::string make_fifo(const TempDir& dir, const std::string& name) {
  const std::string path = dir.file(name);
  if (::mkfifo(path.c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed");
  return path;
}

// Reads everything written into a FIFO, in a thread. finish() never hangs: when no writer came
// (the command failed first), it opens the FIFO for writing itself, so the reader sees its end.
class FifoReader {
 public:
  explicit FifoReader(std::string path) : path_(std::move(path)) {
    thread_ = std::thread([this] {
      text_ = read_text(path_);
      done_ = true;
    });
  }
  ~FifoReader() {
    if (thread_.joinable()) finish();
  }
  FifoReader(const FifoReader&) = delete;
  FifoReader& operator=(const FifoReader&) = delete;

  std::string finish() {
    while (!done_) {
      const int fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK);  // fails until a reader waits
      if (fd >= 0) {
        ::close(fd);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    thread_.join();
    return text_;
  }

 private:
  std::string path_;
  std::string text_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// The one error line's text after the prefix, checking the one-line contract.
std::string error_of(const std::vector<std::string>& args) {
  const CliResult r = run_cli(args);
  INFO(command_line(args) << "\nexit " << r.exit_code << ", stderr:\n" << r.err);
  check_error(r, {});
  return r.err;
}

}  // namespace

TEST_CASE("cli: -o and --trace into FIFOs write through them, and the FIFOs stay FIFOs") {
  const TempDir dir;
  const std::string out = make_fifo(dir, "report.csv"), trace = make_fifo(dir, "trace.json");
  FifoReader out_reader(out), trace_reader(trace);
  const CliResult r =
      run_cli({"simulate", "--model", "tiny", "--format", "csv", "-o", out, "--trace", trace});
  const std::string csv = out_reader.finish(), events = trace_reader.finish();
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(csv.rfind("name,op,", 0) == 0);
  CHECK(contains(csv, "\ntotal,"));
  CHECK(contains(events, "\"traceEvents\""));
  CHECK(is_fifo(out));
  CHECK(is_fifo(trace));
  CHECK(entries(dir.path()) == std::set<std::string>{"report.csv", "trace.json"});  // no temporary
}

TEST_CASE("cli: -o through a symlink to a regular file replaces that file and keeps the link") {
  const TempDir dir;
  const std::string real = dir.write("real.csv", "old\n"), link = dir.file("link.csv");
  REQUIRE(::symlink("real.csv", link.c_str()) == 0);
  const CliResult r = run_cli({"simulate", "--model", "tiny", "--format", "csv", "-o", link});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(is_symlink(link));
  CHECK(read_text(real).rfind("name,op,", 0) == 0);
  CHECK(entries(dir.path()) == std::set<std::string>{"link.csv", "real.csv"});
}

TEST_CASE(
    "cli: a symlink or stale file at the temporary's name is skipped, never followed or "
    "overwritten") {
  const TempDir dir;
  const std::string victim = dir.write("victim", "keep\n"), out = dir.file("report.csv");
  const std::vector<std::string> args = {"simulate", "--model", "tiny", "--format",
                                         "csv",      "-o",      out};
  // The temporary is "<file>.tmp.<pid>"; plant a link and a stale file under the command's pid.
  const CliResult r = run_cli(args, "", [&] {
    const std::string tmp = out + ".tmp." + std::to_string(::getpid());
    if (::symlink(victim.c_str(), tmp.c_str()) != 0) _exit(125);
    const int fd = ::open((tmp + ".1").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0 || ::write(fd, "stale\n", 6) != 6) _exit(125);
    ::close(fd);
  });
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(read_text(victim) == "keep\n");
  CHECK(read_text(out).rfind("name,op,", 0) == 0);
  std::set<std::string> left = entries(dir.path());
  CHECK(left.size() == 4);  // victim, report.csv, the planted link and the stale file
  for (const auto& name : left) {
    if (name.find(".tmp.") != std::string::npos) {
      CHECK(read_text(dir.file(name)) == (is_symlink(dir.file(name)) ? "keep\n" : "stale\n"));
    }
  }
}

TEST_CASE("cli: -o over an existing file keeps its permission bits") {
  const TempDir dir;
  const std::string out = dir.write("report.csv", "old\n");
  REQUIRE(::chmod(out.c_str(), 0640) == 0);
  const CliResult r = run_cli({"simulate", "--model", "tiny", "--format", "csv", "-o", out});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(read_text(out).rfind("name,op,", 0) == 0);
}

TEST_CASE("cli: --db that is a FIFO is refused before SQLite opens it (no -journal beside it)") {
  const TempDir dir;
  const std::string fifo = make_fifo(dir, "labels.db");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"label", "--space", "mobilenet", "--count", "1", "--db", fifo},
           {"labels", "stats", "--db", fifo},
           {"labels", "export", "--db", fifo},
           {"fit", "--db", fifo, "-o", dir.file("e.json")}}) {
    CHECK(contains(error_of(args), fifo + ": not a regular file"));
  }
  CHECK(entries(dir.path()) == std::set<std::string>{"labels.db"});
}

TEST_CASE("cli: an input that is a FIFO or a device is refused as not a regular file") {
  const TempDir dir;
  const std::string fifo_yaml = make_fifo(dir, "in.yaml"), fifo_onnx = make_fifo(dir, "in.onnx"),
                    fifo_csv = make_fifo(dir, "in.csv"), zero = dir.file("zero.yaml");
  REQUIRE(::symlink("/dev/zero", zero.c_str()) == 0);  // would grow until memory runs out
  const std::vector<std::vector<std::string>> commands = {
      {"simulate", "--model", "{}"},
      {"simulate", "--model", "tiny", "--hw", "{}"},
      {"estimate", "--estimator", "{}", "--model", "tiny"},
      {"validate", "--estimator", "{}", "--zoo", "-o", dir.file("r")},
      {"sample", "--space", "{}", "--count", "1"},
      {"label", "--space", "{}", "--count", "1", "--db", dir.file("l.db")},
  };
  for (const auto& command : commands) {
    for (const std::string& path : {fifo_yaml, zero}) {
      std::vector<std::string> args = command;
      for (auto& a : args)
        if (a == "{}") a = path;
      CHECK(contains(error_of(args), path + ": not a regular file"));
    }
  }
  CHECK(contains(error_of({"simulate", "--model", fifo_onnx}), fifo_onnx + ": not a regular file"));
  CHECK(contains(error_of({"import", fifo_onnx}), fifo_onnx + ": not a regular file"));
  CHECK(contains(error_of({"labels", "import", "--csv", fifo_csv, "--hw", "npu-pf32", "--db",
                           dir.file("m.db")}),
                 fifo_csv + ": not a regular file"));
}

TEST_CASE("cli: a YAML file read whole is limited to 256 MiB") {
  const TempDir dir;
  const std::string big = dir.file("big.yaml");
  {
    const int fd = ::open(big.c_str(), O_WRONLY | O_CREAT, 0644);  // sparse: no disk used
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, (off_t{256} << 20) + 1) == 0);
    ::close(fd);
  }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"simulate", "--model", "tiny", "--hw", big}, {"simulate", "--model", big}}) {
    const std::string e = error_of(args);
    CHECK(contains(e, big + ": too large (268435457 bytes"));
    CHECK(contains(e, "256 MiB"));
  }
}

TEST_CASE("cli: a failed write to stdout is 'stdout: write failed' and exit 2 from every command") {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"list", "presets"},
                                             {"list", "models"},
                                             {"list", "ops"},
                                             {"list", "hw-keys"},
                                             {"list", "spaces"},
                                             {"info", "--model", "tiny"},
                                             {"sample", "--space", "mobilenet", "--count", "2"},
                                             {"simulate", "--model", "tiny"},
                                             {"sweep", "--model", "tiny", "--quiet"},
                                             {"transform", "--model", "tiny"},
                                             {"--help"},
                                             {"simulate", "--help"},
                                             {"--version"}}) {
    const CliResult r = run_cli(args, "/dev/full");
    INFO(command_line(args) << "\nexit " << r.exit_code << ", stderr:\n" << r.err);
    check_error(r, {"stdout: write failed"});
  }
}

TEST_CASE("cli: a hardware name that is not UTF-8 is refused at load time, with file and line") {
  const std::string hw = data_file("hw/min_hw_invalid_utf8_name.yaml");
  const CliResult r = run_cli({"simulate", "--hw", hw, "--model", "tiny", "--format", "json"});
  check_error(r, {hw + ":1: name: not valid UTF-8 (byte 0x87"});
  CHECK(!contains(r.err, "json.exception"));
  CHECK(r.out.empty());
}

TEST_CASE("cli: every YAML string is checked for UTF-8: overlong forms, surrogates and keys too") {
  const TempDir dir;
  const std::string layers =
      "layers:\n"
      "  - {name: image, op: input, shape: [8, 8, 3]}\n";
  // An overlong '/', an encoded surrogate, and a key with a stray continuation byte.
  const std::string overlong = dir.write("overlong.yaml", "name: \"a\xc0\xaf\"\n" + layers);
  const std::string surrogate =
      dir.write("surrogate.yaml",
                layers + "  - {name: \"x\xed\xa0\x80\", op: global_avgpool, input: image}\n");
  const std::string key = dir.write("key.yaml", "name: n\n\x80key: 1\n" + layers);
  CHECK(contains(error_of({"info", "--model", overlong}), overlong + ":1: name: not valid UTF-8"));
  CHECK(contains(error_of({"info", "--model", surrogate}), surrogate + ":3: layers[1].name:"));
  CHECK(contains(error_of({"info", "--model", key}), key + ":2: a key is not valid UTF-8"));
}

TEST_CASE("cli: labels export names the database and the label of a corrupt stored unit text") {
  const TempDir dir;
  const std::string db = data_file("db/min_db_bad_unit_text.db"), out = dir.file("x.jsonl");
  const CliResult r = run_cli({"labels", "export", "--db", db, "--format", "jsonl", "-o", out});
  check_error(r, {db + ": label ", ": unit_text is not valid JSON"});
  CHECK(!contains(r.err, "json.exception"));
  CHECK(!std::filesystem::exists(out));
}

TEST_CASE(
    "cli: fit names the database and the hardware when its stored description is not JSON "
    "of the expected shape") {
  const TempDir dir;
  const std::string db = data_file("db/min_db_hw_description_number.db");
  const CliResult r = run_cli({"fit", "--db", db, "-o", dir.file("e.json"), "--rounds", "1"});
  check_error(r, {db + ": hardware ", "the stored hardware description is not a JSON object"});
  CHECK(!contains(r.err, "cannot use at()"));
  CHECK(!std::filesystem::exists(dir.file("e.json")));
}
