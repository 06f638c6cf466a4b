// Runs the real `accelnas` binary (ACCELNAS_CLI) as a user would, capturing its exit code,
// stdout and stderr; plus a per-test temporary directory for input and output files.
#ifndef ACCELNAS_TESTS_CLI_CLI_HELPERS_H
#define ACCELNAS_TESTS_CLI_CLI_HELPERS_H

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace accelnas::cli_test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline std::vector<std::string> split_csv_row(const std::string& row) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (char c : row) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// A fresh directory under /tmp, removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/accelnas-cli-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to `name` in the directory and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::string p = file(name);
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::string path_;
};

struct CliResult {
  int exit_code = -1;  // 128 + signal number when the process was killed
  std::string out;
  std::string err;
};

// Runs ACCELNAS_CLI with `args` in its own process, stdout and stderr redirected to files.
// stdout_path, when given, receives the child's stdout instead (e.g. /dev/full; r.out is then
// empty); in_child runs in the child just before exec, under the pid the command will have.
inline CliResult run_cli(const std::vector<std::string>& args, const std::string& stdout_path = "",
                         const std::function<void()>& in_child = {}) {
  const TempDir capture;
  const std::string out_path = capture.file("stdout"), err_path = capture.file("stderr");
  std::vector<std::string> argv_text = {ACCELNAS_CLI};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out = stdout_path.empty()
                        ? ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644)
                        : ::open(stdout_path.c_str(), O_WRONLY);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) _exit(126);
    if (in_child) in_child();
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_text(out_path);
  r.err = read_text(err_path);
  return r;
}

// The one-line error contract: exit code 2 and exactly one "accelnas: error:" line, holding every
// one of `parts`.
inline void check_error(const CliResult& r, const std::vector<std::string>& parts) {
  CHECK(r.exit_code == 2);
  const auto lines = split_lines(r.err);
  REQUIRE(lines.size() == 1);
  CHECK(contains(lines[0], "accelnas: error: "));
  for (const auto& p : parts) {
    INFO("expected '" << p << "' in: " << lines[0]);
    CHECK(contains(lines[0], p));
  }
}

inline std::string command_line(const std::vector<std::string>& args) {
  std::string s = "accelnas";
  for (const auto& a : args) s += " " + a;
  return s;
}

}  // namespace accelnas::cli_test

#endif  // ACCELNAS_TESTS_CLI_CLI_HELPERS_H
