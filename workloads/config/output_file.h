// Writing a file the user named (-o, --trace, validate's reports, fit's estimator).
//
// A regular file, or a path where nothing exists yet, is replaced atomically: the text goes to a
// temporary "<file>.tmp.<pid>" beside it (or "<file>.tmp.<pid>.<n>" when that name is taken),
// created fresh (O_EXCL | O_NOFOLLOW: anything already at that name, a stale temporary or a
// planted symlink, is skipped and never opened or followed), and commit() renames it over
// <file>. Until then an existing file is left untouched; without commit() the temporary is
// removed. A replaced file keeps its permission bits; a new one gets 0666 less the umask. A
// symlink to a regular file replaces the file it points to; the link stays a link. A dangling
// symlink is replaced by the new file.
//
// Any other existing path is written in place, with no temporary and no rename: a character
// device (/dev/null, a terminal), a FIFO, a socket, and the file that is already this process's
// stdout or stderr (`-o /dev/stdout > log`), which is appended to so that it keeps what is there.
#ifndef ACCELNAS_WORKLOADS_CONFIG_OUTPUT_FILE_H
#define ACCELNAS_WORKLOADS_CONFIG_OUTPUT_FILE_H

#include <memory>
#include <ostream>
#include <string>

namespace accelnas {

class OutputFile {
 public:
  // Opens at once, so an unwritable path fails before any work. Throws UserError naming `path`:
  // "<path>: is a directory", "<path>: cannot open for writing (<reason>)".
  explicit OutputFile(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream();
  // Flushes, checks every write, and moves the file into place. Throws
  // "<path>: write failed (<reason>)".
  void commit();
  bool in_place() const { return tmp_.empty(); }

 private:
  class FdBuf;
  std::string path_;    // as the user wrote it, for messages
  std::string target_;  // the file renamed over (a symlink's target)
  std::string tmp_;     // empty when writing in place
  std::unique_ptr<FdBuf> buf_;
  std::unique_ptr<std::ostream> os_;
  bool committed_ = false;
};

}  // namespace accelnas

#endif  // ACCELNAS_WORKLOADS_CONFIG_OUTPUT_FILE_H
