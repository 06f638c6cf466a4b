// The search strategies behind ask/tell: each finds what it is meant to find on toy problems
// solved here by exhaustive enumeration, is a pure function of its seed and the told results,
// resumes from its state exactly, and validates its parameters.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <string>

#include "nas/candidate.h"
#include "nas/pareto.h"
#include "nas/strategy.h"
#include "workloads/config/error.h"

using namespace accelnas;
using nas::Encoding;
using nas::Result;

namespace {

using Evaluate = std::function<Result(const Encoding&)>;

std::unique_ptr<nas::Strategy> make(const std::string& name, const std::vector<int>& cards,
                                    std::uint64_t seed,
                                    std::map<std::string, std::string> params = {},
                                    std::optional<Encoding> base = std::nullopt) {
  nas::StrategyContext ctx;
  ctx.cardinalities = cards;
  ctx.seed = seed;
  ctx.params = std::move(params);
  ctx.base = std::move(base);
  return nas::make_strategy(name, ctx);
}

// A driver without deduplication: ask a full batch, tell every result, end the generation.
// Returns every ask, generation by generation.
std::vector<std::vector<Encoding>> drive(nas::Strategy& s, const Evaluate& evaluate,
                                         std::size_t generations,
                                         const std::function<void()>& after = {}) {
  std::vector<std::vector<Encoding>> asks;
  for (std::size_t g = 0; g < generations; ++g) {
    const auto batch = s.ask(s.batch_size());
    for (const Encoding& c : batch) s.tell(c, evaluate(c));
    s.end_generation();
    asks.push_back(batch);
    if (after) after();
  }
  return asks;
}

// Every encoding of a space, in lexicographic order.
std::vector<Encoding> all_encodings(const std::vector<int>& cards) {
  std::vector<Encoding> out;
  Encoding e(cards.size(), 0);
  while (true) {
    out.push_back(e);
    std::size_t d = 0;
    for (; d < cards.size(); ++d) {
      if (++e[d] < cards[d]) break;
      e[d] = 0;
    }
    if (d == cards.size()) return out;
  }
}

// Bi-objective toy: weighted squared distances to the lowest and the highest choice conflict;
// its front has 23 points (16 when x0 + x1 + x2 <= 3 is required).
const std::vector<int> kBiCards(7, 4);

Result bi_objective(const Encoding& x, bool constrained) {
  Result r;
  double a = 0;
  double b = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    a += (1.0 + 0.13 * i) * x[i] * x[i];
    b += (1.7 - 0.11 * i) * (3 - x[i]) * (3 - x[i]);
  }
  r.objectives = {a, b};
  r.score = a + b;
  if (constrained) r.violation = std::max(0.0, (x[0] + x[1] + x[2] - 3) / 3.0);
  return r;
}

// A mixed toy for the contract tests: some candidates cannot be built, some fail, some are
// infeasible.
Result mixed(const Encoding& x) {
  Result r = bi_objective(x, true);
  if (x[0] == 3 && x[1] == 3) r = Result{nas::Status::CannotBuild, {}, 0, 0};
  if (x[2] == 0 && x[3] == 0 && x[4] == 0) r = Result{nas::Status::Failed, {}, 0, 0};
  return r;
}

std::set<Encoding> exhaustive_front(bool constrained) {
  const auto all = all_encodings(kBiCards);
  std::vector<nas::Point> pts;
  std::vector<double> violation;
  for (const Encoding& e : all) {
    const Result r = bi_objective(e, constrained);
    pts.push_back(r.objectives);
    violation.push_back(r.violation);
  }
  std::set<Encoding> front;
  for (std::size_t i : nas::pareto_front(pts, violation)) front.insert(all[i]);
  return front;
}

