// `accelnas transform`: applies graph transforms (workloads/transforms/) to a network and writes
// the result as network YAML. The transforms run in this fixed order, whatever the order of the
// options: --resolution, --unfuse, --fuse, --dw-to-conv, --expansion, --kernel,
// --depth-multiplier, --align-channels, --precision. Structure comes first (unfusing before
// fusing, so "--unfuse all --fuse 0-3" leaves exactly blocks 0-3 fused), then per-block shapes,
// then the global width changes, so the final channel counts are the aligned ones.
#include <cstdio>
#include <iostream>
#include <memory>

#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "workloads/analysis/memory.h"
#include "workloads/config/error.h"
#include "workloads/config/suggest.h"
#include "workloads/config/units.h"
#include "workloads/loader.h"
#include "workloads/transforms/channels.h"
#include "workloads/transforms/ibn.h"
#include "workloads/transforms/layers.h"

namespace accelnas::cli {
namespace {

struct Opts {
  ModelSource source;
  std::string output;
  double depth_multiplier = 1.0, expansion = 1.0;
  long long align = 1, align_channels = 1;
  std::string align_mode = "up";
  std::string fuse, unfuse, dw_to_conv, resolution, precision;
  std::string layers = "all", blocks = "all";
  int kernel = 3;
};

struct Flags {
  CLI::Option *depth_multiplier, *align, *align_channels, *align_mode, *fuse, *unfuse, *dw_to_conv,
      *resolution, *precision, *layers, *kernel, *expansion, *blocks;
};

bool given(const CLI::Option* o) {
  return o->count() > 0;
}

std::pair<std::int64_t, std::int64_t> parse_resolution(const std::string& text) {
  const auto x = text.find_first_of("xX");
  try {
    if (x == std::string::npos) {
      const std::int64_t n = units::parse_integer(text);
      return {n, n};
    }
    return {units::parse_integer(text.substr(0, x)), units::parse_integer(text.substr(x + 1))};
  } catch (const std::exception&) {
    throw UserError("--resolution: expected HxW or N (e.g. 160x160), got '" + text + "'");
  }
}

std::string count(std::int64_t v) {
  if (v < 1000000) return std::to_string(v);
  return sim::fixed(static_cast<double>(v) / 1e6, 2) + "M";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Runs one step, prefixing its errors with the option that asked for it.
template <class F>
void step(wl::Network& net, const std::string& option, std::vector<std::string>& applied, F&& f) {
  try {
    net = f(net);
  } catch (const UserError& e) {
    throw UserError(option + ": " + e.what());
  }
  applied.push_back(option);
}

void check_dependencies(const Flags& f) {
  if (given(f.align) && !given(f.depth_multiplier) && !given(f.expansion)) {
    throw UserError(
        "--align applies to --depth-multiplier and --expansion; use --align-channels to align "
        "the channels of a network as it is");
  }
  if (given(f.align_mode) && !given(f.align_channels)) {
    throw UserError("--align-mode applies to --align-channels only");
  }
  if (given(f.layers) && !given(f.precision)) throw UserError("--layers applies to --precision");
  if (given(f.blocks) && !given(f.kernel) && !given(f.expansion)) {
    throw UserError("--blocks applies to --kernel and --expansion");
  }
}

// Validates the options, then transforms `net`.
wl::Network run(const Opts& o, const Flags& f, wl::Network net, std::vector<std::string>& applied) {
  wl::AlignMode mode = wl::AlignMode::Up;
  if (!wl::parse_align_mode(o.align_mode, mode)) {
    throw UserError("--align-mode: expected up or nearest, got '" + o.align_mode + "'");
  }
  Precision precision = Precision::Int8;
  if (given(f.precision) && !parse_precision(o.precision, precision)) {
    throw UserError("--precision: expected int8, int16, fp16 or bf16, got '" + o.precision + "'");
  }
  std::pair<std::int64_t, std::int64_t> res{0, 0};
  if (given(f.resolution)) res = parse_resolution(o.resolution);

  if (given(f.resolution)) {
    step(net, "--resolution " + o.resolution, applied,
         [&](const wl::Network& n) { return wl::set_resolution(n, res.first, res.second); });
  }
  if (given(f.unfuse)) {
    step(net, "--unfuse " + o.unfuse, applied,
         [&](const wl::Network& n) { return wl::unfuse(n, o.unfuse); });
  }
  if (given(f.fuse)) {
    std::vector<std::string> skipped;
    step(net, "--fuse " + o.fuse, applied,
         [&](const wl::Network& n) { return wl::fuse_ibn(n, o.fuse, &skipped); });
    if (!skipped.empty()) applied.back() += " [not fused: " + join(skipped, "; ") + "]";
  }
  if (given(f.dw_to_conv)) {
    step(net, "--dw-to-conv " + o.dw_to_conv, applied,
         [&](const wl::Network& n) { return wl::dw_to_conv(n, o.dw_to_conv); });
  }
  if (given(f.expansion)) {
    step(net, "--expansion " + number(o.expansion), applied, [&](const wl::Network& n) {
      return wl::set_expansion(n, o.blocks, o.expansion, o.align);
    });
  }
  if (given(f.kernel)) {
    step(net, "--kernel " + std::to_string(o.kernel), applied,
         [&](const wl::Network& n) { return wl::set_kernel(n, o.blocks, o.kernel); });
  }
  if (given(f.depth_multiplier)) {
    step(
        net, "--depth-multiplier " + number(o.depth_multiplier), applied,
        [&](const wl::Network& n) { return wl::depth_multiplier(n, o.depth_multiplier, o.align); });
  }
  if (given(f.align_channels)) {
    step(net, "--align-channels " + std::to_string(o.align_channels), applied,
         [&](const wl::Network& n) { return wl::align_channels(n, o.align_channels, mode); });
  }
  if (given(f.precision)) {
    step(net, "--precision " + o.precision, applied,
         [&](const wl::Network& n) { return wl::set_precision(n, o.layers, precision); });
  }
  return net;
}

}  // namespace

void add_transform(CLI::App& app) {
  auto o = std::make_shared<Opts>();
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "transform",
      "Apply graph transforms (fusion, depthwise to full conv, width, alignment, kernel, "
      "expansion, resolution, precision) and write the network as YAML. Order: --resolution, "
      "--unfuse, --fuse, --dw-to-conv, --expansion, --kernel, --depth-multiplier, "
      "--align-channels, --precision");
  add_model_options(*cmd, o->source);
  cmd->add_option("-o,--output", o->output, "Write the YAML to this file instead of stdout");
  f->resolution = cmd->add_option("--resolution", o->resolution,
                                  "Input size HxW (or N for NxN); resize layers scale along");
  f->unfuse = cmd->add_option("--unfuse", o->unfuse,
                              "Fused IBN blocks to split into 1x1 expand + KxK depthwise: ids "
                              "(ibn3), 0-based indices or ranges over the IBN blocks (0-3,5), all");
  f->fuse = cmd->add_option("--fuse", o->fuse,
                            "IBN blocks whose 1x1 expand + KxK depthwise become one KxK conv "
                            "(ids, indices, ranges, all)");
  f->dw_to_conv = cmd->add_option("--dw-to-conv", o->dw_to_conv,
                                  "Depthwise convs to make full convs: all, or layer names and "
                                  "block ids, comma-separated");
  f->expansion = cmd->add_option("--expansion", o->expansion,
                                 "Expansion ratio of the --blocks (expanded = in_channels * E)");
  f->kernel = add_integer_option(*cmd, "--kernel", o->kernel,
                                 "Depthwise (or fused KxK) kernel size of the --blocks", 1);
  f->blocks = cmd->add_option("--blocks", o->blocks,
                              "IBN blocks for --kernel and --expansion (default all)");
  f->depth_multiplier = cmd->add_option("--depth-multiplier", o->depth_multiplier,
                                        "Scale every channel count (outputs keep theirs)");
  f->align = add_integer_option(*cmd, "--align", o->align,
                                "Round channels of --depth-multiplier and --expansion to "
                                "multiples of this (e.g. the parallelism factor)",
                                1);
  f->align_channels = add_integer_option(*cmd, "--align-channels", o->align_channels,
                                         "Round every channel count to a multiple of this", 1);
  f->align_mode = cmd->add_option("--align-mode", o->align_mode,
                                  "Rounding of --align-channels: up or nearest (default up)");
  f->precision = cmd->add_option("--precision", o->precision,
                                 "Set the precision (int8, int16, fp16, bf16) of the --layers");
  f->layers = cmd->add_option("--layers", o->layers,
                              "Layers for --precision: all (default), or names and block ids");
  cmd->callback([o, f]() {
    check_dependencies(*f);
    Output out(o->output);
    std::vector<std::string> applied;
    const wl::Network before = load_model(o->source);
    const wl::Network net = run(*o, *f, before, applied);
    out.stream() << wl::to_yaml(net);
    out.commit();
    std::cerr << "transform: " << net.name << ": MACs " << count(wl::total_macs(before)) << " -> "
              << count(wl::total_macs(net)) << ", params " << count(wl::total_params(before))
              << " -> " << count(wl::total_params(net)) << ", peak activation "
              << wl::peak_activation_bytes(before) << " -> " << wl::peak_activation_bytes(net)
              << " B (" << (applied.empty() ? std::string("no transform") : join(applied, ", "))
              << ")\n";
  });
}

}  // namespace accelnas::cli
