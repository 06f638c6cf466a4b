// Rank correlations between two paired samples, for judging whether an estimator orders networks
// the way the simulator does (a NAS search only needs the order right).
//
// Contract: both are symmetric in their arguments, invariant under any strictly increasing map of
// either sample, and return NaN when undefined: fewer than two pairs, or a sample whose values
// are all equal. Sizes must match (asserted).
#ifndef ACCELNAS_CALIBRATION_LABELS_RANK_STATS_H
#define ACCELNAS_CALIBRATION_LABELS_RANK_STATS_H

#include <vector>

namespace accelnas::cal {

// Kendall's tau-b: (concordant - discordant) / sqrt((n0 - ties_x) * (n0 - ties_y)), n0 = n(n-1)/2,
// where ties_x counts the pairs tied in x (tied in both counted in each). O(n^2).
double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y);

// Spearman's rho: Pearson's correlation of the ranks, ties given their average rank.
double spearman_rho(const std::vector<double>& x, const std::vector<double>& y);

// 1-based ranks with ties averaged: {10, 20, 20, 5} -> {2, 3.5, 3.5, 1}.
std::vector<double> average_ranks(const std::vector<double>& v);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABELS_RANK_STATS_H
