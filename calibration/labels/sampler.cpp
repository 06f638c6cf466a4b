#include "calibration/labels/sampler.h"

#include <algorithm>
#include <string>

#include "workloads/config/error.h"
#include "workloads/zoo/blocks.h"
#include "workloads/zoo/builder.h"

namespace accelnas::cal {
namespace {

using i64 = std::int64_t;
using u64 = std::uint64_t;

// Redraws of one index before an invalid network is reported (each from the same stream).
constexpr int kAttempts = 8;
constexpr int kSizeAttempts = 1000;  // redraws for max_tensor_elements

// The largest activation tensor of the network (elements of one image), inputs included.
std::int64_t largest_tensor(const wl::Network& net) {
  std::int64_t most = 0;
  for (std::size_t i = 0; i < net.size(); ++i) most = std::max(most, net.layer(i).out.elements());
  return most;
}

template <typename T>
const T& pick(Rng& rng, const std::vector<T>& v) {
  return v[rng.below(v.size())];
}

i64 ceil_div(i64 a, i64 b) {
  return (a + b - 1) / b;
}

// A channel count: lists as they are; ranges straddle multiples of `m` (ChannelAlignment).
i64 draw_channels(Rng& rng, const IntDist& d, const ChannelAlignment& a, i64 m) {
  if (!d.choices.empty()) return draw(rng, d);
  const double u = rng.uniform();
  if (u < a.aligned + a.near) {
    // Multiples k*m near the range; a near value steps off one by 1..jitter.
    const bool near = u >= a.aligned;
    const i64 slack = near ? a.jitter : 0;
    const i64 k_lo = std::max<i64>(1, ceil_div(std::max<i64>(1, d.min - slack), m));
    const i64 k_hi = (d.max + slack) / m;
    if (k_lo <= k_hi) {
      const i64 base = rng.between(k_lo, k_hi) * m;
      if (!near) {
        if (base >= d.min && base <= d.max) return base;
      } else {
        const i64 step = rng.between(1, a.jitter);
        const i64 first = rng.chance(0.5) ? step : -step;
        for (i64 off : {first, -first}) {
          const i64 v = base + off;
          if (v >= d.min && v <= d.max && v % m != 0) return v;
        }
      }
    }
  }
  return rng.between(d.min, d.max);
}

class UnitBuilder {
 public:
  UnitBuilder(Rng& rng, const UnitParams& p, i64 multiple, const hw::HwSpec& hw)
      : rng_(rng), p_(p), m_(multiple), hw_(hw), b_("sample", pick(rng, p.precision)) {}

  wl::Network build(UnitType type) {
    switch (type) {
      case UnitType::Conv:
        conv();
        break;
      case UnitType::Vector:
        vector_op();
        break;
      case UnitType::Ibn:
        ibn(false);
        break;
      case UnitType::FusedIbn:
        ibn(true);
        break;
      case UnitType::Se:
        se();
        break;
    }
    return b_.build("sample");
  }

 private:
  i64 channels(const IntDist& d) { return draw_channels(rng_, d, p_.channel_alignment, m_); }
  i64 resolution() { return draw(rng_, p_.resolution); }
  int small(const IntDist& d) { return static_cast<int>(draw(rng_, d)); }
  i64 out_channels(i64 in_c) {
    const i64 out = channels(p_.out_channels);
    return rng_.chance(p_.keep_channels) ? in_c : out;
  }
  std::string input(const std::string& name, i64 h, i64 c) {
    return b_.input(name, wl::Shape{h, h, c});
  }