// The members a strategy's state holds, by column: {"count", "encodings" (';'-separated),
// "statuses" (';'-separated), "violations", "scores" (evolution, local), "objectives" (nsga2:
// [count, values..., ...])}.
struct StateMember {
  Encoding encoding;
  std::string status;
  double violation;
  double score;
  std::vector<double> objectives;
};
std::vector<StateMember> state_members(const nlohmann::json& j) {
  std::vector<StateMember> ms;
  const std::string encodings = j.at("encodings").get<std::string>() + ";";
  const std::string statuses = j.at("statuses").get<std::string>() + ";";
  std::size_t e_at = 0;
  std::size_t s_at = 0;
  std::size_t o_at = 0;
  for (std::size_t i = 0; i < j.at("count").get<std::size_t>(); ++i) {
    const std::size_t e_end = encodings.find(';', e_at);
    const std::size_t s_end = statuses.find(';', s_at);
    StateMember m{*nas::parse_encoding(encodings.substr(e_at, e_end - e_at)),
                  statuses.substr(s_at, s_end - s_at),
                  j.at("violations").at(i).get<double>(),
                  j.contains("scores") ? j.at("scores").at(i).get<double>() : 0.0,
                  {}};
    if (j.contains("objectives")) {
      const auto& o = j.at("objectives");
      const auto count = o.at(o_at).get<std::size_t>();
      for (std::size_t k = 0; k < count; ++k) m.objectives.push_back(o.at(o_at + 1 + k));
      o_at += 1 + count;
    }
    e_at = e_end + 1;
    s_at = s_end + 1;
    ms.push_back(m);
  }
  return ms;
}

// The first front of the population an nsga2 state holds, and whether it has infeasible members.
std::set<Encoding> first_front(const nlohmann::json& state, bool* any_infeasible) {
  std::vector<Encoding> enc;
  std::vector<nas::Point> pts;
  std::vector<double> violation;
  for (const StateMember& m : state_members(state.at("population"))) {
    if (m.status != "ok") continue;
    enc.push_back(m.encoding);
    pts.push_back(m.objectives);
    violation.push_back(m.violation);
  }
  std::set<Encoding> front;
  *any_infeasible = false;
  const auto fronts = nas::nondominated_sort(pts, violation);
  for (std::size_t i : fronts.at(0)) {
    front.insert(enc[i]);
    *any_infeasible = *any_infeasible || violation[i] > 0;
  }
  return front;
}

void check_nsga2_finds_front(bool constrained) {
  const auto front = exhaustive_front(constrained);
  REQUIRE(front.size() == (constrained ? 16 : 23));
  auto s = make("nsga2", kBiCards, 11);
  // 100 generations of 64: 6400 evaluations of a 16384-point space.
  drive(
      *s, [&](const Encoding& x) { return bi_objective(x, constrained); }, 100);
  bool any_infeasible = true;
  const auto found = first_front(s->state(), &any_infeasible);
  for (const auto& e : found)
    if (!front.count(e)) MESSAGE("extra " << nas::encoding_text(e));
  for (const auto& e : front)
    if (!found.count(e)) MESSAGE("missing " << nas::encoding_text(e));
  CHECK_FALSE(any_infeasible);
  CHECK(found == front);
}

// Single-objective toy with its optimum at `target`: the L1 distance, plus a coupling term so
// that the choices are not independent.
const std::vector<int> kSoCards(8, 5);
const Encoding kTarget = {4, 0, 3, 1, 2, 4, 0, 3};
Result single_objective(const Encoding& x) {
  Result r;
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) d += std::abs(x[i] - kTarget[i]);
  d += (x[0] == kTarget[0]) != (x[1] == kTarget[1]) ? 0.5 : 0;
  r.score = d;
  r.objectives = {d};
  return r;
}

double best_score(const std::vector<std::vector<Encoding>>& asks, const Evaluate& evaluate,
                  std::size_t generations) {
  double best = 1e300;
  for (std::size_t g = 0; g < generations && g < asks.size(); ++g)
    for (const Encoding& e : asks[g]) best = std::min(best, evaluate(e).score);
  return best;
}

std::string user_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("nas nsga2: the final population's first front is the exhaustive Pareto front") {
  check_nsga2_finds_front(false);
}

TEST_CASE("nas nsga2: with a constraint, the first front is the exhaustive feasible front") {
  check_nsga2_finds_front(true);
}

TEST_CASE("nas nsga2: failed and cannot_build members give way to every built one") {
  auto s = make("nsga2", kBiCards, 5, {{"population", "16"}});
  drive(*s, mixed, 30);
  const auto state = s->state();
  std::size_t broken = 0;
  const auto population = state_members(state.at("population"));
  for (const auto& m : population) broken += m.status != "ok" ? 1 : 0;
  CHECK(broken == 0);  // enough built candidates exist to fill the population
  CHECK(population.size() == 16);
}

