// Pareto machinery shared by the strategies and the reports: dominance with constraints,
// non-dominated sorting, crowding distance and hypervolume. Every objective is minimised.
//
// Rules (Deb et al. 2002, NSGA-II, with constraint domination):
// - a dominates b when a is no worse in every objective and better in one;
// - with violations: a feasible point (violation 0) dominates an infeasible one; of two
//   infeasible points the smaller violation dominates; two feasible points compare objectives.
// - Ties keep index order, so every function here is deterministic.
#ifndef ACCELNAS_NAS_PARETO_H
#define ACCELNAS_NAS_PARETO_H

#include <cstddef>
#include <vector>

namespace accelnas::nas {

using Point = std::vector<double>;

bool dominates(const Point& a, const Point& b);
bool constrained_dominates(const Point& a, double violation_a, const Point& b, double violation_b);

// Fronts of indices into `points`, best first, each in ascending index order. `violation` is
// empty (all feasible) or one per point.
std::vector<std::vector<std::size_t>> nondominated_sort(const std::vector<Point>& points,
                                                        const std::vector<double>& violation = {});
// Crowding distance of each member of `front` (indices into points), in front order; boundary
// points get +infinity.
std::vector<double> crowding_distance(const std::vector<Point>& points,
                                      const std::vector<std::size_t>& front);
// The non-dominated subset of the feasible points (violation 0), ascending indices.
std::vector<std::size_t> pareto_front(const std::vector<Point>& points,
                                      const std::vector<double>& violation = {});
// Adds p to `front` (a set of mutually non-dominated points) unless a member dominates or equals
// it, removing the members p dominates; returns whether p was added. O(front size).
bool insert_into_front(std::vector<Point>& front, Point p);

// The hypervolume dominated by `points` and bounded by `reference` (points not strictly better
// than the reference in every objective contribute nothing). Exact for any dimension (slicing;
// meant for fronts of up to a few hundred points in up to 4 objectives).
double hypervolume(const std::vector<Point>& points, const Point& reference);

}  // namespace accelnas::nas

#endif  // ACCELNAS_NAS_PARETO_H