  void conv() {
    if (rng_.chance(p_.fully_connected)) {
      const std::string x = input("in", 1, channels(p_.in_channels));
      b_.fc("fc", x, channels(p_.out_channels), wl::bias());
      return;
    }
    const i64 r = resolution();
    const i64 in_c = channels(p_.in_channels);
    const int k = small(p_.kernel), s = small(p_.stride);
    const std::string x = input("in", r, in_c);
    // F1, F2: an op the planner fuses into the conv (drawn only when the space asks for it).
    const bool fuse = p_.fused.probability > 0 && rng_.chance(p_.fused.probability);
    wl::OpKind op = fuse ? pick(rng_, p_.fused.ops) : wl::OpKind::Input;
    // On hardware that does not fuse this kind the op would be a unit of its own: left out.
    const bool eltwise_op = op == wl::OpKind::Add || op == wl::OpKind::Mul;
    if (fuse && !(eltwise_op ? hw_.fusion_eltwise : hw_.fusion_pooling)) op = wl::OpKind::Input;
    const i64 out_c = out_channels(in_c);
    const i64 out_r = (r + s - 1) / s;  // SAME padding
    // An add / mul's second operand is an input: produced before the conv, as F1 requires.
    const bool eltwise = op == wl::OpKind::Add || op == wl::OpKind::Mul;
    const std::string other = eltwise ? input("in2", out_r, out_c) : std::string();
    const std::string y = b_.conv("conv", x, out_c, k, s, wl::bn(wl::Activation::Relu6));
    switch (op) {
      case wl::OpKind::Add:
        b_.add("add", y, other);
        break;
      case wl::OpKind::Mul:
        b_.mul("mul", y, other);
        break;
      case wl::OpKind::AvgPool:
        b_.avgpool("pool", y, small(p_.kernel), small(p_.stride));
        break;
      case wl::OpKind::MaxPool:
        b_.maxpool("pool", y, small(p_.kernel), small(p_.stride));
        break;
      case wl::OpKind::GlobalAvgPool:
        b_.global_avgpool("pool", y);
        break;
      default:
        break;
    }
  }

  void vector_op() {
    const wl::OpKind op = pick(rng_, p_.ops);
    const i64 r = resolution();
    const i64 c = channels(p_.in_channels);
    const std::string x = input("in", r, c);
    switch (op) {
      case wl::OpKind::Add:
        b_.add("add", x, input("in2", r, c));
        break;
      case wl::OpKind::Mul:
        b_.mul("mul", x, input("in2", r, c));
        break;
      case wl::OpKind::AvgPool:
        b_.avgpool("pool", x, small(p_.kernel), small(p_.stride));
        break;
      case wl::OpKind::MaxPool:
        b_.maxpool("pool", x, small(p_.kernel), small(p_.stride));
        break;
      case wl::OpKind::GlobalAvgPool:
        b_.global_avgpool("pool", x);
        break;
      case wl::OpKind::Concat:
        b_.concat("concat", {x, input("in2", r, channels(p_.out_channels))});
        break;
      case wl::OpKind::ChannelSlice: {
        // The unit depends on the width only (rule M2), so the range starts at channel 0.
        b_.channel_slice("slice", x, 0, std::min(c, channels(p_.out_channels)));
        break;
      }
      case wl::OpKind::Resize: {
        const auto mode = rng_.chance(0.5) ? wl::ResizeMode::Bilinear : wl::ResizeMode::Nearest;
        b_.resize("up", x, 2 * r, 2 * r, mode);
        break;
      }
      default:
        ACCELNAS_PANIC("sampler: not a vector op");
    }
  }

  i64 squeeze(i64 c) {
    const double ratio = draw(rng_, p_.se.ratio);
    return std::max<i64>(1, static_cast<i64>(static_cast<double>(c) * ratio));
  }

  // As zoo::add_stages builds a block: expanded = in * expansion (no expand conv at 1 unless
  // fused), squeeze-excite on the block input's channels, residual add when the shape is kept.
  void ibn(bool fused) {
    const i64 r = resolution();
    const i64 in_c = channels(p_.in_channels);
    const std::string x = input("in", r, in_c);
    wl::zoo::IbnSpec s;
    s.kernel = small(p_.kernel);
    s.stride = small(p_.stride);
    s.expanded = in_c * draw(rng_, p_.expansion);
    s.out = out_channels(in_c);
    s.fused = fused;
    if (rng_.chance(p_.se.probability)) s.se.reduced = squeeze(in_c);
    wl::zoo::inverted_bottleneck(b_, "ibn1", x, s);
  }

  // A squeeze-excite block of its own, as inside the zoo's IBNs but with block type "se".
  void se() {
    const i64 r = resolution();
    const i64 c = channels(p_.in_channels);
    const std::string x = input("in", r, c);
    b_.begin_block("se1", "se");
    const std::string pool = b_.role("se_pool").global_avgpool("se1_pool", x);
    const std::string reduce =
        b_.role("se_reduce").fc("se1_reduce", pool, squeeze(c), wl::bias(wl::Activation::Relu));
    const std::string expand =
        b_.role("se_expand").fc("se1_expand", reduce, c, wl::bias(wl::Activation::Sigmoid));
    b_.role("se_scale").mul("se1_scale", x, expand);
    b_.end_block();
  }

