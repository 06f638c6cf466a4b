#include "nas/pareto.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <numeric>

#include "workloads/config/error.h"

namespace accelnas::nas {

bool dominates(const Point& a, const Point& b) {
  ACCELNAS_CHECK(a.size() == b.size(), "dominates: points of different dimensions");
  bool better = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) better = true;
  }
  return better;
}

bool constrained_dominates(const Point& a, double violation_a, const Point& b, double violation_b) {
  const bool feasible_a = !(violation_a > 0);
  const bool feasible_b = !(violation_b > 0);
  if (feasible_a != feasible_b) return feasible_a;
  if (!feasible_a) return violation_a < violation_b;
  return dominates(a, b);
}

std::vector<std::vector<std::size_t>> nondominated_sort(const std::vector<Point>& points,
                                                        const std::vector<double>& violation) {
  ACCELNAS_CHECK(violation.empty() || violation.size() == points.size(),
                 "nondominated_sort: one violation per point");
  const std::size_t n = points.size();
  const std::size_t m = n == 0 ? 0 : points[0].size();
  // Contiguous copies: the comparisons below are the hot path of NSGA-II.
  std::vector<double> flat(n * m);
  std::vector<double> viol(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    ACCELNAS_CHECK(points[i].size() == m, "nondominated_sort: points of different dimensions");
    std::copy(points[i].begin(), points[i].end(), flat.begin() + static_cast<long>(i * m));
    if (!violation.empty()) viol[i] = violation[i] > 0 ? violation[i] : 0.0;
  }
  // Efficient non-dominated sort, sequential search (Zhang, Tian, Cheng, Jin, "An Efficient
  // Approach to Non-dominated Sorting for Evolutionary Multiobjective Optimization", IEEE TEC
  // 19(2), 2015): in lexicographic order of (violation, objectives), a point's dominators all
  // come before it, so each point joins the first front none of whose members dominates it.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
    if (viol[i] != viol[j]) return viol[i] < viol[j];
    return std::lexicographical_compare(flat.data() + i * m, flat.data() + i * m + m,
                                        flat.data() + j * m, flat.data() + j * m + m);
  });
  // Whether q, sorted before p, dominates p (constraint domination first).
  auto dominates_later = [&](std::size_t q, std::size_t p) {
    if (viol[q] != viol[p]) return true;  // q's violation is smaller
    if (viol[q] > 0) return false;        // equal violations: neither
    const double* a = flat.data() + q * m;
    const double* b = flat.data() + p * m;
    bool strictly = false;
    for (std::size_t k = 0; k < m; ++k) {
      if (a[k] > b[k]) return false;
      strictly = strictly || a[k] < b[k];
    }
    return strictly;
  };
  std::vector<std::vector<std::size_t>> fronts;
  for (std::size_t p : order) {
    std::size_t k = 0;
    for (; k < fronts.size(); ++k) {
      bool dominated = false;
      for (auto q = fronts[k].rbegin(); q != fronts[k].rend() && !dominated; ++q)
        dominated = dominates_later(*q, p);
      if (!dominated) break;
    }
    if (k == fronts.size()) fronts.emplace_back();
    fronts[k].push_back(p);
  }
  for (auto& front : fronts) std::sort(front.begin(), front.end());
  return fronts;
}

std::vector<double> crowding_distance(const std::vector<Point>& points,
                                      const std::vector<std::size_t>& front) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::size_t m = front.size();
  std::vector<double> distance(m, 0.0);
  if (m <= 2) return std::vector<double>(m, inf);
  const std::size_t dims = points[front[0]].size();
  std::vector<std::size_t> order(m);
  for (std::size_t k = 0; k < dims; ++k) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      return points[front[x]][k] < points[front[y]][k];
    });
    const double lo = points[front[order.front()]][k];
    const double hi = points[front[order.back()]][k];
    distance[order.front()] = inf;
    distance[order.back()] = inf;
    if (!(hi > lo)) continue;
    for (std::size_t r = 1; r + 1 < m; ++r) {
      const double gap = points[front[order[r + 1]]][k] - points[front[order[r - 1]]][k];
      distance[order[r]] += gap / (hi - lo);
    }
  }
  return distance;
}

namespace {

// The non-dominated members of `candidates` (indices into points), ascending. A point can only
// be dominated by one before it in lexicographic order, so each is checked against the front
// kept so far: O(n log n + n * front).
std::vector<std::size_t> nondominated_subset(const std::vector<Point>& points,
                                             std::vector<std::size_t> candidates) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](std::size_t x, std::size_t y) { return points[x] < points[y]; });
  std::vector<std::size_t> front;
  if (!candidates.empty() && points[candidates.front()].size() == 2) {
    // Two objectives: after the lexicographic sort a point is non-dominated exactly when its
    // second value is below every earlier one, or it equals the last front point.
    for (std::size_t i : candidates) {
      const Point& p = points[i];
      if (front.empty() || p[1] < points[front.back()][1] || p == points[front.back()])
        front.push_back(i);
    }
    std::sort(front.begin(), front.end());
    return front;
  }
  for (std::size_t i : candidates) {
    bool beaten = false;
    for (std::size_t f : front) {
      if (dominates(points[f], points[i])) {
        beaten = true;
        break;
      }
    }
    if (!beaten) front.push_back(i);
  }
  std::sort(front.begin(), front.end());
  return front;
}

