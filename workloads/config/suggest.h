// "Did you mean" help for unknown names, and small string helpers for messages.
#ifndef ACCELNAS_WORKLOADS_CONFIG_SUGGEST_H
#define ACCELNAS_WORKLOADS_CONFIG_SUGGEST_H

#include <string>
#include <vector>

namespace accelnas {

std::size_t edit_distance(const std::string& a, const std::string& b);
// The candidates within a small edit distance of `name` (or sharing its prefix), closest first.
std::vector<std::string> close_matches(const std::string& name,
                                       const std::vector<std::string>& candidates);
// " (did you mean: a, b?)" or "" when nothing is close.
std::string suggestion_suffix(const std::string& name, const std::vector<std::string>& candidates);
std::string join(const std::vector<std::string>& parts, const std::string& sep);

}  // namespace accelnas

#endif  // ACCELNAS_WORKLOADS_CONFIG_SUGGEST_H