TEST_CASE("nas evolution: improves on its random start and finds the toy optimum") {
  auto s = make("evolution", kSoCards, 3);
  const auto asks = drive(*s, single_objective, 200);  // 64 random, then 16 children a generation
  const double random_best = best_score(asks, single_objective, 4);
  const double final_best = best_score(asks, single_objective, asks.size());
  CHECK(random_best > 0);
  CHECK(final_best == 0);
  // The population (the latest 64 members: aging lets even the best die) is far better than
  // the random one it started from.
  auto mean_score = [](const nlohmann::json& population) {
    double sum = 0;
    const auto members = state_members(population);
    for (const auto& m : members) sum += m.score;
    return sum / static_cast<double>(members.size());
  };
  auto start = make("evolution", kSoCards, 3);
  drive(*start, single_objective, 4);
  const auto state = s->state();
  CHECK(state_members(state.at("population")).size() == 64);
  CHECK(mean_score(state.at("population")) < 0.5 * mean_score(start->state().at("population")));
}

TEST_CASE("nas evolution: a child differs from its parent in at least one choice") {
  auto s =
      make("evolution", kSoCards, 9, {{"population", "8"}, {"sample", "1000"}, {"batch", "4"}});
  drive(*s, single_objective, 2);  // population filled by random members
  const auto state = s->state();
  std::set<Encoding> population;
  for (const auto& m : state_members(state.at("population"))) population.insert(m.encoding);
  // A tournament of 1000 draws from 8 members: the winner is the best member, so every child of
  // this generation is a mutation of it.
  Encoding best;
  double best_score_seen = 1e300;
  for (const Encoding& e : population) {
    if (single_objective(e).score < best_score_seen) {
      best_score_seen = single_objective(e).score;
      best = e;
    }
  }
  for (const Encoding& child : s->ask(4)) CHECK(child != best);
}

TEST_CASE("nas local: from the base point every move improves until a local optimum") {
  // Two basins: the target, and its mirror image a little worse.
  const std::vector<int> cards(6, 4);
  const Encoding a = {3, 0, 2, 1, 3, 0};
  const Encoding b = {0, 3, 1, 2, 0, 3};
  auto score = [&](const Encoding& x) {
    double da = 0;
    double db = 0.5;
    for (std::size_t i = 0; i < x.size(); ++i) {
      da += 1.5 * std::abs(x[i] - a[i]);
      db += std::abs(x[i] - b[i]);
    }
    Result r;
    r.score = std::min(da, db);
    return r;
  };
  const Encoding base = {1, 2, 1, 2, 1, 2};
  auto s = make("local", cards, 4, {{"batch", "5"}, {"restarts", "0"}}, base);
  CHECK(s->ask(5).at(0) == base);  // the base point is evaluated first
  s = make("local", cards, 4, {{"batch", "5"}, {"restarts", "0"}}, base);
  std::vector<Encoding> path = {base};
  double last = score(base).score;
  std::size_t generations = 0;
  while (generations < 1000) {
    const auto batch = s->ask(5);
    if (batch.empty()) break;  // restarts = 0: done after the first local optimum
    for (const Encoding& c : batch) s->tell(c, score(c));
    s->end_generation();
    ++generations;
    const auto state = s->state();
    const StateMember current_member = state_members(state.at("current")).at(0);
    const Encoding current = current_member.encoding;
    if (current != path.back()) {
      const double now = current_member.score;
      CHECK(now < last);
      last = now;
      path.push_back(current);
    }
  }
  CHECK(generations < 1000);
  CHECK(path.size() > 2);
  // The end point is a local optimum: no single-choice neighbour scores better.
  const Encoding end = path.back();
  for (std::size_t d = 0; d < end.size(); ++d) {
    for (int v = 0; v < cards[d]; ++v) {
      Encoding n = end;
      n[d] = v;
      CHECK(score(n).score >= score(end).score);
    }
  }
  CHECK(s->ask(5).empty());
}

