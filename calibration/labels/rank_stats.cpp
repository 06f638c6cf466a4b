#include "calibration/labels/rank_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "workloads/config/error.h"

namespace accelnas::cal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int sign(double v) {
  return (v > 0) - (v < 0);
}

}  // namespace

double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  ACCELNAS_CHECK(x.size() == y.size(), "kendall_tau_b: samples of different sizes");
  const std::size_t n = x.size();
  if (n < 2) return kNaN;
  std::int64_t concordant = 0, discordant = 0, ties_x = 0, ties_y = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const int sx = sign(x[i] - x[j]), sy = sign(y[i] - y[j]);
      if (sx == 0) ++ties_x;
      if (sy == 0) ++ties_y;
      if (sx != 0 && sy != 0) (sx == sy ? concordant : discordant) += 1;
    }
  }
  const auto pairs = static_cast<std::int64_t>(n * (n - 1) / 2);
  const double denom =
      std::sqrt(static_cast<double>(pairs - ties_x) * static_cast<double>(pairs - ties_y));
  if (denom == 0) return kNaN;
  return static_cast<double>(concordant - discordant) / denom;
}

std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&v](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> rank(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double r = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = r;
    i = j + 1;
  }
  return rank;
}

double spearman_rho(const std::vector<double>& x, const std::vector<double>& y) {
  ACCELNAS_CHECK(x.size() == y.size(), "spearman_rho: samples of different sizes");
  const std::size_t n = x.size();
  if (n < 2) return kNaN;
  const std::vector<double> rx = average_ranks(x), ry = average_ranks(y);
  const double mean = (static_cast<double>(n) + 1.0) / 2.0;  // of either rank vector
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = rx[i] - mean, dy = ry[i] - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx == 0 || syy == 0) return kNaN;
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace accelnas::cal
