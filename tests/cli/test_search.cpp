// `accelnas search` and `search report` as a user runs them: a whole run with its outputs, a run
// killed with SIGKILL and rerun, the same outputs from `search report`, and the bad-input
// contract (one line, exit 2).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "nas/run_store.h"
#include "tests/cli/cli_helpers.h"
#include "tests/common/small_space.h"
#include "tests/common/toy_search_space.h"

namespace {

using json = nlohmann::json;
using namespace accelnas::cli_test;
namespace fs = std::filesystem;

// A search of the toy space scored by simulation (no estimator needed).
std::vector<std::string> sim_search(const std::string& space, const std::string& db,
                                    const std::string& out, const std::string& evaluations) {
  return {"search",
          "--space",
          space,
          "--score",
          "sim",
          "--strategy",
          "nsga2",
          "--strategy-param",
          "population=8",
          "--evaluations",
          evaluations,
          "--seed",
          "3",
          "--db",
          db,
          "-o",
          out,
          "--no-plot",
          "-q",
          "--objectives",
          "latency,params"};
}

// An estimator of npu-pf32 from a few small labels (fast, not accurate).
std::string small_estimator(const TempDir& dir) {
  const std::string space = dir.write("small.yaml", accelnas::test_util::kSmallSpace);
  const std::string db = dir.file("labels.db"), est = dir.file("est.json");
  REQUIRE(run_cli({"label", "--space", space, "--count", "200", "--seed", "7", "--db", db, "-q"})
              .exit_code == 0);
  const auto fit = run_cli({"fit", "--db", db, "-o", est, "--rounds", "20"});
  INFO(fit.err);
  REQUIRE(fit.exit_code == 0);
  return est;
}

}  // namespace

TEST_CASE(
    "search cli: a run writes the front, every candidate, the history, a summary and "
    "loadable front networks, and search report renders the same from the store") {
  const TempDir dir;
  const std::string space = dir.write("toy.yaml", accelnas::test_util::kToySearchSpace);
  const std::string est = small_estimator(dir);
  const std::string out = dir.file("out");
  const auto r =
      run_cli({"search", "--space", space, "--estimator", est, "--evaluations", "120",
               "--strategy-param", "population=16", "--seed", "2", "-o", out, "--no-plot"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "search: space toy"));
  CHECK(contains(r.err, "120/120 networks"));
  CHECK(contains(r.out, "verified"));  // the front simulated in SystemC
  for (const char* f : {"run.db", "pareto.csv", "candidates.csv", "history.csv", "summary.json"})
    CHECK_MESSAGE(fs::exists(fs::path(out) / f), f);
  const json summary = json::parse(read_text(out + "/summary.json"));
  CHECK(summary["evaluations"] == 120);
  CHECK(summary["front"].size() >= 1);
  CHECK(summary["verification"]["verified"] == summary["front"].size());
  // Every front network file simulates with `accelnas simulate`.
  for (const auto& m : summary["front"]) {
    const std::string file = out + "/" + m["network_file"].get<std::string>();
    const auto s = run_cli({"simulate", "--model", file, "--format", "json"});
    INFO(s.err);
    REQUIRE(s.exit_code == 0);
    const json sim = json::parse(s.out);
    CHECK(sim["total"]["latency_ms"].get<double>() ==
          doctest::Approx(m["simulated"]["latency_ms"].get<double>()).epsilon(1e-9));
  }
  // search report: the same files again, from the store alone.
  const std::string again = dir.file("again");
  const auto rep = run_cli({"search", "report", "--db", out + "/run.db", "-o", again, "--no-plot"});
  INFO(rep.err);
  REQUIRE(rep.exit_code == 0);
  for (const char* f : {"pareto.csv", "candidates.csv", "history.csv", "summary.json"})
    CHECK_MESSAGE(read_text(out + "/" + f) == read_text(again + "/" + f), f);
}

