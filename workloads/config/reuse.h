// Storage reuse for hot loops that rebuild vectors of heavy elements (strings and vectors
// inside) call after call: the planner's jobs, the estimator's units.
#ifndef ACCELNAS_WORKLOADS_CONFIG_REUSE_H
#define ACCELNAS_WORKLOADS_CONFIG_REUSE_H

#include <cstddef>
#include <utility>
#include <vector>

namespace accelnas {

// Resizes `v` to n elements. Surplus elements move to `spare` instead of being destroyed, and new
// ones are taken from `spare` when it has any, so their inner storage (capacity) is reused.
// Elements taken or kept hold stale values: the caller overwrites every field.
template <typename T>
void resize_reusing(std::vector<T>& v, std::size_t n, std::vector<T>& spare) {
  while (v.size() > n) {
    spare.push_back(std::move(v.back()));
    v.pop_back();
  }
  v.reserve(n);
  while (v.size() < n) {
    if (spare.empty()) {
      v.emplace_back();
    } else {
      v.push_back(std::move(spare.back()));
      spare.pop_back();
    }
  }
}

}  // namespace accelnas

#endif  // ACCELNAS_WORKLOADS_CONFIG_REUSE_H
