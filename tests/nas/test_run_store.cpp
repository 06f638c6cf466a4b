// The run store: a run's configuration is its identity, candidates and generations read back
// exactly, and anything that is not this run's store is refused with one line naming the file.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "nas/run_store.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/test_util.h"

using namespace accelnas;
using test_util::contains;
using test_util::user_error;

namespace {

std::map<std::string, std::string> identity(const std::string& seed = "1") {
  return {{"space", "toy abc"}, {"seed", seed}, {"strategy", "nsga2 {}"}};
}

nas::CandidateRow row(std::int64_t id, std::int64_t gen, nas::Encoding e, nas::Status s) {
  nas::CandidateRow r;
  r.id = id;
  r.generation = gen;
  r.encoding = std::move(e);
  r.status = s;
  r.network_key = s == nas::Status::CannotBuild ? "" : "key" + std::to_string(id);
  r.arch = "arch " + std::to_string(id);
  if (s == nas::Status::Ok) {
    r.metrics.latency_ms = 0.1 * double(id + 1);
    r.metrics.cycles = 1000.0 * double(id + 1);
    r.metrics.params = 100 + id;
    r.metrics.macs = 1000 + id;
    r.metrics.peak_activation_bytes = 10 + id;
    r.metrics.weight_bytes = 5 + id;
    r.metrics.accuracy = 1.0 / 3.0;
    r.violation = id == 1 ? 0.25 : 0;
    r.score = r.metrics.latency_ms;
  } else {
    r.reason = "too small";
  }
  return r;
}

std::string dump(const nas::RunStore& s) {
  std::ostringstream os;
  s.canonical_dump(os);
  return os.str();
}

}  // namespace

TEST_CASE("nas: the run store reads back every candidate, generation and verification exactly") {
  test::ProcessTempDir tmp("accelnas_run_store");
  const std::string path = (tmp.path / "run.db").string();
  std::vector<nas::CandidateRow> rows = {row(0, 0, {0, 1}, nas::Status::Ok),
                                         row(1, 0, {1, 1}, nas::Status::Ok),
                                         row(2, 0, {2, 0}, nas::Status::CannotBuild)};
  {
    nas::RunStore s(path, nas::RunStore::Mode::Create);
    CHECK(s.config().empty());
    CHECK(!s.last_generation());
    s.open_run(identity(), {{"space_text", "name: toy"}});
    s.commit_generation(rows, {0, 3, 3, "{\"g\":0}"});
    nas::CandidateRow dup = rows[0];
    dup.id = 3;
    dup.generation = 1;
    dup.encoding = {0, 2};
    dup.duplicate_of = 0;
    s.commit_generation({dup}, {1, 4, 3, "{\"g\":1}"});
    s.add_verified({{"key0", nas::Status::Ok, "", 0.12, 1200, 3.5}});
  }
  const nas::RunStore s(path, nas::RunStore::Mode::ReadOnly);
  CHECK(s.config().at("space_text") == "name: toy");
  CHECK(s.config().at("seed") == "1");
  const auto back = s.candidates();
  REQUIRE(back.size() == 4);
  CHECK(back[0].metrics.latency_ms == rows[0].metrics.latency_ms);
  CHECK(back[0].metrics.accuracy == 1.0 / 3.0);
  CHECK(std::isnan(back[0].metrics.energy_uj));
  CHECK(back[1].violation == 0.25);
  CHECK(back[2].status == nas::Status::CannotBuild);
  CHECK(back[2].reason == "too small");
  CHECK(back[2].network_key.empty());
  CHECK(back[3].duplicate_of == 0);
  CHECK(back[3].encoding == nas::Encoding{0, 2});
  REQUIRE(s.last_generation());
  CHECK(s.last_generation()->generation == 1);
  CHECK(s.last_generation()->state == "{\"g\":1}");
  CHECK(s.generations(false).size() == 2);
  REQUIRE(s.verified().size() == 1);
  CHECK(s.verified()[0].latency_ms == 0.12);
  CHECK(contains(dump(s), "candidate\t3\t1\t0.2\tkey0"));
}

TEST_CASE("nas: a run store of another run is refused with one line naming the key that differs") {
  test::ProcessTempDir tmp("accelnas_run_store_other");
  const std::string path = (tmp.path / "run.db").string();
  nas::RunStore s(path, nas::RunStore::Mode::Create);
  s.open_run(identity("1"), {});
  s.open_run(identity("1"), {{"note", "later info is kept"}});  // the same run continues
  CHECK(s.config().at("note") == "later info is kept");
  CHECK(user_error([&] { s.open_run(identity("2"), {}); }) ==
        path +
            ": a run of another seed (stored: 1; asked: 2); use another --db, or the options "
            "of the stored run");
}

TEST_CASE("nas: a file that is not a run store is one error naming it") {
  test::ProcessTempDir tmp("accelnas_run_store_bad");
  const std::string text = (tmp.path / "notes.db").string();
  std::ofstream(text) << "not a database at all, just some text that is long enough\n";
  CHECK(contains(user_error([&] { nas::RunStore(text, nas::RunStore::Mode::Create); }), text));
  const std::string labels = test::make_label_store(tmp.path, 5, 1);
  const std::string e = user_error([&] { nas::RunStore(labels, nas::RunStore::Mode::ReadOnly); });
  CHECK(contains(e, labels));
  CHECK(contains(e, "run store is missing its 'run' table"));
  CHECK(contains(user_error([&] {
                   nas::RunStore((tmp.path / "missing.db").string(), nas::RunStore::Mode::ReadOnly);
                 }),
                 "missing.db"));
}
