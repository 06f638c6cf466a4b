#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "workloads/config/error.h"
#include "workloads/config/suggest.h"

namespace {

// For a command line that names no valid subcommand where one is required ("accelnas frobnicate",
// "accelnas labels foo"): "unknown labels command 'foo'; expected one of: export, stats", said in
// place of CLI11's "A subcommand is required". Empty when the error is another one.
std::string subcommand_error(const CLI::App& app) {
  const CLI::App* at = &app;
  std::string path;  // "labels " for a nested command
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
    path += at->get_name() + " ";
  }
  if (at->get_require_subcommand_min() == 0 || !at->get_subcommands().empty()) return "";
  std::vector<std::string> names;
  for (const CLI::App* sub :
       at->get_subcommands([](const CLI::App* s) { return !s->get_disabled(); }))
    names.push_back(sub->get_name());
  const std::string expected = "expected one of: " + accelnas::join(names, ", ");
  const std::vector<std::string> rest = at->remaining();
  if (rest.empty() || rest.front().empty() || rest.front()[0] == '-')
    return "a " + path + "command is required; " + expected;
  return "unknown " + path + "command '" + rest.front() + "'" +
         accelnas::suggestion_suffix(rest.front(), names) + "; " + expected;
}

// --help and --version print to stdout as well: a lost write is an error there too.
int after_help(int code) {
  try {
    accelnas::cli::check_stdout();
  } catch (const std::exception& e) {
    std::cerr << "accelnas: error: " << e.what() << "\n";
    return 2;
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "accelnas: how fast, and in how much memory, will this network run on this chip?\n"
      "Cycle-approximate SystemC model of a parallel dot-product accelerator."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "accelnas " ACCELNAS_VERSION);
  accelnas::cli::add_simulate(app);
  accelnas::cli::add_sweep(app);
  accelnas::cli::add_list(app);
  accelnas::cli::add_info(app);
  accelnas::cli::add_transform(app);
  accelnas::cli::add_import(app);
  accelnas::cli::add_sample(app);
  accelnas::cli::add_label_commands(app);
  accelnas::cli::add_fit(app);
  accelnas::cli::add_estimate(app);
  accelnas::cli::add_validate(app);
  accelnas::cli::add_space(app);
  accelnas::cli::add_search(app);
  try {
    app.parse(argc, argv);
    accelnas::cli::check_stdout();  // every command's report, printed or not through Output
  } catch (const CLI::CallForHelp& e) {
    return after_help(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return after_help(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return after_help(app.exit(e));
  } catch (const CLI::ParseError& e) {
    // Command-line mistakes get the same one-line form as every other user error.
    const std::string sub = subcommand_error(app);
    std::cerr << "accelnas: error: " << accelnas::cli::one_line(sub.empty() ? e.what() : sub)
              << " (see --help)\n";
    return 2;
  } catch (const accelnas::cli::ExitStatus& e) {
    return e.code;
  } catch (const std::exception& e) {  // UserError, and anything a library throws at us
    std::cerr << "accelnas: error: " << accelnas::cli::one_line(e.what()) << "\n";
    return 2;
  }
  return 0;
}
