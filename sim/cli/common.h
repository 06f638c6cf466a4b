// Options shared by the subcommands that run a network on a hardware description.
#ifndef ACCELNAS_SIM_CLI_COMMON_H
#define ACCELNAS_SIM_CLI_COMMON_H

#include <CLI/CLI.hpp>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>

#include "planner.h"
#include "report.h"

namespace accelnas::cli {

struct RunOptions {
  std::string hw = "npu-pf32";
  std::string model;
  std::string precision;
  long long batch = 1;
  std::string format = "table";
  std::string output;
};

void add_run_options(CLI::App& cmd, RunOptions& o);
sim::PlanOptions plan_options(const RunOptions& o);

// stdout, or the file named by -o (UserError when it cannot be written).
class Output {
 public:
  explicit Output(const std::string& path);
  std::ostream& stream() { return file_ ? *file_ : std::cout; }
  void close();  // flushes and checks the write

 private:
  std::string path_;
  std::unique_ptr<std::ofstream> file_;
};

}  // namespace accelnas::cli

#endif  // ACCELNAS_SIM_CLI_COMMON_H
