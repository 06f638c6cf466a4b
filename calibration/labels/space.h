// Sampling spaces: the distributions the sampler draws estimator units from (docs/ESTIMATOR.md,
// "Sampling spaces"). A space is a YAML file or an embedded preset (calibration/spaces/*.yaml).
//
// Contract: a Space returned by parse_space / load_space is valid: every range is non-empty,
// every size positive, every probability in [0, 1], every choice list non-empty, and at least
// one unit kind has a positive weight. Anything else is a UserError "file:line: path: reason".
#ifndef ACCELNAS_CALIBRATION_LABELS_SPACE_H
#define ACCELNAS_CALIBRATION_LABELS_SPACE_H

#include <cstdint>
#include <string>
#include <vector>

#include "calibration/estimator/unit.h"
#include "workloads/config/node.h"
#include "workloads/network.h"
#include "workloads/precision.h"

namespace accelnas::cal {

// An integer drawn uniformly from [min, max] (inclusive), or uniformly from a list of choices.
struct IntDist {
  std::vector<std::int64_t> choices;  // non-empty: draw from these
  std::int64_t min = 0, max = 0;      // used when `choices` is empty
  static IntDist value(std::int64_t v) { return IntDist{{v}, v, v}; }
  static IntDist range(std::int64_t lo, std::int64_t hi) { return IntDist{{}, lo, hi}; }
};

// A real drawn uniformly from [min, max], or uniformly from a list of choices.
struct RealDist {
  std::vector<double> choices;
  double min = 0, max = 0;
  static RealDist value(double v) { return RealDist{{v}, v, v}; }
  static RealDist range(double lo, double hi) { return RealDist{{}, lo, hi}; }
};

// How channel counts drawn from a range straddle multiples of `multiple` (the parallelism factor
// by default), so the estimator sees both sides of the PF staircase. A channel draw is a multiple
// with probability `aligned`, a multiple +-1..jitter with probability `near`, and uniform over
// the range otherwise. Channel lists are taken as they are.
struct ChannelAlignment {
  double aligned = 0.5;
  double near = 0.25;
  std::int64_t jitter = 4;
  std::int64_t multiple = 0;  // 0: the hardware's parallelism factor
};

// Squeeze-excite inside an IBN or fused IBN: present with `probability`, squeezing the block's
// input channels by `ratio` (as the zoo's MnasNet / EfficientNet blocks do). A standalone `se`
// unit squeezes its input by `ratio` and ignores `probability`.
struct SeDist {
  double probability = 0;
  RealDist ratio = RealDist::value(0.25);
};

// An op fused into a conv unit's conv (rules F1, F2, docs/HARDWARE_MODEL.md): with
// `probability`, the conv's output feeds one op drawn from `ops` (add or mul with a second input
// of the conv's output shape, or a pool), which the planner fuses into the conv's job when the
// hardware fuses that kind (fusion.eltwise, fusion.pooling). Only drawn when probability > 0, so
// a space without it samples what it sampled before.
struct FusedDist {
  double probability = 0;
  std::vector<wl::OpKind> ops = {wl::OpKind::Add, wl::OpKind::MaxPool, wl::OpKind::GlobalAvgPool};
};

// The context a unit has in a bigger network, applied through sim::PlanOptions.
struct ContextDist {
  double input_on_chip = 0;                         // probability the inputs start on chip
  double output_on_chip = 0;                        // probability the output is kept on chip
  RealDist reserved_fraction = RealDist::value(0);  // of the activation SRAM, held by others
  // Probability that the layer before the unit prefetched the first layer's weights (C4); then
  // half the time all of them, otherwise up to a uniform fraction of the weight SRAM.
  double prefetched = 0.5;
};

// Everything drawn for a unit. The space's top level gives the defaults; each unit kind may
// override any of them.
struct UnitParams {
  IntDist resolution = IntDist::range(7, 112);  // input height = width
  IntDist in_channels = IntDist::range(8, 256);
  IntDist out_channels = IntDist::range(8, 256);
  double keep_channels = 0.25;  // probability out_channels = in_channels (residual blocks)
  ChannelAlignment channel_alignment;
  IntDist kernel = IntDist::value(3);
  IntDist stride = IntDist::value(1);
  IntDist expansion = IntDist::value(6);
  SeDist se;
  std::vector<Precision> precision = {Precision::Int8};
  IntDist batch = IntDist::value(1);
  ContextDist context;
  // vector units: the ops to draw from
  std::vector<wl::OpKind> ops = {wl::OpKind::Add, wl::OpKind::Mul, wl::OpKind::AvgPool,
                                 wl::OpKind::MaxPool, wl::OpKind::GlobalAvgPool};
  double fully_connected = 0;  // conv units: probability of a fully_connected on a 1x1 input
  FusedDist fused;             // conv units: an op fused into the conv
  // Largest activation tensor a unit may have (elements, batch included; 0: no limit). A draw
  // over it is redrawn, so resolution and channels are drawn jointly the way real networks
  // trade them (wide layers at low resolution), instead of 320 channels x6 at 224x224.
  std::int64_t max_tensor_elements = 0;
};

struct UnitKind {
  UnitType type = UnitType::Conv;
  double weight = 1;  // relative
  UnitParams params;
};

struct Space {
  std::string name;
  std::string source;  // preset name or file path
  std::vector<UnitKind> units;
};

// Parsing helpers shared with the network space (net_space.h). Each throws a located UserError
// ("file:line: path: reason") for a wrong type, a value outside [lo, hi], an empty list or an
// empty range. A distribution is a scalar, a list of choices or {min, max}.
namespace space_yaml {
std::string int_text(std::int64_t v);
std::string real_text(double v);
std::int64_t int_in(const cfg::Node& n, std::int64_t lo, std::int64_t hi);
double real_in(const cfg::Node& n, double lo, double hi);
double probability(const cfg::Node& n);
IntDist int_dist(const cfg::Node& n, std::int64_t lo, std::int64_t hi);
RealDist real_dist(const cfg::Node& n, double lo, double hi);
std::vector<Precision> precisions(const cfg::Node& n);  // a name or a list of names
}  // namespace space_yaml

// Parses a space document; `source_name` names it in errors (a path, or "space:<preset>").
Space parse_space_string(const std::string& yaml, const std::string& source_name);

// A preset name (see space_presets()) or a YAML file path.
Space load_space(const std::string& name_or_path);

struct SpacePreset {
  std::string name;
  std::string description;  // the preset's one-line `description`
  std::string yaml;         // embedded at build time from calibration/spaces/*.yaml
};
const std::vector<SpacePreset>& space_presets();
std::vector<std::string> space_names();

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABELS_SPACE_H
