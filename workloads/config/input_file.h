// Reading a file the user named (--hw, --model, --space, --net-space, --estimator, --db): every
// reader reports a bad path in the same words, one line naming it:
//   "<path>: no such file", "<path>: is a directory", "<path>: cannot open file (<reason>)",
//   "<path>: cannot read file (<reason>)".
#ifndef ACCELNAS_CONFIG_INPUT_FILE_H
#define ACCELNAS_CONFIG_INPUT_FILE_H

#include <string>

namespace accelnas {

// Throws UserError unless `path` is a file (not a directory) that can be opened for reading.
void check_input_file(const std::string& path);
// The whole file, with the errors of check_input_file.
std::string read_input_file(const std::string& path);

}  // namespace accelnas

#endif  // ACCELNAS_CONFIG_INPUT_FILE_H