double hv2(std::vector<Point> pts, const Point& ref) {
  std::sort(pts.begin(), pts.end());
  double area = 0;
  double best_y = ref[1];
  for (const Point& p : pts) {
    if (p[1] < best_y) {
      area += (ref[0] - p[0]) * (best_y - p[1]);
      best_y = p[1];
    }
  }
  return area;
}

// 3-D: sweep the third objective upwards, keeping the 2-D staircase of the points seen so far
// and its area up to date as each point is inserted (O(n log n)).
double hv3(std::vector<Point> pts, const Point& ref) {
  std::stable_sort(pts.begin(), pts.end(),
                   [](const Point& a, const Point& b) { return a[2] < b[2]; });
  std::map<double, double> stair;  // x -> y; x ascending, y descending
  double area = 0;
  double volume = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const double x = pts[i][0];
    const double y = pts[i][1];
    auto it = stair.lower_bound(x);
    bool covered = it != stair.end() && it->first == x && it->second <= y;
    if (!covered && it != stair.begin()) covered = std::prev(it)->second <= y;
    if (!covered) {
      // Points the new one dominates leave the staircase with their exclusive area.
      while (it != stair.end() && it->second >= y) {
        const auto next = std::next(it);
        const double x_next = next == stair.end() ? ref[0] : next->first;
        const double y_prev = it == stair.begin() ? ref[1] : std::prev(it)->second;
        area -= (x_next - it->first) * (y_prev - it->second);
        it = stair.erase(it);
      }
      const double x_right = it == stair.end() ? ref[0] : it->first;
      const double y_left = it == stair.begin() ? ref[1] : std::prev(it)->second;
      const double own = (ref[0] - x) * (ref[1] - y);
      const double left = (ref[0] - x) * (ref[1] - y_left);
      const double right = (ref[0] - x_right) * (ref[1] - y);
      const double both = (ref[0] - x_right) * (ref[1] - y_left);
      area += own - left - right + both;
      stair.emplace_hint(it, x, y);
    }
    const double z_next = i + 1 < pts.size() ? pts[i + 1][2] : ref[2];
    volume += area * (z_next - pts[i][2]);
  }
  return volume;
}

double hv_any(std::vector<Point> pts, const Point& ref) {
  const std::size_t d = ref.size();
  if (pts.empty()) return 0;
  if (d == 1) {
    double lo = ref[0];
    for (const Point& p : pts) lo = std::min(lo, p[0]);
    return ref[0] - lo;
  }
  if (d == 2) return hv2(std::move(pts), ref);
  if (d == 3) return hv3(std::move(pts), ref);
  // Slice along the last objective: between consecutive values, the (d-1)-dimensional
  // hypervolume of the points already passed.
  std::stable_sort(pts.begin(), pts.end(),
                   [d](const Point& a, const Point& b) { return a[d - 1] < b[d - 1]; });
  const Point sub_ref(ref.begin(), ref.end() - 1);
  std::vector<Point> slice;
  double volume = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    slice.emplace_back(pts[i].begin(), pts[i].end() - 1);
    const double z_next = i + 1 < pts.size() ? pts[i + 1][d - 1] : ref[d - 1];
    const double depth = z_next - pts[i][d - 1];
    if (depth <= 0) continue;
    std::vector<std::size_t> all(slice.size());
    std::iota(all.begin(), all.end(), 0);
    const auto keep = nondominated_subset(slice, all);
    std::vector<Point> reduced;
    reduced.reserve(keep.size());
    for (std::size_t k : keep) reduced.push_back(slice[k]);
    slice = reduced;  // dominated points never matter again
    volume += hv_any(std::move(reduced), sub_ref) * depth;
  }
  return volume;
}

}  // namespace

std::vector<std::size_t> pareto_front(const std::vector<Point>& points,
                                      const std::vector<double>& violation) {
  ACCELNAS_CHECK(violation.empty() || violation.size() == points.size(),
                 "pareto_front: one violation per point");
  std::vector<std::size_t> feasible;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (violation.empty() || !(violation[i] > 0)) feasible.push_back(i);
  return nondominated_subset(points, std::move(feasible));
}

bool insert_into_front(std::vector<Point>& front, Point p) {
  for (const Point& f : front)
    if (f == p || dominates(f, p)) return false;
  front.erase(
      std::remove_if(front.begin(), front.end(), [&](const Point& f) { return dominates(p, f); }),
      front.end());
  front.push_back(std::move(p));
  return true;
}

double hypervolume(const std::vector<Point>& points, const Point& reference) {
  std::vector<std::size_t> inside;
  for (std::size_t i = 0; i < points.size(); ++i) {
    ACCELNAS_CHECK(points[i].size() == reference.size(),
                   "hypervolume: a point and the reference differ in dimension");
    bool below = true;
    for (std::size_t k = 0; k < reference.size(); ++k) below = below && points[i][k] < reference[k];
    if (below) inside.push_back(i);
  }
  if (reference.empty() || inside.empty()) return 0;
  std::vector<Point> front;
  for (std::size_t i : nondominated_subset(points, inside)) front.push_back(points[i]);
  return hv_any(std::move(front), reference);
}

}  // namespace accelnas::nas
