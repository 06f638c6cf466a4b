// depth_multiplier and align_channels (rules in channels.h).
#include "workloads/transforms/channels.h"

#include <cmath>
#include <cstdio>
#include <numeric>

#include "workloads/config/error.h"
#include "workloads/transforms/channel_classes.h"

namespace accelnas::wl {
namespace {

void check_align(const std::string& context, std::int64_t align) {
  if (align < 1 || align > 65536) {
    throw UserError(context + ": align must be an integer in [1, 65536], got " +
                    std::to_string(align));
  }
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

bool parse_align_mode(const std::string& text, AlignMode& out) {
  if (text == "up") {
    out = AlignMode::Up;
  } else if (text == "nearest") {
    out = AlignMode::Nearest;
  } else {
    return false;
  }
  return true;
}

std::int64_t round_to_multiple(double target, std::int64_t q) {
  const auto k = static_cast<std::int64_t>(std::floor(target / static_cast<double>(q) + 0.5));
  return std::max<std::int64_t>(q, k * q);
}

Network depth_multiplier(const Network& net, double m, std::int64_t align) {
  const std::string context = "depth_multiplier";
  if (!std::isfinite(m) || m <= 0 || m > 64) {
    throw UserError(context + ": multiplier must be > 0 and <= 64, got " + number(m));
  }
  check_align(context, align);
  const ChannelClasses cc(net);
  return cc.apply(
      net,
      [&](int r) {
        const std::int64_t q = std::lcm(align, cc.quantum(r));
        return round_to_multiple(static_cast<double>(cc.original(r)) * m, q);
      },
      context);
}

Network scale_widths(const Network& net, double m, const std::map<std::string, double>& widths,
                     std::int64_t align) {
  const std::string context = "scale_widths";
  if (!std::isfinite(m) || m <= 0 || m > 64) {
    throw UserError(context + ": multiplier must be > 0 and <= 64, got " + number(m));
  }
  check_align(context, align);
  const ChannelClasses cc(net);
  std::map<int, double> factor;  // class root -> its width
  for (const auto& [name, w] : widths) {
    if (!std::isfinite(w) || w <= 0 || w > 64) {
      throw UserError(context + ": width of " + name + " must be > 0 and <= 64, got " + number(w));
    }
    net.index_of(name);  // an unknown name is a UserError
  }
  for (std::size_t i = 0; i < net.size(); ++i) {
    const auto it = widths.find(net.layer(i).name);
    if (it == widths.end() || cc.var_of(i) < 0) continue;
    factor.emplace(cc.root(cc.var_of(i)), it->second);  // the first layer of a class wins
  }
  return cc.apply(
      net,
      [&](int r) {
        const auto it = factor.find(r);
        const double f = m * (it == factor.end() ? 1.0 : it->second);
        if (f == 1.0) return cc.original(r);
        const std::int64_t q = std::lcm(align, cc.quantum(r));
        return round_to_multiple(static_cast<double>(cc.original(r)) * f, q);
      },
      context);
}

Network align_channels(const Network& net, std::int64_t align, AlignMode mode) {
  const std::string context = "align_channels";
  check_align(context, align);
  const ChannelClasses cc(net);
  return cc.apply(
      net,
      [&](int r) {
        const std::int64_t q = std::lcm(align, cc.quantum(r));
        const std::int64_t c = cc.original(r);
        if (mode == AlignMode::Up) return (c + q - 1) / q * q;
        return round_to_multiple(static_cast<double>(c), q);
      },
      context);
}

}  // namespace accelnas::wl
