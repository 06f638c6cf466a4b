// Search strategies behind one ask/tell interface (docs/NAS.md, "Strategies"). A strategy knows
// the space only as its cardinalities (and a base point, when the space has one); the search
// driver (nas/search.h) decodes, deduplicates, evaluates and stores.
//
// Protocol, one generation at a time:
//   batch = s.ask(n);                 // up to n candidates (n >= 1); empty: the strategy is done
//   for (c : batch) s.tell(c, result) // every asked candidate, in ask order
//   s.end_generation();               // the strategy updates its population
//   state = s.state();                // what restore() needs to continue from here
// Contract:
// - Determinism: a strategy draws only from runtime::Rng(seed, generation-derived indices), so
//   the same seed and the same results give the same candidates whatever the thread, worker or
//   process count, and restore(state()) continues exactly as the original would have.
// - ask() may repeat candidates or networks already evaluated: the driver tells it their stored
//   result again (duplicates cost nothing) and counts only new networks against the budget.
// - Objectives are all minimised (the driver negates what is maximised). A candidate with
//   violation > 0 is infeasible: strategies prefer any feasible candidate to it (Deb's
//   constraint domination), then the smaller violation.
#ifndef ACCELNAS_NAS_STRATEGY_H
#define ACCELNAS_NAS_STRATEGY_H

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "nas/candidate.h"

namespace accelnas::nas {

enum class Status { Ok, CannotBuild, Failed };
const char* status_name(Status s);  // "ok", "cannot_build", "failed"
std::optional<Status> status_from_name(const std::string& s);

struct Result {
  Status status = Status::Ok;
  std::vector<double> objectives;  // minimised; one per objective when status is Ok
  double violation = 0;            // 0: feasible; else the summed relative constraint excess
  double score = 0;                // scalar to minimise (single-objective strategies)
};

// What a strategy is built from.
struct StrategyContext {
  std::vector<int> cardinalities;  // choices per dimension, each >= 1
  std::optional<Encoding> base;    // the space's base point, when it has one
  std::uint64_t seed = 1;
  std::map<std::string, std::string>
      params;  // --strategy-param key=value, validated by the factory
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::vector<Encoding> ask(std::size_t n) = 0;
  virtual void tell(const Encoding& candidate, const Result& result) = 0;
  virtual void end_generation() = 0;
  virtual nlohmann::json state() const = 0;
  // Throws UserError when the state is not one this strategy wrote.
  virtual void restore(const nlohmann::json& state) = 0;
  // The parameters in effect (defaults filled in), for the run store and the summary.
  virtual std::map<std::string, std::string> params() const = 0;
  // How many candidates one generation asks for when the budget allows.
  virtual std::size_t batch_size() const = 0;
};

struct StrategyParam {
  std::string key;
  std::string default_value;
  std::string description;
};

struct StrategyInfo {
  std::string name;         // "nsga2"
  std::string description;  // one line, with its citation
  std::vector<StrategyParam> params;
  std::function<std::unique_ptr<Strategy>(const StrategyContext&)> make;
};

// The registry (nas/strategies/registry.cpp): one line per strategy file.
const std::vector<StrategyInfo>& strategies();
std::vector<std::string> strategy_names();
// UserError "unknown strategy 'x' (did you mean ...)" or "--strategy-param k: ..." naming the key.
std::unique_ptr<Strategy> make_strategy(const std::string& name, const StrategyContext& ctx);

}  // namespace accelnas::nas

#endif  // ACCELNAS_NAS_STRATEGY_H
