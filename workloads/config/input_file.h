// Reading a file the user named (--hw, --model, --space, --net-space, --estimator, --db, --csv,
// --measured): every reader reports a bad path in the same words, one line naming it:
//   "<path>: no such file", "<path>: is a directory", "<path>: not a regular file",
//   "<path>: cannot open file (<reason>)", "<path>: cannot read file (<reason>)",
//   "<path>: too large (<n> bytes; files read whole are limited to 256 MiB)".
// Only regular files are read (a symlink to one is fine): a FIFO or a character device such as
// /dev/zero may never end, and a file read whole must fit in memory.
#ifndef ACCELNAS_WORKLOADS_CONFIG_INPUT_FILE_H
#define ACCELNAS_WORKLOADS_CONFIG_INPUT_FILE_H

#include <cstdint>
#include <string>

namespace accelnas {

// The most bytes of a YAML, CSV or estimator file read whole: far past any real one (the largest
// estimators are a few MiB), and still a bounded allocation.
constexpr std::uint64_t kMaxInputFileBytes = std::uint64_t{256} << 20;
// ONNX: protobuf parses at most 2 GiB - 1 bytes from one buffer.
constexpr std::uint64_t kMaxOnnxFileBytes = (std::uint64_t{2} << 30) - 1;

// Throws UserError unless `path` is a regular file that can be opened for reading.
void check_input_file(const std::string& path);
// The whole file, with the errors of check_input_file, and "too large" past max_bytes.
std::string read_input_file(const std::string& path, std::uint64_t max_bytes = kMaxInputFileBytes);

}  // namespace accelnas

#endif  // ACCELNAS_WORKLOADS_CONFIG_INPUT_FILE_H
