#include "nas/strategies/common.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "workloads/config/error.h"

namespace accelnas::nas::detail {

std::string param_text(const StrategyContext& ctx, const StrategyInfo& info,
                       const std::string& key) {
  const auto it = ctx.params.find(key);
  if (it != ctx.params.end()) return it->second;
  for (const StrategyParam& p : info.params)
    if (p.key == key) return p.default_value;
  ACCELNAS_PANIC("strategy " + info.name + " reads an undeclared parameter " + key);
}

std::int64_t parse_int_param(const std::string& key, const std::string& text, std::int64_t lo,
                             std::int64_t hi) {
  std::int64_t v = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto r = std::from_chars(first, last, v);
  if (text.empty() || r.ec != std::errc() || r.ptr != last || v < lo || v > hi) {
    throw UserError("--strategy-param " + key + ": expected an integer from " + std::to_string(lo) +
                    " to " + std::to_string(hi) + ", got '" + text + "'");
  }
  return v;
}

double parse_probability_param(const std::string& key, const std::string& text, bool allow_auto) {
  if (allow_auto && text == "auto") return -1;
  double v = 0;
  std::size_t used = 0;
  bool ok = !text.empty() && text.find_first_of(" \t\n") == std::string::npos;
  if (ok) {
    try {
      v = std::stod(text, &used);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (!ok || used != text.size() || !(v >= 0 && v <= 1)) {
    throw UserError("--strategy-param " + key + ": expected a probability from 0 to 1" +
                    std::string(allow_auto ? " or 'auto'" : "") + ", got '" + text + "'");
  }
  return v;
}

void check_context(const StrategyContext& ctx, const std::string& strategy) {
  for (std::size_t d = 0; d < ctx.cardinalities.size(); ++d) {
    if (ctx.cardinalities[d] < 1)
      throw UserError("strategy " + strategy + ": dimension " + std::to_string(d) +
                      " has no choice");
  }
  if (ctx.base) check_encoding(*ctx.base, ctx.cardinalities, strategy);
}

runtime::Rng step_rng(std::uint64_t seed, std::uint64_t step, std::uint64_t salt) {
  return runtime::Rng(seed, step * 16 + salt);
}

Encoding random_encoding(const std::vector<int>& cards, runtime::Rng& rng) {
  Encoding e(cards.size());
  for (std::size_t d = 0; d < cards.size(); ++d)
    e[d] = static_cast<int>(rng.below(static_cast<std::uint64_t>(cards[d])));
  return e;
}

namespace {
void change(Encoding& e, std::size_t d, int card, runtime::Rng& rng) {
  // A different choice, uniformly: draw among card - 1 and skip the current one.
  const int v = static_cast<int>(rng.below(static_cast<std::uint64_t>(card - 1)));
  e[d] = v >= e[d] ? v + 1 : v;
}
}  // namespace

void mutate(Encoding& e, const std::vector<int>& cards, double p, runtime::Rng& rng,
            bool at_least_one) {
  std::size_t open = 0;
  bool changed = false;
  for (std::size_t d = 0; d < cards.size(); ++d) {
    if (cards[d] < 2) continue;
    ++open;
    if (rng.chance(p)) {
      change(e, d, cards[d], rng);
      changed = true;
    }
  }
  if (changed || open == 0 || !at_least_one) return;
  std::uint64_t pick = rng.below(open);
  for (std::size_t d = 0; d < cards.size(); ++d) {
    if (cards[d] < 2) continue;
    if (pick-- == 0) {
      change(e, d, cards[d], rng);
      return;
    }
  }
}

double auto_mutation_probability(const std::vector<int>& cards) {
  std::size_t open = 0;
  for (int c : cards) open += c > 1 ? 1 : 0;
  return open == 0 ? 1.0 : 1.0 / static_cast<double>(open);
}

std::string probability_text(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", p);
  // The shortest text that reads back the same value.
  for (int digits = 1; digits <= 17; ++digits) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", digits, p);
    if (std::stod(shorter) == p) return shorter;
  }
  return buf;
}

bool better_by_score(const Result& a, const Result& b) {
  auto cls = [](const Result& r) {
    if (r.status != Status::Ok) return 2;
    return r.violation > 0 ? 1 : 0;
  };
  const int ca = cls(a);
  const int cb = cls(b);
  if (ca != cb) return ca < cb;
  if (ca == 0) return a.score < b.score;
  if (ca == 1) return a.violation < b.violation;
  return false;
}

// Members are stored by column, {"count": n, "encodings": "e1;e2;...", "statuses":
// "ok;failed;...", "violations": [...], "scores": [...], "objectives": [count, values..., ...]},
// each strategy keeping only the results it reads: the state is written at every generation
// boundary, so its build and dump time matter.
nlohmann::json members_json(const std::vector<Member>& ms, MemberFields fields) {
  std::string encodings;
  std::string statuses;
  nlohmann::json violations = nlohmann::json::array();
  nlohmann::json scores = nlohmann::json::array();
  nlohmann::json objectives = nlohmann::json::array();
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (i > 0) {
      encodings += ';';
      statuses += ';';
    }
    for (std::size_t d = 0; d < ms[i].encoding.size(); ++d) {
      if (d > 0) encodings += '.';
      char buf[16];
      const auto r = std::to_chars(buf, buf + sizeof buf, ms[i].encoding[d]);
      encodings.append(buf, r.ptr);
    }
    statuses += status_name(ms[i].result.status);
    violations.push_back(ms[i].result.violation);
    if (fields != MemberFields::Objectives) scores.push_back(ms[i].result.score);
    if (fields != MemberFields::Score) {
      objectives.push_back(ms[i].result.objectives.size());
      for (double o : ms[i].result.objectives) objectives.push_back(o);
    }
  }
  nlohmann::json j = {{"count", ms.size()},
                      {"encodings", encodings},
                      {"statuses", statuses},
                      {"violations", violations}};
  if (fields != MemberFields::Objectives) j["scores"] = scores;
  if (fields != MemberFields::Score) j["objectives"] = objectives;
  return j;
}

namespace {
std::vector<std::string> split(const std::string& text, char sep, std::size_t count) {
  std::vector<std::string> parts;
  if (count == 0) return parts;
  std::size_t at = 0;
  while (true) {
    const std::size_t end = text.find(sep, at);
    parts.push_back(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return parts;
}
}  // namespace

std::vector<Member> members_from_json(const nlohmann::json& j, MemberFields fields) {
  const auto fail = [] { throw UserError("strategy state: malformed members"); };
  if (!j.is_object()) fail();
  const auto count = j.at("count").get<std::size_t>();
  const auto encodings = split(j.at("encodings").get<std::string>(), ';', count);
  const auto statuses = split(j.at("statuses").get<std::string>(), ';', count);
  const auto violations = j.at("violations").get<std::vector<double>>();
  std::vector<double> scores(count, 0.0);
  if (fields != MemberFields::Objectives) scores = j.at("scores").get<std::vector<double>>();
  std::vector<double> objectives;
  if (fields != MemberFields::Score) objectives = j.at("objectives").get<std::vector<double>>();
  if (encodings.size() != count || statuses.size() != count || violations.size() != count ||
      scores.size() != count)
    fail();
  std::vector<Member> ms(count);
  std::size_t at = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto e = parse_encoding(encodings[i]);
    const auto status = status_from_name(statuses[i]);
    if (!e || !status) fail();
    ms[i].encoding = *e;
    ms[i].result.status = *status;
    ms[i].result.violation = violations[i];
    ms[i].result.score = scores[i];
    if (fields == MemberFields::Score) continue;
    if (at >= objectives.size()) fail();
    const double n = objectives[at++];
    if (!(n >= 0) || n > static_cast<double>(objectives.size() - at) || n != std::floor(n)) fail();
    ms[i].result.objectives.assign(objectives.begin() + static_cast<long>(at),
                                   objectives.begin() + static_cast<long>(at + n));
    at += static_cast<std::size_t>(n);
  }
  if (at != objectives.size()) fail();
  return ms;
}

Encoding encoding_from_json(const nlohmann::json& j) {
  const auto e = parse_encoding(j.get<std::string>());
  if (!e) throw UserError("strategy state: malformed encoding " + j.dump());
  return *e;
}

nlohmann::json state_header(const std::string& strategy) {
  return {{"strategy", strategy}, {"version", 1}};
}

void check_state(const nlohmann::json& state, const std::string& strategy) {
  if (!state.is_object() || !state.contains("strategy") || !state["strategy"].is_string())
    throw UserError("restore of strategy " + strategy + ": not a strategy state");
  const std::string written = state["strategy"].get<std::string>();
  if (written != strategy)
    throw UserError("restore of strategy " + strategy + ": the state was written by strategy " +
                    written);
  if (!state.contains("version") || state["version"] != 1)
    throw UserError("restore of strategy " + strategy + ": unknown state version");
}

void check_encoding(const Encoding& e, const std::vector<int>& cards, const std::string& strategy) {
  bool ok = e.size() == cards.size();
  for (std::size_t d = 0; ok && d < e.size(); ++d) ok = e[d] >= 0 && e[d] < cards[d];
  if (!ok)
    throw UserError("strategy " + strategy + ": encoding '" + encoding_text(e) +
                    "' does not fit the space's " + std::to_string(cards.size()) + " dimensions");
}

nlohmann::json population_state_json(const std::string& strategy, std::uint64_t generation,
                                     const std::vector<Member>& population,
                                     const std::vector<Member>& told, MemberFields fields) {
  nlohmann::json j = state_header(strategy);
  j["generation"] = generation;
  j["population"] = members_json(population, fields);
  j["told"] = members_json(told, fields);
  return j;
}

void restore_population_state(const nlohmann::json& state, const std::string& strategy,
                              const std::vector<int>& cards, MemberFields fields,
                              PopulationState& into) {
  check_state(state, strategy);
  guard_restore(strategy, [&] {
    PopulationState s;
    s.generation = state.at("generation").get<std::uint64_t>();
    s.population = members_from_json(state.at("population"), fields);
    s.told = members_from_json(state.at("told"), fields);
    for (const auto* list : {&s.population, &s.told})
      for (const Member& m : *list) check_encoding(m.encoding, cards, strategy);
    into = std::move(s);
  });
}

}  // namespace accelnas::nas::detail
