#include <cstdint>
#include <memory>
#include <string>

#include "calibration/labels/sampler.h"
#include "calibration/labels/space.h"
#include "hw_models/hw_spec.h"
#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "workloads/config/error.h"

namespace accelnas::cli {

void add_sample(CLI::App& app) {
  struct Opts {
    std::string hw = hw::kDefaultPreset;
    std::string space;
    long long count = 0;
    std::uint64_t seed = 1;
    std::string output;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "sample",
      "Sample estimator units (conv, vector, ibn, fused_ibn, se) from a sampling space, each in a "
      "context drawn from the space and settled by the planner; prints one canonical unit "
      "description (JSON) per line. The same hardware, space and seed give the same units.");
  cmd->add_option("--hw", o->hw, "Hardware preset name or YAML file (see `accelnas list presets`)")
      ->capture_default_str();
  cmd->add_option("--space", o->space,
                  "Sampling space: a preset name (see `accelnas list spaces`) or a YAML file")
      ->required();
  add_integer_option(*cmd, "--count", o->count, "Number of units to sample", 1, kMaxSampleCount)
      ->required();
  add_seed_option(*cmd, o->seed, "Seed: unit i depends only on (hw, space, seed, i)");
  cmd->add_option("-o,--output", o->output, "Write the units to this file instead of stdout");
  cmd->callback([o]() {
    check_sample_count(o->count);
    const hw::HwSpec hw = hw::load_hw(o->hw);
    const cal::Sampler sampler(cal::load_space(o->space), hw, o->seed);
    Output out(o->output);
    for (long long i = 0; i < o->count; ++i) {
      out.stream() << cal::canonical_text(sampler.sample(static_cast<std::uint64_t>(i))) << '\n';
    }
    out.commit();
  });
}

}  // namespace accelnas::cli
