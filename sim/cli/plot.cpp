#include "sim/cli/plot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

extern char** environ;

namespace accelnas::cli {
namespace {

namespace fs = std::filesystem;

// Runs argv[0] from PATH; quiet sends its stdout and stderr to /dev/null. Returns the exit
// status, or -1 when it could not be started.
int run_program(const std::vector<std::string>& args, bool quiet) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (quiet) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::optional<std::string> find_script(const std::string& script, const std::string& env_var) {
  if (const char* env = std::getenv(env_var.c_str())) return std::string(env);
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec) return std::nullopt;
  for (int up = 0; up < 5 && !dir.empty(); ++up, dir = dir.parent_path()) {
    for (const std::string& rel : {"scripts/" + script, "share/accelnas/" + script}) {
      std::error_code missing;  // a missing candidate is not an error
      if (fs::is_regular_file(dir / rel, missing)) return (dir / rel).string();
    }
    if (dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

// Debian's /usr/bin/python3 is where python3-matplotlib installs, when PATH leads to another
// python first.
std::optional<std::string> find_python() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("ACCELNAS_PYTHON")) candidates.emplace_back(env);
  candidates.insert(candidates.end(), {"python3", "/usr/bin/python3"});
  for (const auto& py : candidates) {
    if (run_program({py, "-c", "import matplotlib"}, true) == 0) return py;
  }
  return std::nullopt;
}

}  // namespace

bool run_plot_script(const std::string& script, const std::string& env_var, const std::string& dir,
                     const std::string& what) {
  const auto warn = [&what](const std::string& why) {
    std::cerr << "accelnas: warning: " << why << "; skipping " << what << "\n";
    return false;
  };
  const auto python = find_python();
  if (!python) return warn("no python3 with matplotlib (Debian: python3-matplotlib)");
  const auto path = find_script(script, env_var);
  if (!path) return warn("scripts/" + script + " not found (set " + env_var + ")");
  if (run_program({*python, *path, dir}, false) != 0) return warn(*path + " failed");
  return true;
}

}  // namespace accelnas::cli
