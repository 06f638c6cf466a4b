// The search driver: the store is a pure function of the run's inputs (threads, workers and
// interruptions change nothing), no network is evaluated twice, the budget holds, and the
// front holds feasible networks only.
#include <doctest/doctest.h>

#include <set>

#include "nas/search.h"
#include "tests/common/test_util.h"
#include "tests/nas/nas_helpers.h"

using namespace accelnas;
using test_util::contains;
using test_util::user_error;

namespace {

nas::EvalContext estimator_context(const nas::AccuracyEvaluator* acc, int threads, int workers) {
  nas::EvalContext ctx;
  ctx.mode = nas::ScoreMode::Estimator;
  ctx.estimator = &test::toy_estimator();
  ctx.hw = &test::toy_hw();
  ctx.accuracy = acc;
  ctx.threads = threads;
  ctx.workers = workers;
  return ctx;
}

nas::SearchOptions options(const std::string& strategy, std::int64_t evaluations) {
  nas::SearchOptions o;
  o.strategy = strategy;
  o.evaluations = evaluations;
  o.seed = 7;
  o.strategy_params = strategy == "nsga2" ? std::map<std::string, std::string>{{"population", "16"}}
                      : strategy == "evolution"
                          ? std::map<std::string, std::string>{{"population", "16"},
                                                               {"sample", "4"},
                                                               {"batch", "8"}}
                          : std::map<std::string, std::string>{};
  return o;
}

// Runs a search into a fresh store and returns its canonical dump.
std::string run(const std::filesystem::path& dir, const std::string& name,
                const nas::EvalContext& ctx, const nas::SearchOptions& opt) {
  const std::string path = (dir / (name + ".db")).string();
  nas::RunStore store(path, nas::RunStore::Mode::Create);
  nas::run_search(test::toy_space(), ctx, "est", store, opt);
  return test::dump(store);
}

}  // namespace

TEST_CASE("nas search: the same seed gives the same store with 1 or 2 threads and 1 or 2 workers") {
  test::ProcessTempDir tmp("accelnas_search_det");
  const auto acc = nas::make_evaluator("params");
  for (const std::string strategy : {"nsga2", "evolution", "random", "local"}) {
    CAPTURE(strategy);
    const nas::SearchOptions opt = options(strategy, 60);
    const std::string one = run(tmp.path, strategy + "_1", estimator_context(acc.get(), 1, 1), opt);
    CHECK(one == run(tmp.path, strategy + "_t2", estimator_context(acc.get(), 2, 1), opt));
    CHECK(one == run(tmp.path, strategy + "_w2", estimator_context(acc.get(), 1, 2), opt));
    nas::SearchOptions other = opt;
    other.seed = 8;
    CHECK(one != run(tmp.path, strategy + "_s8", estimator_context(acc.get(), 1, 1), other));
  }
}

TEST_CASE(
    "nas search: interrupted after any generation and rerun, the store equals the "
    "uninterrupted run's") {
  test::ProcessTempDir tmp("accelnas_search_resume");
  const auto acc = nas::make_evaluator("params");
  const nas::EvalContext ctx = estimator_context(acc.get(), 2, 1);
  nas::SearchOptions opt = options("nsga2", 80);
  opt.constraints.max_latency_ms = 0.05;
  const std::string whole = run(tmp.path, "whole", ctx, opt);
  struct Killed {};
  for (const std::int64_t kill_after : {0, 2}) {
    CAPTURE(kill_after);
    const std::string path = (tmp.path / ("killed" + std::to_string(kill_after) + ".db")).string();
    {
      nas::RunStore store(path, nas::RunStore::Mode::Create);
      CHECK_THROWS_AS(nas::run_search(test::toy_space(), ctx, "est", store, opt,
                                      [&](const nas::SearchProgress& p) {
                                        if (p.generation == kill_after) throw Killed{};
                                      }),
                      Killed);
    }
    nas::RunStore store(path, nas::RunStore::Mode::Create);
    const nas::SearchResult r = nas::run_search(test::toy_space(), ctx, "est", store, opt);
    CHECK(r.resumed_at > 0);
    CHECK(test::dump(store) == whole);
  }
}

TEST_CASE(
    "nas search: no network is evaluated twice, the budget is exact, duplicates repeat "
    "their first result") {
  test::ProcessTempDir tmp("accelnas_search_dedup");
  const auto acc = nas::make_evaluator("params");
  nas::RunStore store((tmp.path / "run.db").string(), nas::RunStore::Mode::Create);
  const nas::SearchResult r = nas::run_search(test::toy_space(), estimator_context(acc.get(), 2, 1),
                                              "est", store, options("evolution", 150));
  CHECK(r.evaluations == 150);
  std::set<std::string> keys;
  std::int64_t evaluated = 0, duplicates = 0;
  for (const nas::CandidateRow& row : r.rows) {
    if (row.duplicate_of >= 0) {
      ++duplicates;
      const nas::CandidateRow& first = r.rows[static_cast<std::size_t>(row.duplicate_of)];
      CHECK(first.duplicate_of < 0);
      CHECK(first.network_key == row.network_key);
      CHECK(first.metrics.latency_ms == row.metrics.latency_ms);
      continue;
    }
    ++evaluated;
    const std::string key =
        row.network_key.empty() ? "enc:" + nas::encoding_text(row.encoding) : row.network_key;
    CHECK_MESSAGE(keys.insert(key).second, "network evaluated twice: ", key);
  }
  CHECK(evaluated == 150);
  CHECK(duplicates > 0);  // evolution re-proposes networks in a space this small
  // A larger budget extends the finished run; the same budget adds nothing.
  nas::RunStore again((tmp.path / "run.db").string(), nas::RunStore::Mode::Create);
  const std::string before = test::dump(again);
  CHECK(nas::run_search(test::toy_space(), estimator_context(acc.get(), 2, 1), "est", again,
                        options("evolution", 150))
            .evaluations == 150);
  CHECK(test::dump(again) == before);
  const nas::SearchResult more =
      nas::run_search(test::toy_space(), estimator_context(acc.get(), 2, 1), "est", again,
                      options("evolution", 170));
  INFO(more.stop);
  CHECK(more.evaluations == 170);
}

