// The Pareto machinery: dominance with constraints, non-dominated sorting, crowding distance
// and the exact hypervolume (against hand-computed values and a brute-force cell count).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "nas/pareto.h"
#include "sim/runtime/rng.h"

using namespace accelnas;
using nas::Point;

TEST_CASE("nas pareto: a dominates b when no worse everywhere and better somewhere") {
  CHECK(nas::dominates({1, 2}, {2, 2}));
  CHECK(nas::dominates({1, 1}, {2, 2}));
  CHECK_FALSE(nas::dominates({1, 2}, {1, 2}));  // equal points do not dominate each other
  CHECK_FALSE(nas::dominates({1, 3}, {2, 2}));
  CHECK_FALSE(nas::dominates({2, 2}, {1, 3}));
  CHECK(nas::dominates({0, 0, 0}, {0, 0, 1}));
}

TEST_CASE(
    "nas pareto: feasible beats infeasible, smaller violation beats larger, then objectives") {
  CHECK(nas::constrained_dominates({9, 9}, 0, {1, 1}, 0.5));
  CHECK_FALSE(nas::constrained_dominates({1, 1}, 0.5, {9, 9}, 0));
  CHECK(nas::constrained_dominates({9, 9}, 0.1, {1, 1}, 0.2));
  CHECK_FALSE(nas::constrained_dominates({1, 1}, 0.2, {9, 9}, 0.1));
  CHECK_FALSE(nas::constrained_dominates({1, 1}, 0.2, {9, 9}, 0.2));  // equal violations tie
  CHECK(nas::constrained_dominates({1, 1}, 0, {2, 2}, 0));
  CHECK_FALSE(nas::constrained_dominates({1, 3}, 0, {2, 2}, 0));
}

TEST_CASE("nas pareto: fronts of a hand-made set, best first and in index order") {
  const std::vector<Point> pts = {{3, 3}, {1, 4}, {2, 2}, {4, 1}, {4, 4}, {2, 2}, {5, 5}, {3, 2}};
  const auto fronts = nas::nondominated_sort(pts);
  REQUIRE(fronts.size() == 5);
  CHECK(fronts[0] == std::vector<std::size_t>{1, 2, 3, 5});  // equal points share a front
  CHECK(fronts[1] == std::vector<std::size_t>{7});
  CHECK(fronts[2] == std::vector<std::size_t>{0});
  CHECK(fronts[3] == std::vector<std::size_t>{4});
  CHECK(fronts[4] == std::vector<std::size_t>{6});
  CHECK(nas::pareto_front(pts) == std::vector<std::size_t>{1, 2, 3, 5});
}

TEST_CASE("nas pareto: with violations, infeasible points rank after every feasible one") {
  const std::vector<Point> pts = {{1, 1}, {5, 5}, {0, 0}, {2, 2}, {6, 0}};
  const std::vector<double> violation = {0.3, 0, 0.1, 0, 0};
  const auto fronts = nas::nondominated_sort(pts, violation);
  REQUIRE(fronts.size() == 4);
  CHECK(fronts[0] == std::vector<std::size_t>{3, 4});
  CHECK(fronts[1] == std::vector<std::size_t>{1});
  CHECK(fronts[2] == std::vector<std::size_t>{2});
  CHECK(fronts[3] == std::vector<std::size_t>{0});
  CHECK(nas::pareto_front(pts, violation) == std::vector<std::size_t>{3, 4});
}

TEST_CASE("nas pareto: crowding distance is infinite at the boundaries, normalized inside") {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Point> pts = {{0, 4}, {1, 3}, {3, 1}, {4, 0}};
  const auto d = nas::crowding_distance(pts, {0, 1, 2, 3});
  CHECK(d[0] == inf);
  CHECK(d[3] == inf);
  CHECK(d[1] == doctest::Approx(3.0 / 4 + 3.0 / 4));
  CHECK(d[2] == doctest::Approx(3.0 / 4 + 3.0 / 4));
  const auto two = nas::crowding_distance(pts, {1, 2});
  CHECK(two == std::vector<double>{inf, inf});
}

