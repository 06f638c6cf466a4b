#include <fstream>
#include <memory>

#include "hw_models/hw_spec.h"
#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "sim/simulate.h"
#include "workloads/config/error.h"
#include "workloads/loader.h"

namespace accelnas::cli {

void add_simulate(CLI::App& app) {
  struct Opts {
    RunOptions run;
    std::string trace;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "Simulate one network on one hardware description: per-layer and total latency, "
      "utilisation, DRAM traffic, SRAM peak and energy");
  add_run_options(*cmd, o->run);
  cmd->add_option("--trace", o->trace,
                  "Write a Chrome/Perfetto trace-event JSON: every block's busy intervals, and a "
                  "'layers' track with one span per layer");
  cmd->callback([o]() {
    const sim::PlanOptions opt = plan_options(o->run);
    const sim::Format format = sim::parse_format(o->run.format);
    const hw::HwSpec hw = hw::load_hw(o->run.hw);
    const wl::Network net = load_model(o->run.source);
    Output out(o->run.output);
    std::unique_ptr<Output> trace_out;
    if (!o->trace.empty()) trace_out = std::make_unique<Output>(o->trace);
    hw::TraceLog trace;
    const sim::SimResult r = sim::simulate_network(net, hw, opt, trace_out ? &trace : nullptr);
    if (trace_out) {
      sim::write_trace_json(trace_out->stream(), trace, r.layers, hw);
      trace_out->commit();
    }
    sim::write_result(out.stream(), format, r, hw);
    out.commit();
  });
}

}  // namespace accelnas::cli