TEST_CASE(
    "nas search: the front holds only feasible networks, and a run of other options is "
    "refused") {
  test::ProcessTempDir tmp("accelnas_search_front");
  const auto acc = nas::make_evaluator("params");
  const nas::EvalContext ctx = estimator_context(acc.get(), 2, 1);
  nas::SearchOptions opt = options("nsga2", 100);
  opt.objectives = {nas::Objective::Latency, nas::Objective::Params};
  opt.constraints.max_params = 30000;
  const std::string path = (tmp.path / "run.db").string();
  nas::RunStore store(path, nas::RunStore::Mode::Create);
  const nas::SearchResult r = nas::run_search(test::toy_space(), ctx, "est", store, opt);
  const auto front = nas::front_rows(r.rows, opt.objectives);
  REQUIRE(!front.empty());
  std::int64_t infeasible = 0;
  for (const auto& row : r.rows) infeasible += row.status == nas::Status::Ok && row.violation > 0;
  CHECK(infeasible > 0);  // the constraint binds
  for (const std::size_t i : front) {
    CHECK(r.rows[i].violation == 0);
    CHECK(r.rows[i].metrics.params <= 30000);
    for (const auto& other : r.rows) {  // nothing feasible dominates a front member
      if (other.status != nas::Status::Ok || other.violation > 0) continue;
      const bool dominates = other.metrics.latency_ms <= r.rows[i].metrics.latency_ms &&
                             other.metrics.params <= r.rows[i].metrics.params &&
                             (other.metrics.latency_ms < r.rows[i].metrics.latency_ms ||
                              other.metrics.params < r.rows[i].metrics.params);
      CHECK(!dominates);
    }
  }
  nas::SearchOptions other = opt;
  other.strategy = "random";
  other.strategy_params.clear();
  CHECK(contains(user_error([&] { nas::run_search(test::toy_space(), ctx, "est", store, other); }),
                 path + ": a run of another strategy"));
  CHECK(contains(user_error([&] { nas::run_search(test::toy_space(), ctx, "other", store, opt); }),
                 path + ": a run of another estimator"));
}

TEST_CASE(
    "nas search: a space exhausted stops the run as stalled, and a resumed run stalls where "
    "the uninterrupted one did") {
  test::ProcessTempDir tmp("accelnas_search_stall");
  const nas::SearchSpace tiny = nas::SearchSpace::parse(R"(name: tiny
resolution: 32
stem: {channels: {multiples_of: pf, values: [1]}, kernel: 3, stride: 2}
stages:
  - {depth: 1, stride: 2, block: [ibn, conv], kernel: 3, expansion: 3,
     channels: {multiples_of: pf, values: [1, 2]}}
head: {type: classifier, classes: 10}
)",
                                                        "tiny.yaml", test::toy_hw());
  const auto acc = nas::make_evaluator("params");
  const nas::EvalContext ctx = estimator_context(acc.get(), 1, 1);
  nas::SearchOptions opt = options("random", 1000);
  opt.strategy_params = {{"batch", "8"}};
  opt.stall_generations = 4;
  const auto run_into = [&](const std::string& name, const std::function<void()>& before) {
    const std::string path = (tmp.path / name).string();
    if (before) before();
    nas::RunStore store(path, nas::RunStore::Mode::Create);
    const nas::SearchResult r = nas::run_search(tiny, ctx, "est", store, opt);
    return std::make_pair(r, test::dump(store));
  };
  const auto [whole, whole_dump] = run_into("whole.db", {});
  CHECK(whole.evaluations == 4);  // 2 block types x 2 channel counts
  CHECK(contains(whole.stop, "stalled (4 generations"));
  // Interrupted after its second generation, then rerun twice: the same store each time.
  struct Killed {};
  const std::string path = (tmp.path / "killed.db").string();
  {
    nas::RunStore store(path, nas::RunStore::Mode::Create);
    CHECK_THROWS_AS(nas::run_search(tiny, ctx, "est", store, opt,
                                    [](const nas::SearchProgress& p) {
                                      if (p.generation == 1) throw Killed{};
                                    }),
                    Killed);
  }
  for (int rerun = 0; rerun < 2; ++rerun) {
    nas::RunStore store(path, nas::RunStore::Mode::Create);
    const nas::SearchResult r = nas::run_search(tiny, ctx, "est", store, opt);
    CHECK(contains(r.stop, "stalled"));
    CHECK(test::dump(store) == whole_dump);
  }
}
