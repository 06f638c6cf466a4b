#include "input_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "error.h"

namespace accelnas {
namespace {

// An ifstream opens a directory on Linux and fails only on the first read, so a directory is
// named before opening; errno says why an open failed.
std::ifstream open_input(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw UserError(path + ": is a directory");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (in) return in;
  const int why = errno;
  if (why == ENOENT || why == ENOTDIR) throw UserError(path + ": no such file");
  throw UserError(path + ": cannot open file" +
                  (why != 0 ? " (" + std::string(std::strerror(why)) + ")" : std::string()));
}

}  // namespace

void check_input_file(const std::string& path) {
  open_input(path);
}

std::string read_input_file(const std::string& path) {
  std::ifstream in = open_input(path);
  std::ostringstream text;
  errno = 0;
  text << in.rdbuf();
  if (in.bad()) throw UserError(path + ": cannot read file (" + std::strerror(errno) + ")");
  return text.str();
}

}  // namespace accelnas
