// The search driver (docs/NAS.md, "The search loop"): a strategy's generations decoded,
// deduplicated by network, evaluated and stored, resumable from the run store.
//
// One generation:
//   1. ask the strategy for min(batch_size, budget left) candidates;
//   2. decode them (OpenMP; SearchSpace::decode is pure) and key each built network
//      (network_key); a candidate that cannot be built is keyed by its encoding;
//   3. a key seen before (in the store or earlier in the batch) is a duplicate: it repeats the
//      first candidate's results and costs no evaluation; the others are evaluated
//      (evaluate_batch: threads or worker processes);
//   4. tell the strategy every candidate's result in ask order, end the generation, and commit
//      the candidates with the strategy's state in one transaction.
// The budget (`evaluations`) counts distinct networks evaluated, cannot_build included; it is
// never exceeded. The run stops when the budget is spent, when the strategy asks nothing, or
// after `stall_generations` generations in a row without a new network (the space, or what the
// strategy reaches of it, is exhausted).
//
// Contract: the store after run_search() is a pure function of (space, hardware, estimator,
// options), whatever the thread or worker count and however often the run was interrupted and
// resumed: a rerun restores the strategy from the last committed generation and continues.
#ifndef ACCELNAS_NAS_SEARCH_H
#define ACCELNAS_NAS_SEARCH_H

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nas/evaluate.h"
#include "nas/run_store.h"
#include "nas/space.h"

namespace accelnas::nas {

struct SearchOptions {
  std::string strategy = "nsga2";
  std::map<std::string, std::string> strategy_params;
  std::uint64_t seed = 1;
  std::int64_t evaluations = 1000;
  std::vector<Objective> objectives = {Objective::Latency, Objective::Accuracy};
  Constraints constraints;
  Reward reward;
  std::string evaluator = "params";
  std::int64_t stall_generations = 50;
};

struct SearchProgress {
  std::int64_t generation = 0;
  std::int64_t candidates = 0;
  std::int64_t evaluations = 0;  // distinct networks so far
  std::int64_t budget = 0;
  std::int64_t resumed_at = 0;  // evaluations found in the store when the run started
  std::int64_t duplicates = 0, cannot_build = 0, failed = 0, feasible = 0;
  std::size_t front = 0;     // feasible non-dominated networks
  std::vector<double> best;  // per objective, the best feasible value (minimised form)
  double hypervolume = 0;    // of the front, normalised to the ranges seen so far
};

struct SearchResult {
  std::vector<CandidateRow> rows;  // every candidate of the run, in id order
  std::int64_t evaluations = 0;
  std::int64_t resumed_at = 0;
  std::string stop;  // "budget", "strategy finished" or "stalled (...)"
};

// The identity of a run (RunStore::open_run): what must match for a store to be continued.
std::map<std::string, std::string> run_identity(const SearchSpace& space, const EvalContext& ctx,
                                                const std::string& estimator_hash,
                                                const SearchOptions& opt,
                                                const std::map<std::string, std::string>& params);

// What a report needs again beyond the identity: the space text, the hardware description, and
// for a base space the base network's metrics (evaluated here).
std::map<std::string, std::string> run_info(const SearchSpace& space, const EvalContext& ctx);

// Runs (or continues) the search in `store`, opening the run there (RunStore::open_run with
// run_identity and run_info). Throws UserError for a store of another run, an
// unknown strategy or a bad parameter. `progress` is called after every generation.
SearchResult run_search(const SearchSpace& space, const EvalContext& ctx,
                        const std::string& estimator_hash, RunStore& store,
                        const SearchOptions& opt,
                        const std::function<void(const SearchProgress&)>& progress = {});

// The rows' feasible non-dominated networks (first occurrences, status ok, violation 0), sorted
// by their objective values (the first objective first), one per distinct objective vector (the
// lowest id).
std::vector<std::size_t> front_rows(const std::vector<CandidateRow>& rows,
                                    const std::vector<Objective>& objectives);

}  // namespace accelnas::nas

#endif  // ACCELNAS_NAS_SEARCH_H
