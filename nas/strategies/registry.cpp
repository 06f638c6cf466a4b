// The strategies by name, and the factory that validates their parameters.
#include <algorithm>

#include "nas/strategy.h"
#include "workloads/config/error.h"
#include "workloads/config/suggest.h"

namespace accelnas::nas {

namespace detail {
// One line per strategy: the StrategyInfo its file in nas/strategies/ defines.
StrategyInfo random_strategy();     // random.cpp
StrategyInfo evolution_strategy();  // evolution.cpp
StrategyInfo nsga2_strategy();      // nsga2.cpp
StrategyInfo local_strategy();      // local.cpp
}  // namespace detail

const std::vector<StrategyInfo>& strategies() {
  using namespace detail;
  static const std::vector<StrategyInfo> all = {
      random_strategy(),
      evolution_strategy(),
      nsga2_strategy(),
      local_strategy(),
  };
  return all;
}

std::vector<std::string> strategy_names() {
  std::vector<std::string> names;
  for (const StrategyInfo& s : strategies()) names.push_back(s.name);
  return names;
}

namespace {
// The close matches, else the keys that share the first three letters ("popsize": population).
std::string param_suggestion(const std::string& key, const std::vector<std::string>& keys) {
  const std::string close = suggestion_suffix(key, keys);
  if (!close.empty() || key.size() < 3) return close;
  std::vector<std::string> shared;
  for (const std::string& k : keys)
    if (k.compare(0, 3, key, 0, 3) == 0) shared.push_back(k);
  return shared.empty() ? "" : " (did you mean: " + join(shared, ", ") + "?)";
}
}  // namespace

std::unique_ptr<Strategy> make_strategy(const std::string& name, const StrategyContext& ctx) {
  const auto& all = strategies();
  const auto it =
      std::find_if(all.begin(), all.end(), [&](const StrategyInfo& s) { return s.name == name; });
  if (it == all.end()) {
    throw UserError("unknown strategy '" + name + "'" + suggestion_suffix(name, strategy_names()) +
                    "; expected one of: " + join(strategy_names(), ", "));
  }
  std::vector<std::string> keys;
  for (const StrategyParam& p : it->params) keys.push_back(p.key);
  for (const auto& [key, value] : ctx.params) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      throw UserError("--strategy-param '" + key + "': unknown parameter of " + name +
                      param_suggestion(key, keys) + "; expected one of: " + join(keys, ", "));
    }
  }
  return it->make(ctx);
}

const char* status_name(Status s) {
  switch (s) {
    case Status::Ok:
      return "ok";
    case Status::CannotBuild:
      return "cannot_build";
    case Status::Failed:
      return "failed";
  }
  return "failed";
}

std::optional<Status> status_from_name(const std::string& s) {
  for (Status st : {Status::Ok, Status::CannotBuild, Status::Failed})
    if (s == status_name(st)) return st;
  return std::nullopt;
}

}  // namespace accelnas::nas
