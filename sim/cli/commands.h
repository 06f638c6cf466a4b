// Subcommands of the `accelnas` binary. Each add_* registers its options and a callback that
// throws UserError on bad input; main() turns that into one line on stderr and exit code 2.
#ifndef ACCELNAS_SIM_CLI_COMMANDS_H
#define ACCELNAS_SIM_CLI_COMMANDS_H

#include <CLI/CLI.hpp>

namespace accelnas::cli {

void add_simulate(CLI::App& app);
void add_sweep(CLI::App& app);
void add_list(CLI::App& app);
void add_info(CLI::App& app);
void add_transform(CLI::App& app);
void add_import(CLI::App& app);
void add_sample(CLI::App& app);
void add_label_commands(CLI::App& app);    // label, labels export|stats|import
void add_labels_import(CLI::App& labels);  // labels import (cmd_labels_import.cpp)
void add_fit(CLI::App& app);
void add_estimate(CLI::App& app);
void add_validate(CLI::App& app);
void add_search(CLI::App& app);  // search, search report (cmd_search.cpp)
void add_space(CLI::App& app);   // space info|list (cmd_space.cpp)

}  // namespace accelnas::cli

#endif  // ACCELNAS_SIM_CLI_COMMANDS_H
