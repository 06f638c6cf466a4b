#include "calibration/labels/adaptive.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "calibration/estimator/unit_summary.h"
#include "sim/report.h"
#include "workloads/config/error.h"

namespace accelnas::cal {
namespace {

using i64 = std::int64_t;

std::string range(i64 own, i64 step, i64 lo) {
  return "{min: " + std::to_string(std::max(lo, own - step)) +
         ", max: " + std::to_string(std::max(lo, own + step)) + "}";
}

std::string probability(bool flag) {
  return flag ? "1" : "0";
}

// The block's expansion as the sampler draws it: hidden width over input width. The hidden
// tensor is the depthwise conv's (IBN) or the first conv's output (fused IBN). (The summary's
// `expansion` is the widest conv over the input, which for an expansion-1 block is the project.)
i64 block_expansion(const UnitDesc& d, i64 in_c) {
  i64 hidden = in_c;
  for (const LayerDesc& l : d.layers) {
    if (l.op != wl::OpKind::Conv2d) continue;
    const bool depthwise = l.groups > 1 && l.groups == l.out_channels;
    if (d.type == UnitType::FusedIbn || depthwise) {
      hidden = l.out_channels;
      break;
    }
  }
  return std::clamp<i64>(in_c > 0 ? (hidden + in_c / 2) / in_c : 1, 1, 32);
}

// One unit kind whose draws are neighbours of `d`.
std::string unit_kind(const UnitDesc& d, const hw::HwSpec& hw, const AdaptiveOptions& opt) {
  const UnitSummary s = summarize(d);
  std::ostringstream y;
  y << "  - type: " << unit_type_name(s.type) << "\n";
  y << "    resolution: " << range(s.in_h, opt.resolution_step, 1) << "\n";
  y << "    in_channels: " << range(s.in_c, opt.channel_step, 1) << "\n";
  y << "    out_channels: " << range(s.out_c, opt.channel_step, 1) << "\n";
  y << "    keep_channels: " << (s.in_c == s.out_c ? "1" : "0") << "\n";
  y << "    channel_alignment: {aligned: 0, near: 0}\n";  // uniform over the neighbourhood
  if (s.kernel > 0) y << "    kernel: [" << s.kernel << "]\n";
  // The sampler's stride applies to one window layer; the unit's downsampling is that stride.
  y << "    stride: [" << std::max<i64>(1, s.stride) << "]\n";
  if (s.type == UnitType::Ibn || s.type == UnitType::FusedIbn) {
    y << "    expansion: [" << block_expansion(d, s.in_c) << "]\n";
    y << "    se: {probability: " << probability(s.has_se) << "}\n";
  }
  if (s.type == UnitType::Vector) y << "    ops: [" << wl::op_name(d.layers.front().op) << "]\n";
  if (s.type == UnitType::Conv) {
    y << "    fully_connected: " << probability(d.layers.front().op == wl::OpKind::FullyConnected)
      << "\n";
  }
  y << "    precision: [" << precision_name(s.precision) << "]\n";
  y << "    batch: [" << s.batch << "]\n";
  const double reserved = hw.sram_activation_bytes > 0
                              ? static_cast<double>(s.max_other_reserved_bytes) /
                                    static_cast<double>(hw.sram_activation_bytes)
                              : 0.0;
  y << "    context: {input_on_chip: " << probability(s.input_on_chip)
    << ", output_on_chip: " << probability(s.output_on_chip)
    << ", reserved_fraction: {min: " << sim::fixed(std::max(0.0, reserved - 0.05), 4)
    << ", max: " << sim::fixed(std::min(1.0, reserved + 0.05), 4)
    << "}, prefetched: " << probability(s.prefetched_weight_bytes > 0) << "}\n";
  return y.str();
}

}  // namespace

std::string adaptive_space(const LabelDb& db, const Estimator& est, const AdaptiveOptions& opt,
                           AdaptiveReport* report) {
  if (opt.worst == 0) throw UserError("--worst: must be at least 1");
  struct Scored {
    double error;
    std::string key, type, text;
  };
  std::vector<Scored> all;
  double sum_abs = 0;
  db.for_each([&](const LabelRow& r) {
    if (r.status != "ok" || r.hw_hash != est.hw_hash() || r.stats.cycles <= 0) return;
    const UnitDesc d = parse_unit_text(r.unit_text, db.path() + ": label " + r.key.substr(0, 12));
    const double sim = static_cast<double>(r.stats.cycles);
    const double err = (est.predict_unit(d) - sim) / sim;
    sum_abs += std::fabs(err);
    all.push_back({err, r.key, r.unit_type, r.unit_text});
  });
  if (all.empty()) {
    throw UserError(db.path() + ": no simulated labels for the estimator's hardware (" +
                    est.hw_hash().substr(0, 12) + ")");
  }
  // Worst first; ties by key, so the choice does not depend on the database's row order.
  std::sort(all.begin(), all.end(), [](const Scored& a, const Scored& b) {
    const double ea = std::fabs(a.error), eb = std::fabs(b.error);
    return ea != eb ? ea > eb : a.key < b.key;
  });
  AdaptiveReport rep;
  rep.scored = all.size();
  rep.mean_abs_error = sum_abs / static_cast<double>(all.size());
  rep.max_abs_error = std::fabs(all.front().error);
  std::ostringstream y;
  y << "name: adaptive\n";
  y << "description: \"neighbourhoods of the " << opt.worst
    << " units the estimator gets most wrong\"\n";
  y << "units:\n";
  for (const Scored& s : all) {
    if (rep.chosen.size() >= opt.worst || std::fabs(s.error) <= opt.min_error) break;
    y << unit_kind(parse_unit_text(s.text, db.path()), est.hw(), opt);
    rep.chosen.push_back({s.key, s.type, s.error});
  }
  if (report) *report = rep;
  return rep.chosen.empty() ? std::string() : y.str();
}

}  // namespace accelnas::cal
