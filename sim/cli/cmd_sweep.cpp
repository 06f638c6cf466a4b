#include <unistd.h>

#include <iostream>
#include <memory>

#include "commands.h"
#include "common.h"
#include "error.h"
#include "loader.h"
#include "sweep.h"

namespace accelnas::cli {

void add_sweep(CLI::App& app) {
  struct Opts {
    RunOptions run;
    std::vector<std::string> sets;
    int jobs = 1;
    bool quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Simulate one network over the cartesian product of hardware parameter values, "
      "one row per configuration");
  add_run_options(*cmd, o->run);
  cmd->add_option("--set", o->sets,
                  "KEY=V1,V2,... a hardware key and its values; repeat for more axes "
                  "(e.g. --set compute.parallelism_factor=8,16,32,64)")
      ->required();
  cmd->add_option("-j,--jobs", o->jobs, "Worker processes (one SystemC kernel each)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd->add_flag("-q,--quiet", o->quiet, "No progress on stderr");
  cmd->callback([o]() {
    const sim::PlanOptions opt = plan_options(o->run);
    const sim::Format format = sim::parse_format(o->run.format);
    std::vector<sim::SweepAxis> axes;
    for (const auto& s : o->sets) {
      axes.push_back(sim::parse_axis(s));
      for (std::size_t k = 0; k + 1 < axes.size(); ++k) {
        if (axes[k].key == axes.back().key) {
          throw UserError("--set " + axes.back().key +
                          ": given twice; list every value in one --set");
        }
      }
    }
    const wl::Network net = load_model(o->run.source);
    Output out(o->run.output);
    std::vector<sim::SweepPoint> points = sim::expand(axes);
    const bool show = !o->quiet;
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    sim::run_sweep(
        o->run.hw, net, opt, points, o->jobs, [show, tty](std::size_t done, std::size_t total) {
          if (!show) return;
          // A terminal gets one updating line; a log gets one line per configuration.
          std::cerr << (tty ? "\r" : "") << "sweep: " << done << "/" << total << " configurations"
                    << (!tty || done == total ? "\n" : "") << std::flush;
        });
    sim::write_table(out.stream(), format, sim::sweep_table(axes, points));
    out.commit();
  });
}

}  // namespace accelnas::cli
