#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "commands.h"
#include "common.h"
#include "error.h"

int main(int argc, char** argv) {
  CLI::App app{
      "accelnas: how fast, and in how much memory, will this network run on this chip?\n"
      "Cycle-approximate SystemC model of a parallel dot-product accelerator."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "accelnas 0.1.0");
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Command-line mistakes get the same one-line form as every other user error.
    std::cerr << "accelnas: error: " << accelnas::cli::one_line(e.what()) << " (see --help)\n";
    return 2;
  } catch (const accelnas::cli::ExitStatus& e) {
    return e.code;
  } catch (const std::exception& e) {  // UserError, and anything a library throws at us
    std::cerr << "accelnas: error: " << accelnas::cli::one_line(e.what()) << "\n";
    return 2;
  }
  return 0;
}
