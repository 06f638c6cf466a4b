// Internal to accelnas::nas: what the strategies share -- parameter parsing, seeded draws and
// mutation, the single-objective order of results, and the JSON of encodings and results in a
// strategy's state.
#ifndef ACCELNAS_NAS_STRATEGIES_COMMON_H
#define ACCELNAS_NAS_STRATEGIES_COMMON_H

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_set>
#include <vector>

#include "nas/strategy.h"
#include "sim/runtime/rng.h"
#include "workloads/config/error.h"

namespace accelnas::nas::detail {

// The value of `key` in ctx.params, or its declared default (the factory has already refused
// unknown keys).
std::string param_text(const StrategyContext& ctx, const StrategyInfo& info,
                       const std::string& key);
// "--strategy-param key: expected an integer from lo to hi, got 'text'" on anything else.
std::int64_t parse_int_param(const std::string& key, const std::string& text, std::int64_t lo,
                             std::int64_t hi);
// A probability in [0, 1], or "auto" (returned as a negative value).
double parse_probability_param(const std::string& key, const std::string& text, bool allow_auto);
// Checks the cardinalities (each >= 1) and the base point (in range), as UserErrors.
void check_context(const StrategyContext& ctx, const std::string& strategy);

// The runtime::Rng of one purpose (salt < 16) at one generation-derived step.
runtime::Rng step_rng(std::uint64_t seed, std::uint64_t step, std::uint64_t salt);
Encoding random_encoding(const std::vector<int>& cards, runtime::Rng& rng);
template <class T>
void shuffle(std::vector<T>& v, runtime::Rng& rng) {  // Fisher-Yates on Rng::below
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}
// Changes each dimension with more than one choice with probability p (to a different choice,
// uniformly); when nothing changed and at_least_one, changes one such dimension chosen uniformly.
void mutate(Encoding& e, const std::vector<int>& cards, double p, runtime::Rng& rng,
            bool at_least_one = true);
// 1 / (number of dimensions with more than one choice), or 1 when there is none.
double auto_mutation_probability(const std::vector<int>& cards);
std::string probability_text(double p);

// Single-objective order: feasible by score, then infeasible by violation, then failed and
// cannot_build. True when a is strictly better than b.
bool better_by_score(const Result& a, const Result& b);

// For the per-generation sets of encodings (FNV-1a over the choices).
struct EncodingHash {
  std::size_t operator()(const Encoding& e) const {
    std::uint64_t h = 1469598103934665603ull;
    for (int v : e) h = (h ^ static_cast<std::uint32_t>(v)) * 1099511628211ull;
    return static_cast<std::size_t>(h);
  }
};
using EncodingSet = std::unordered_set<Encoding, EncodingHash>;

struct Member {
  Encoding encoding;
  Result result;
};
// Which results a state keeps (besides status and violation): what the strategy reads.
enum class MemberFields { Score, Objectives, Both };
nlohmann::json members_json(const std::vector<Member>& ms, MemberFields fields);
std::vector<Member> members_from_json(const nlohmann::json& j, MemberFields fields);
Encoding encoding_from_json(const nlohmann::json& j);

// A state's envelope: {"strategy": name, "version": 1, ...}. check_state throws a UserError
// unless the state is an object this strategy wrote; guard_restore turns any JSON error while
// reading it into a UserError naming the strategy.
nlohmann::json state_header(const std::string& strategy);
void check_state(const nlohmann::json& state, const std::string& strategy);
template <class F>
void guard_restore(const std::string& strategy, F&& read) {
  try {
    read();
  } catch (const nlohmann::json::exception& e) {
    throw UserError("restore of strategy " + strategy + ": malformed state (" + e.what() + ")");
  }
}
// Checks a restored encoding against the cardinalities.
void check_encoding(const Encoding& e, const std::vector<int>& cards, const std::string& strategy);

// The state of a population strategy (evolution, nsga2): the generation counter, the population
// and the results told in the current generation.
struct PopulationState {
  std::uint64_t generation = 0;
  std::vector<Member> population, told;
};
nlohmann::json population_state_json(const std::string& strategy, std::uint64_t generation,
                                     const std::vector<Member>& population,
                                     const std::vector<Member>& told, MemberFields fields);
// Reads what population_state_json wrote (UserError for another strategy's or a malformed
// state, or an encoding that does not fit `cards`); `into` is only changed on success.
void restore_population_state(const nlohmann::json& state, const std::string& strategy,
                              const std::vector<int>& cards, MemberFields fields,
                              PopulationState& into);

}  // namespace accelnas::nas::detail

#endif  // ACCELNAS_NAS_STRATEGIES_COMMON_H
