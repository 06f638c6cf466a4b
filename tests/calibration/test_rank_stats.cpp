// Kendall tau-b and Spearman rho against published values and their defining properties.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "calibration/labels/rank_stats.h"

using accelnas::cal::average_ranks;
using accelnas::cal::kendall_tau_b;
using accelnas::cal::spearman_rho;

TEST_CASE("rank stats: the same order gives 1 and the reverse order gives -1") {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6};
  const std::vector<double> up = {10, 20, 35, 36, 100, 1e6};  // any increasing map
  const std::vector<double> down = {6, 5, 4, 3, 2, 1};
  CHECK(kendall_tau_b(x, up) == doctest::Approx(1.0));
  CHECK(spearman_rho(x, up) == doctest::Approx(1.0));
  CHECK(kendall_tau_b(x, down) == doctest::Approx(-1.0));
  CHECK(spearman_rho(x, down) == doctest::Approx(-1.0));
}

TEST_CASE("kendall tau-b: ties in both samples match scipy's kendalltau") {
  // scipy.stats.kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) = -0.47140452079103173
  const std::vector<double> x = {12, 2, 1, 12, 2}, y = {1, 4, 7, 1, 0};
  CHECK(kendall_tau_b(x, y) == doctest::Approx(-0.47140452079103173).epsilon(1e-12));
  CHECK(kendall_tau_b(y, x) == doctest::Approx(-0.47140452079103173).epsilon(1e-12));
}

TEST_CASE("spearman rho: a tie gets the average rank, as in scipy's spearmanr") {
  // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = 0.8207826816681233
  const std::vector<double> x = {1, 2, 3, 4, 5}, y = {5, 6, 7, 8, 7};
  CHECK(spearman_rho(x, y) == doctest::Approx(0.8207826816681233).epsilon(1e-12));
  const std::vector<double> r = average_ranks({10, 20, 20, 5});
  CHECK(r == std::vector<double>{2, 3.5, 3.5, 1});
}

TEST_CASE("kendall tau-b: one discordant pair of four values gives 4/6") {
  // 6 pairs, 5 concordant, 1 discordant, no ties: (5 - 1) / 6.
  CHECK(kendall_tau_b({1, 2, 3, 4}, {1, 3, 2, 4}) == doctest::Approx(4.0 / 6.0));
  // Spearman: d = {0, 1, 1, 0}, 1 - 6 * 2 / (4 * 15) = 0.8.
  CHECK(spearman_rho({1, 2, 3, 4}, {1, 3, 2, 4}) == doctest::Approx(0.8));
}

TEST_CASE("rank stats: undefined without two pairs or with a constant sample") {
  CHECK(std::isnan(kendall_tau_b({}, {})));
  CHECK(std::isnan(spearman_rho({1}, {2})));
  CHECK(std::isnan(kendall_tau_b({1, 2, 3}, {7, 7, 7})));
  CHECK(std::isnan(spearman_rho({4, 4, 4}, {1, 2, 3})));
}