TEST_CASE("nas local: a local optimum restarts from a random point when restarts remain") {
  const std::vector<int> cards(3, 3);
  auto flat = [](const Encoding&) { return Result{}; };  // nothing ever improves
  auto s = make("local", cards, 2, {{"batch", "100"}}, Encoding{0, 0, 0});
  drive(*s, flat, 1);  // the base point and its 6 neighbours: a local optimum
  CHECK(s->state().at("restarts") == 1);
  CHECK(s->state().at("evaluated") == false);
  CHECK(s->ask(100).size() == 7);  // the new start point and its neighbours
}

TEST_CASE("nas strategies: the same seed asks the same candidates, another seed others") {
  for (const std::string& name : nas::strategy_names()) {
    CAPTURE(name);
    auto a = make(name, kBiCards, 21);
    auto b = make(name, kBiCards, 21);
    auto c = make(name, kBiCards, 22);
    const auto asks_a = drive(*a, mixed, 12);
    CHECK(asks_a == drive(*b, mixed, 12));
    CHECK(asks_a != drive(*c, mixed, 12));
  }
}

TEST_CASE("nas strategies: restore(state()) mid-run continues exactly as the uninterrupted run") {
  for (const std::string& name : nas::strategy_names()) {
    for (std::size_t cut : {1, 3, 7}) {
      CAPTURE(name);
      CAPTURE(cut);
      const std::map<std::string, std::string> params =
          name == "local" ? std::map<std::string, std::string>{{"batch", "7"}}
                          : std::map<std::string, std::string>{};
      auto whole = make(name, kBiCards, 8, params);
      const auto uninterrupted = drive(*whole, mixed, cut + 10);
      auto first = make(name, kBiCards, 8, params);
      const auto head = drive(*first, mixed, cut);
      // Through text, as the run store keeps it.
      const auto saved = nlohmann::json::parse(first->state().dump());
      auto resumed = make(name, kBiCards, 8, params);
      resumed->restore(saved);
      CHECK(resumed->state() == saved);
      auto asks = head;
      for (const auto& batch : drive(*resumed, mixed, 10)) asks.push_back(batch);
      CHECK(asks == uninterrupted);
    }
  }
}

TEST_CASE("nas strategies: the state stays the size of the population, not of the run") {
  for (const std::string& name : nas::strategy_names()) {
    CAPTURE(name);
    auto s = make(name, kBiCards, 1);
    drive(*s, mixed, 20);
    const auto early = s->state().dump().size();
    drive(*s, mixed, 200);
    CHECK(s->state().dump().size() < 2 * early + 200);
  }
}

TEST_CASE("nas strategies: ask returns at least one candidate even when nothing can be built") {
  auto broken = [](const Encoding&) { return Result{nas::Status::CannotBuild, {}, 0, 0}; };
  for (const std::string& name : nas::strategy_names()) {
    CAPTURE(name);
    auto s = make(name, kBiCards, 1);
    for (int g = 0; g < 30; ++g) {
      const auto batch = s->ask(3);
      REQUIRE(!batch.empty());
      CHECK(batch.size() <= 3);
      for (const Encoding& c : batch) {
        CHECK(c.size() == kBiCards.size());
        s->tell(c, broken(c));
      }
      s->end_generation();
    }
  }
}

