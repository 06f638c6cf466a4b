#include "workloads/config/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "workloads/config/error.h"

namespace accelnas {
namespace {

std::string reason(int why) {
  return why != 0 ? " (" + std::string(std::strerror(why)) + ")" : std::string();
}

void check_kind(const std::string& path, const struct stat& st) {
  if (S_ISDIR(st.st_mode)) throw UserError(path + ": is a directory");
  if (!S_ISREG(st.st_mode)) throw UserError(path + ": not a regular file");
}

std::string size_text(std::uint64_t bytes) {
  if (bytes % (std::uint64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes % (std::uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

[[noreturn]] void too_large(const std::string& path, std::uint64_t size, std::uint64_t max_bytes) {
  throw UserError(path + ": too large (" + std::to_string(size) +
                  " bytes; files read whole are limited to " + size_text(max_bytes) + ")");
}

// An open descriptor of the regular file at `path`, with its size in `size`. The kind is checked
// before opening (opening a FIFO for reading waits for a writer) and again on the descriptor, which
// is opened non-blocking in case the path was swapped for a FIFO in between.
class InputFd {
 public:
  explicit InputFd(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      const int why = errno;
      if (why == ENOENT || why == ENOTDIR) throw UserError(path + ": no such file");
      throw UserError(path + ": cannot open file" + reason(why));
    }
    check_kind(path, st);
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd_ < 0) throw UserError(path + ": cannot open file" + reason(errno));
    if (::fstat(fd_, &st) != 0) throw UserError(path + ": cannot read file" + reason(errno));
    check_kind(path, st);
    size = static_cast<std::uint64_t>(st.st_size);
  }
  ~InputFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  InputFd(const InputFd&) = delete;
  InputFd& operator=(const InputFd&) = delete;
  int fd() const { return fd_; }

  std::uint64_t size = 0;

 private:
  int fd_ = -1;
};

}  // namespace

void check_input_file(const std::string& path) {
  const InputFd in(path);
}

std::string read_input_file(const std::string& path, std::uint64_t max_bytes) {
  const InputFd in(path);
  if (in.size > max_bytes) too_large(path, in.size, max_bytes);
  std::string text;
  text.reserve(static_cast<std::size_t>(in.size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(in.fd(), buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw UserError(path + ": cannot read file" + reason(errno));
    }
    // The file may grow while it is read.
    if (text.size() + static_cast<std::size_t>(n) > max_bytes)
      too_large(path, text.size() + static_cast<std::size_t>(n), max_bytes);
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace accelnas