TEST_CASE(
    "search cli: SIGKILL mid-run and the same command again give the uninterrupted run's "
    "outputs") {
  const TempDir dir;
  const std::string space = dir.write("toy.yaml", accelnas::test_util::kToySearchSpace);
  const auto whole = run_cli(sim_search(space, dir.file("whole.db"), dir.file("whole"), "400"));
  INFO(whole.err);
  REQUIRE(whole.exit_code == 0);

  const std::string db = dir.file("killed.db");
  std::vector<std::string> argv_text = {ACCELNAS_CLI};
  for (const auto& a : sim_search(space, db, dir.file("killed"), "400")) argv_text.push_back(a);
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  // Kill it once a few generations are committed (or give up after 60 s: it finished first).
  bool killed = false;
  for (int i = 0; i < 3000 && !killed; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    try {
      if (!fs::exists(db)) continue;
      const accelnas::nas::RunStore s(db, accelnas::nas::RunStore::Mode::ReadOnly);
      const auto g = s.last_generation();
      if (g && g->generation >= 3) killed = ::kill(pid, SIGKILL) == 0;
    } catch (const std::exception&) {  // the store is being created
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(killed);
  CHECK(WIFSIGNALED(status));
  const auto rerun = run_cli(sim_search(space, db, dir.file("killed"), "400"));
  INFO(rerun.err);
  REQUIRE(rerun.exit_code == 0);
  for (const char* f : {"pareto.csv", "candidates.csv", "history.csv", "summary.json"}) {
    CHECK_MESSAGE(read_text(dir.file("whole") + "/" + f) == read_text(dir.file("killed") + "/" + f),
                  f);
  }
}

TEST_CASE("search cli: bad input is one line and exit 2") {
  const TempDir dir;
  const std::string space = dir.write("toy.yaml", accelnas::test_util::kToySearchSpace);
  SUBCASE("--evaluations 0") {
    check_error(run_cli(sim_search(space, dir.file("r.db"), dir.file("o"), "0")),
                {"--evaluations", "expected an integer from 1"});
  }
  SUBCASE("a malformed space names the file and line") {
    const std::string bad = dir.write("bad.yaml", "name: bad\nresolution: [32\n");
    check_error(run_cli(sim_search(bad, dir.file("r.db"), dir.file("o"), "10")),
                {"bad.yaml:", "malformed YAML"});
  }
  SUBCASE("an empty choice list and an inverted depth range are located") {
    std::string text = accelnas::test_util::kToySearchSpace;
    const std::string empty =
        dir.write("empty.yaml", text.replace(text.find("kernel: [3, 5]"), 14, "kernel: []"));
    check_error(run_cli(sim_search(empty, dir.file("r.db"), dir.file("o"), "10")),
                {"empty.yaml:", "kernel"});
    text = accelnas::test_util::kToySearchSpace;
    const std::string inverted =
        dir.write("inverted.yaml", text.replace(text.find("depth: [0, 2]"), 13, "depth: [2, 0]"));
    check_error(run_cli(sim_search(inverted, dir.file("r.db"), dir.file("o"), "10")),
                {"inverted.yaml:", "depth"});
  }
  SUBCASE("an impossible constraint ends with no feasible candidate, not an empty success") {
    auto args = sim_search(space, dir.file("r.db"), dir.file("o"), "20");
    args.insert(args.end(), {"--max-latency", "1ns"});
    check_error(run_cli(args), {"no feasible candidate among 20 evaluated", "latency <= 1e-06 ms"});
  }
  SUBCASE("a store of another run is refused") {
    REQUIRE(run_cli(sim_search(space, dir.file("r.db"), dir.file("o"), "10")).exit_code == 0);
    auto args = sim_search(space, dir.file("r.db"), dir.file("o"), "10");
    args[12] = "4";  // --seed 4 instead of 3
    check_error(run_cli(args), {"r.db", "a run of another seed (stored: 3; asked: 4)"});
  }
  SUBCASE("an estimator for other hardware is refused unless --force") {
    const std::string est = small_estimator(dir);
    check_error(run_cli({"search", "--space", space, "--estimator", est, "--hw", "npu-pf16",
                         "--evaluations", "10", "-o", dir.file("o"), "-q"}),
                {est, "npu-pf16"});
  }
  SUBCASE("missing estimator, unknown strategy, unknown objective, a strategy parameter") {
    check_error(run_cli({"search", "--space", space, "-o", dir.file("o")}),
                {"--estimator is required"});
    auto args = sim_search(space, dir.file("r.db"), dir.file("o"), "10");
    args[6] = "nsga3";
    check_error(run_cli(args), {"unknown strategy 'nsga3'"});
    args = sim_search(space, dir.file("r.db"), dir.file("o"), "10");
    args.back() = "latency,flops";
    check_error(run_cli(args), {"--objectives", "unknown objective 'flops'"});
    args = sim_search(space, dir.file("r.db"), dir.file("o"), "10");
    args[8] = "popsize=8";
    check_error(run_cli(args), {"--strategy-param", "popsize"});
    args = sim_search(space, dir.file("r.db"), dir.file("o"), "10");
    args.insert(args.end(),
                {"--reward", "mnas", "--target-latency", "1ms", "--reward-weight", "nan"});
    check_error(run_cli(args), {"--reward-weight: expected a finite number"});
  }
  SUBCASE("search report on a missing or foreign store") {
    check_error(run_cli({"search", "report", "--db", dir.file("none.db"), "-o", dir.file("o")}),
                {"none.db"});
    const std::string text = dir.write("text.db", "not a database, just text of some length\n");
    check_error(run_cli({"search", "report", "--db", text, "-o", dir.file("o")}), {"text.db"});
  }
}