  Rng& rng_;
  const UnitParams& p_;
  i64 m_;
  const hw::HwSpec& hw_;
  wl::NetworkBuilder b_;
};

sim::PlanOptions draw_context(Rng& rng, const UnitParams& p, const hw::HwSpec& hw) {
  sim::PlanOptions opt;
  opt.batch = draw(rng, p.batch);
  const double fraction = draw(rng, p.context.reserved_fraction);
  opt.reserved_activation_bytes =
      static_cast<i64>(fraction * static_cast<double>(hw.sram_activation_bytes));
  opt.inputs_on_chip = rng.chance(p.context.input_on_chip);
  opt.outputs_on_chip = rng.chance(p.context.output_on_chip);
  if (rng.chance(p.context.prefetched)) {
    const double share = rng.chance(0.5) ? 1.0 : rng.uniform();
    opt.first_prefetch_budget_bytes =
        static_cast<i64>(share * static_cast<double>(hw.sram_weight_bytes));
  }
  return opt;
}

}  // namespace

i64 draw(Rng& rng, const IntDist& d) {
  if (!d.choices.empty()) return d.choices[rng.below(d.choices.size())];
  return rng.between(d.min, d.max);
}

double draw(Rng& rng, const RealDist& d) {
  if (!d.choices.empty()) return d.choices[rng.below(d.choices.size())];
  return d.min + (d.max - d.min) * rng.uniform();
}

Sampler::Sampler(Space space, hw::HwSpec hw, u64 seed)
    : space_(std::move(space)), hw_(std::move(hw)), seed_(seed) {
  if (space_.units.empty()) throw UserError("sampling space '" + space_.name + "': no unit kinds");
  for (const UnitKind& k : space_.units) total_weight_ += k.weight;
  if (!(total_weight_ > 0)) {
    throw UserError("sampling space '" + space_.name + "': every unit kind has weight 0");
  }
  if (hw_.parallelism_factor < 1) throw UserError("sampler: parallelism factor below 1");
}

UnitDesc Sampler::sample(u64 index) const {
  Rng rng(seed_, index);
  int invalid = 0;         // draws that were not a valid network
  i64 oversize_limit = 0;  // the last max_tensor_elements a draw exceeded
  for (int attempt = 0;; ++attempt) {
    if (attempt >= kSizeAttempts) {
      throw UserError("sampling space '" + space_.name + "': sample " + std::to_string(index) +
                      ": no unit within max_tensor_elements " + std::to_string(oversize_limit) +
                      " in " + std::to_string(kSizeAttempts) +
                      " draws; raise it or narrow the ranges");
    }
    // The unit kind, by weight.
    const double target = rng.uniform() * total_weight_;
    const UnitKind* kind = nullptr;
    double acc = 0;
    for (const UnitKind& k : space_.units) {
      acc += k.weight;
      if (k.weight > 0) kind = &k;  // the last positive kind absorbs rounding at the top
      if (target < acc && k.weight > 0) break;
    }
    const UnitParams& p = kind->params;
    const i64 multiple =
        p.channel_alignment.multiple > 0 ? p.channel_alignment.multiple : hw_.parallelism_factor;
    try {
      UnitBuilder builder(rng, p, multiple, hw_);
      const wl::Network net = builder.build(kind->type);
      const sim::PlanOptions opt = draw_context(rng, p, hw_);
      if (p.max_tensor_elements > 0 && largest_tensor(net) * opt.batch > p.max_tensor_elements) {
        oversize_limit = p.max_tensor_elements;
        continue;
      }
      std::vector<Unit> units = decompose(net, hw_, opt);
      // A conv drawn with a fused op whose fusion does not pay in its context (F4) stays a conv
      // unit of its own, followed by the op's vector unit: the conv is the sample.
      const bool unfused_conv = kind->type == UnitType::Conv && units.size() == 2 &&
                                units[1].desc.type == UnitType::Vector;
      ACCELNAS_CHECK((units.size() == 1 || unfused_conv) && units[0].desc.type == kind->type,
                     "sampler: a sampled " + std::string(unit_type_name(kind->type)) +
                         " did not decompose into one unit of its type");
      return std::move(units[0].desc);
    } catch (const UserError& e) {
      if (++invalid >= kAttempts) {
        throw UserError("sampling space '" + space_.name + "': sample " + std::to_string(index) +
                        ": no valid unit in " + std::to_string(kAttempts) +
                        " draws; last: " + e.what());
      }
    }
  }
}

}  // namespace accelnas::cal