TEST_CASE("nas strategies: parameters are validated, defaults filled in") {
  CHECK(user_error([] {
          make("nsga2", kBiCards, 1, {{"popsize", "8"}});
        }) ==
        "--strategy-param 'popsize': unknown parameter of nsga2 (did you mean: population?); "
        "expected one of: population, crossover, mutation");
  CHECK(user_error([] {
          make("nsga2", kBiCards, 1, {{"population", "x"}});
        }) == "--strategy-param population: expected an integer from 2 to 100000, got 'x'");
  CHECK(user_error([] {
          make("nsga2", kBiCards, 1, {{"population", "1"}});
        }) == "--strategy-param population: expected an integer from 2 to 100000, got '1'");
  CHECK(user_error([] {
          make("nsga2", kBiCards, 1, {{"crossover", "1.5"}});
        }) == "--strategy-param crossover: expected a probability from 0 to 1, got '1.5'");
  CHECK(user_error([] {
          make("evolution", kBiCards, 1, {{"mutation", "often"}});
        }) ==
        "--strategy-param mutation: expected a probability from 0 to 1 or 'auto', got 'often'");
  CHECK(user_error([] {
          make("local", kBiCards, 1, {{"restarts", "-1"}});
        }) == "--strategy-param restarts: expected an integer from 0 to 1000000000, got '-1'");
  CHECK(user_error([] { make("nsg2", kBiCards, 1); }) ==
        "unknown strategy 'nsg2' (did you mean: nsga2?); expected one of: random, evolution, "
        "nsga2, local");
  CHECK(user_error([] { make("random", {3, 0}, 1); }) != "(no error)");
  CHECK(user_error([] { make("local", {3, 3}, 1, {}, Encoding{3, 0}); }) != "(no error)");

  using Params = std::map<std::string, std::string>;
  CHECK(make("random", kBiCards, 1)->params() == Params{{"batch", "64"}});
  CHECK(make("evolution", kBiCards, 1)->params() ==
        Params{{"population", "64"}, {"sample", "16"}, {"mutation", "auto"}, {"batch", "16"}});
  CHECK(make("nsga2", kBiCards, 1)->params() ==
        Params{{"population", "64"}, {"crossover", "0.9"}, {"mutation", "auto"}});
  CHECK(make("local", kBiCards, 1)->params() == Params{{"batch", "32"}, {"restarts", "unlimited"}});
  CHECK(make("nsga2", kBiCards, 1, {{"mutation", "0.25"}, {"population", "10"}})->params() ==
        Params{{"population", "10"}, {"crossover", "0.9"}, {"mutation", "0.25"}});
  CHECK(make("nsga2", kBiCards, 1, {{"population", "10"}})->batch_size() == 10);
  // Every declared parameter is reported, and only those.
  for (const auto& info : nas::strategies()) {
    CAPTURE(info.name);
    const auto params = make(info.name, kBiCards, 1)->params();
    CHECK(params.size() == info.params.size());
    for (const auto& p : info.params) CHECK(params.count(p.key) == 1);
  }
}

TEST_CASE("nas strategies: restoring another strategy's or a malformed state is a user error") {
  auto nsga2 = make("nsga2", kBiCards, 1);
  drive(*nsga2, mixed, 2);
  for (const std::string& name : nas::strategy_names()) {
    CAPTURE(name);
    auto s = make(name, kBiCards, 1);
    if (name != "nsga2")
      CHECK(user_error([&] { s->restore(nsga2->state()); }).find("nsga2") != std::string::npos);
    CHECK(user_error([&] { s->restore(nlohmann::json::array()); }) != "(no error)");
    nlohmann::json bad = s->state();
    bad.erase("generation");
    CHECK(user_error([&] { s->restore(bad); }) != "(no error)");
    bad = s->state();
    bad["generation"] = "seven";
    CHECK(user_error([&] { s->restore(bad); }) != "(no error)");
  }
  nlohmann::json wrong = nsga2->state();
  const std::string encodings = wrong["population"]["encodings"];
  wrong["population"]["encodings"] = "9.9" + encodings.substr(encodings.find(';'));
  CHECK(user_error([&] { make("nsga2", kBiCards, 1)->restore(wrong); }) != "(no error)");
  wrong = nsga2->state();
  wrong["population"]["statuses"] = "exploded" + wrong["population"]["statuses"].get<std::string>();
  CHECK(user_error([&] { make("nsga2", kBiCards, 1)->restore(wrong); }) != "(no error)");
}

TEST_CASE("nas random: ask returns min(n, batch) independent uniform draws") {
  auto s = make("random", {2, 3, 5}, 1, {{"batch", "4"}});
  CHECK(s->ask(10).size() == 4);
  CHECK(s->ask(2).size() == 2);
  std::map<int, int> counts;
  auto t = make("random", {5}, 3, {{"batch", "1000"}});
  for (int g = 0; g < 5; ++g) {
    for (const Encoding& e : t->ask(1000)) ++counts[e[0]];
    t->end_generation();
  }
  REQUIRE(counts.size() == 5);
  for (const auto& [choice, n] : counts) CHECK(std::abs(n - 1000) < 150);
}
