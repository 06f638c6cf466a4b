// Options shared by the subcommands that run a network on a hardware description.
#ifndef ACCELNAS_SIM_CLI_COMMON_H
#define ACCELNAS_SIM_CLI_COMMON_H

#include <CLI/CLI.hpp>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "sim/planner.h"
#include "sim/report.h"
#include "workloads/config/output_file.h"
#include "workloads/network.h"

namespace accelnas::cli {

// Where a network comes from: a zoo spec, a network YAML file or an ONNX file (with the import
// options for ONNX). Shared by every command that takes --model.
struct ModelSource {
  std::string model;
  std::vector<std::string> input_shapes;  // ONNX only
  bool allow_unsupported = false;         // ONNX only
};
// Adds --model (required), --input-shape and --allow-unsupported.
void add_model_options(CLI::App& cmd, ModelSource& m);
void add_onnx_options(CLI::App& cmd, ModelSource& m);  // --input-shape, --allow-unsupported
wl::Network load_model(const ModelSource& m);

// Thrown by a command that has already printed its error (e.g. from an MPI rank) to make main()
// return `code` without printing anything more.
struct ExitStatus {
  int code = 2;
};

// Integer options refuse, at parse time, any text that is not an integer from lo to hi, with
// "--jobs: expected an integer from 1 to 256, got 'abc'" (CLI11's own checks say "Value abc not
// in range 1 to 256" or "could not be converted", and wrap "-1" into an unsigned value).
// hi = kNoLimit: no bound of ours ("expected an integer >= 1"), only the target type's, type_max.
constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();
CLI::Validator integer_range(std::uint64_t lo, std::uint64_t hi, std::uint64_t type_max = kNoLimit);
// "1 to 256", or ">= 1" for hi = kNoLimit.
std::string range_text(std::uint64_t lo, std::uint64_t hi);

// Adds an integer option checked by integer_range(lo, hi); its help ends with the range, so the
// limits --help shows are the constants that enforce them.
template <class T>
CLI::Option* add_integer_option(CLI::App& cmd, const std::string& name, T& value,
                                const std::string& help, std::uint64_t lo,
                                std::uint64_t hi = kNoLimit) {
  return cmd.add_option(name, value, help + " (" + range_text(lo, hi) + ")")
      ->check(integer_range(lo, hi, static_cast<std::uint64_t>(std::numeric_limits<T>::max())));
}

// --seed, shared by every command that draws: a non-negative integer (no silent wrap of "-1").
CLI::Option* add_seed_option(CLI::App& cmd, std::uint64_t& seed, const std::string& help);

// The most samples one `label` or `sample` run takes: planning keeps every key in memory (about
// 100 bytes each). Larger jobs are split by seed.
constexpr long long kMaxSampleCount = 100'000'000;
// The most worker processes of `label` and `sweep` (each holds a SystemC kernel).
constexpr int kMaxJobs = 256;
// Throws UserError unless 1 <= count <= kMaxSampleCount.
void check_sample_count(long long count);

// `text` with control characters and invalid UTF-8 escaped (\n, \xHH): error and warning
// lines quote names read from user files, and must stay one readable line.
std::string one_line(const std::string& text);

struct RunOptions {
  std::string hw = "npu-pf32";
  ModelSource source;
  std::string precision;
  long long batch = 1;
  std::string format = "table";
  std::string output;
};

// --hw, the model options, --precision, --batch, --format and -o.
void add_run_options(CLI::App& cmd, RunOptions& o);
sim::PlanOptions plan_options(const RunOptions& o);
// The parts of add_run_options, for commands that take these options in another form.
void add_hw_option(CLI::App& cmd, std::string& hw);
void add_report_options(CLI::App& cmd, std::string& format, std::string& output);  // --format, -o
// A --precision value; UserError naming the option otherwise.
Precision parse_precision_option(const std::string& text);

// stdout, or the file named by -o (or --trace): an OutputFile (output_file.h), so a regular file
// is replaced atomically by commit() and left untouched if the command fails first, while a
// device or FIFO is written in place.
// Flushes std::cout; throws "stdout: write failed" if any write to it failed (a full disk,
// /dev/full). main() calls it after every command, so no command exits 0 on a lost report.
void check_stdout();

class Output {
 public:
  explicit Output(const std::string& path);
  std::ostream& stream() { return file_ ? file_->stream() : std::cout; }
  void commit();  // flushes, checks the write and moves the file into place

 private:
  std::unique_ptr<OutputFile> file_;
};

}  // namespace accelnas::cli

#endif  // ACCELNAS_SIM_CLI_COMMON_H