TEST_CASE("nas pareto: hypervolume of hand-computed 1-D, 2-D and 3-D sets") {
  CHECK(nas::hypervolume({{2}, {3}}, {5}) == 3);
  // Staircase (1,3), (2,2), (3,1) to (4,4): columns of height 1, 2 and 3.
  CHECK(nas::hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}) == doctest::Approx(6));
  // A dominated point and one outside the reference add nothing.
  CHECK(nas::hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {0, 5}}, {4, 4}) == doctest::Approx(6));
  CHECK(nas::hypervolume({{4, 0}}, {4, 4}) == 0);
  // (0,0,1) and (1,1,0) to (2,2,2): |[0,2]^2 x [1,2]| + |[1,2]^2 x [0,2]| - |[1,2]^3| = 4 + 2 - 1.
  CHECK(nas::hypervolume({{0, 0, 1}, {1, 1, 0}}, {2, 2, 2}) == doctest::Approx(5));
  // Three boxes of 6, pairwise overlaps of 2, a triple overlap of 1: 18 - 6 + 1.
  CHECK(nas::hypervolume({{1, 2, 3}, {2, 3, 1}, {3, 1, 2}}, {4, 4, 4}) == doctest::Approx(13));
  CHECK(nas::hypervolume({}, {1, 1}) == 0);
}

namespace {

// The number of unit cells of [0, side)^d dominated by a set of integer points.
double cell_count(const std::vector<Point>& pts, std::size_t d, int side) {
  std::size_t cells = 1;
  for (std::size_t k = 0; k < d; ++k) cells *= static_cast<std::size_t>(side);
  double count = 0;
  for (std::size_t c = 0; c < cells; ++c) {
    std::vector<int> cell(d);
    std::size_t rest = c;
    for (std::size_t k = 0; k < d; ++k) {
      cell[k] = static_cast<int>(rest % static_cast<std::size_t>(side));
      rest /= static_cast<std::size_t>(side);
    }
    for (const Point& p : pts) {
      bool covers = true;
      for (std::size_t k = 0; k < d; ++k) covers = covers && p[k] <= cell[k];
      if (covers) {
        count += 1;
        break;
      }
    }
  }
  return count;
}

}  // namespace

TEST_CASE("nas pareto: hypervolume equals a brute-force cell count on random sets in 2 to 5-D") {
  for (std::size_t d = 2; d <= 5; ++d) {
    const int side = d <= 3 ? 7 : 5;
    for (std::uint64_t trial = 0; trial < 20; ++trial) {
      runtime::Rng rng(1234 + d, trial);
      const std::size_t n = 1 + rng.below(12);
      std::vector<Point> pts;
      for (std::size_t i = 0; i < n; ++i) {
        Point p(d);
        for (double& x : p) x = static_cast<double>(rng.below(static_cast<std::uint64_t>(side)));
        pts.push_back(p);
      }
      const Point ref(d, side);
      CAPTURE(d);
      CAPTURE(trial);
      CHECK(nas::hypervolume(pts, ref) == doctest::Approx(cell_count(pts, d, side)));
    }
  }
}

TEST_CASE("nas pareto: the hypervolume of a point set does not depend on its order") {
  runtime::Rng rng(7, 0);
  std::vector<Point> pts;
  for (int i = 0; i < 60; ++i) pts.push_back({rng.uniform(), rng.uniform(), rng.uniform()});
  std::vector<Point> reversed(pts.rbegin(), pts.rend());
  const Point ref{1, 1, 1};
  CHECK(nas::hypervolume(pts, ref) == doctest::Approx(nas::hypervolume(reversed, ref)));
  std::vector<Point> pts4;
  for (const Point& p : pts) pts4.push_back({p[0], p[1], p[2], 1 - p[0]});
  CHECK(nas::hypervolume(pts4, {1, 1, 1, 1}) > 0);
}

TEST_CASE("nas pareto: the fronts equal repeated peeling of the non-dominated points") {
  for (std::uint64_t trial = 0; trial < 40; ++trial) {
    runtime::Rng rng(99, trial);
    const std::size_t n = 1 + rng.below(60);
    const std::size_t d = 1 + rng.below(4);
    std::vector<Point> pts;
    std::vector<double> violation;
    for (std::size_t i = 0; i < n; ++i) {
      Point p(d);
      for (double& x : p) x = static_cast<double>(rng.below(6));  // ties and duplicates
      pts.push_back(p);
      violation.push_back(rng.chance(0.3) ? static_cast<double>(rng.below(3)) : 0.0);
    }
    // Peeling: a front is every remaining point no remaining point dominates.
    std::vector<std::vector<std::size_t>> peeled;
    std::vector<bool> left(n, true);
    for (std::size_t done = 0; done < n;) {
      std::vector<std::size_t> front;
      for (std::size_t i = 0; i < n; ++i) {
        if (!left[i]) continue;
        bool beaten = false;
        for (std::size_t j = 0; j < n && !beaten; ++j)
          beaten =
              left[j] && nas::constrained_dominates(pts[j], violation[j], pts[i], violation[i]);
        if (!beaten) front.push_back(i);
      }
      for (std::size_t i : front) left[i] = false;
      done += front.size();
      peeled.push_back(front);
    }
    CAPTURE(trial);
    CHECK(nas::nondominated_sort(pts, violation) == peeled);
  }
}
