#include "workloads/config/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <streambuf>
#include <vector>

#include "workloads/config/error.h"

namespace accelnas {

// An ostream buffer over a file descriptor that remembers the first write error.
class OutputFile::FdBuf : public std::streambuf {
 public:
  explicit FdBuf(int fd) : fd_(fd), buf_(1 << 16) { setp(buf_.data(), buf_.data() + buf_.size()); }
  ~FdBuf() override { close(); }
  FdBuf(const FdBuf&) = delete;
  FdBuf& operator=(const FdBuf&) = delete;

  // Closes the descriptor; false (with the reason in error()) if any write or the close failed.
  bool close() {
    if (fd_ < 0) return error_ == 0;
    drain();
    if (::close(fd_) != 0 && error_ == 0) error_ = errno;
    fd_ = -1;
    return error_ == 0;
  }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    const char* p = pbase();
    std::size_t left = static_cast<std::size_t>(pptr() - pbase());
    while (left > 0 && error_ == 0 && fd_ >= 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno != EINTR) error_ = errno;
        continue;
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    setp(buf_.data(), buf_.data() + buf_.size());
    return error_ == 0;
  }

  int fd_;
  std::vector<char> buf_;
  int error_ = 0;
};

namespace {

std::string reason(int why) {
  return " (" + std::string(std::strerror(why)) + ")";
}

bool same_file(const struct stat& st, int fd) {
  struct stat other {};
  return ::fstat(fd, &other) == 0 && other.st_dev == st.st_dev && other.st_ino == st.st_ino;
}

// The file a path names once every symlink is followed; the path itself when that fails.
std::string resolved(const std::string& path) {
  char* real = ::realpath(path.c_str(), nullptr);
  if (real == nullptr) return path;
  std::string out(real);
  std::free(real);
  return out;
}

constexpr int kTempAttempts = 100;

}  // namespace

OutputFile::OutputFile(const std::string& path) : path_(path), target_(path) {
  const auto cannot_open = [&path](int why) {
    return UserError(path + ": cannot open for writing" + reason(why));
  };
  struct stat st {};
  int fd = -1;
  bool existing_regular = false;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw UserError(path + ": is a directory");
    const bool stdio = same_file(st, STDOUT_FILENO) || same_file(st, STDERR_FILENO);
    if (!S_ISREG(st.st_mode) || stdio) {
      fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | (stdio ? O_APPEND : 0));
      if (fd < 0) throw cannot_open(errno);
    } else {
      target_ = resolved(path);
      existing_regular = true;
    }
  } else if (errno != ENOENT) {
    throw cannot_open(errno);
  }
  if (fd < 0) {
    // A name nobody holds: "<file>.tmp.<pid>", else ".<pid>.1", ".<pid>.2", ... (a temporary
    // left by a killed run under a reused pid, or anything planted there, is skipped, never
    // opened or followed).
    const std::string base = target_ + ".tmp." + std::to_string(::getpid());
    for (int attempt = 0; fd < 0 && attempt < kTempAttempts; ++attempt) {
      tmp_ = attempt == 0 ? base : base + "." + std::to_string(attempt);
      fd = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
      if (fd < 0 && errno != EEXIST) throw cannot_open(errno);
    }
    if (fd < 0) {
      throw UserError(path + ": cannot open for writing (" + base + " and " +
                      std::to_string(kTempAttempts - 1) +
                      " numbered names after it exist; remove the stale temporaries)");
    }
    // A replaced file keeps its permission bits (a new one gets 0666 less the umask).
    if (existing_regular && ::fchmod(fd, st.st_mode & 07777) != 0) {
      const int why = errno;
      ::close(fd);
      ::unlink(tmp_.c_str());
      tmp_.clear();
      throw cannot_open(why);
    }
  }
  buf_ = std::make_unique<FdBuf>(fd);
  os_ = std::make_unique<std::ostream>(buf_.get());
}

OutputFile::~OutputFile() {
  os_.reset();
  if (buf_) buf_->close();
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

std::ostream& OutputFile::stream() {
  return *os_;
}

void OutputFile::commit() {
  os_->flush();
  const bool ok = buf_->close();
  if (!ok || !*os_)
    throw UserError(path_ + ": write failed" + reason(buf_->error() ? buf_->error() : EIO));
  if (!tmp_.empty() && ::rename(tmp_.c_str(), target_.c_str()) != 0)
    throw UserError(path_ + ": cannot write" + reason(errno));
  committed_ = true;
}

}  // namespace accelnas
