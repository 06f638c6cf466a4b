// `accelnas label` and `accelnas labels`: determinism across process counts and MPI ranks,
// kill-and-resume, deduplication, exports, and the bad-input contract.
#include <doctest/doctest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "calibration/labels/label_db.h"
#include "tests/cli/cli_helpers.h"
#include "tests/common/small_space.h"

namespace {

using accelnas::cal::LabelDb;
using namespace accelnas::cli_test;

using accelnas::test_util::kSmallSpace;

// Every draw is the same unit.
const char* kOneUnitSpace = R"(name: one
units:
  - {type: conv, weight: 1}
resolution: [14]
in_channels: [32]
out_channels: [48]
keep_channels: 0
kernel: [3]
stride: [1]
precision: [int8]
context: {input_on_chip: 0, output_on_chip: 0, reserved_fraction: [0], prefetched: 0}
)";

std::string dump(const std::string& db) {
  std::ostringstream os;
  LabelDb(db, LabelDb::Mode::ReadOnly).canonical_dump(os);
  return os.str();
}

std::int64_t label_count(const std::string& db) {
  return LabelDb(db, LabelDb::Mode::ReadOnly).count();
}

std::vector<std::string> label_args(const std::string& space, const std::string& db, int count,
                                    const std::string& extra = "") {
  std::vector<std::string> a = {"label",  "--space", space,  "--count", std::to_string(count),
                                "--seed", "7",       "--db", db,        "-q"};
  if (!extra.empty()) a.push_back(extra);
  return a;
}

pid_t spawn(const std::vector<std::string>& args) {
  std::vector<std::string> text = {ACCELNAS_CLI};
  text.insert(text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Processes whose command line mentions `needle`.
int processes_mentioning(const std::string& needle) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string cmd = read_text(e.path().string() + "/cmdline");
    std::string flat = cmd;
    for (char& c : flat) c = c == '\0' ? ' ' : c;
    if (contains(flat, needle)) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("label: the same seed gives the same database with --jobs 1, --jobs 2 and MPI ranks") {
  const TempDir dir;
  const std::string space = dir.write("small.yaml", kSmallSpace);
  const auto one = run_cli(label_args(space, dir.file("j1.db"), 300));
  REQUIRE(one.exit_code == 0);
  CHECK(one.err.empty());  // -q
  auto two_args = label_args(space, dir.file("j2.db"), 300);
  two_args.insert(two_args.end(), {"--jobs", "2"});
  REQUIRE(run_cli(two_args).exit_code == 0);
  const std::string reference = dump(dir.file("j1.db"));
  CHECK(label_count(dir.file("j1.db")) > 200);
  CHECK(dump(dir.file("j2.db")) == reference);

#ifdef ACCELNAS_MPIEXEC
  // Two ranks under the launcher, as CI runs it (root in a container).
  const std::string cmd = std::string(ACCELNAS_MPIEXEC) +
                          " -n 2 --oversubscribe --allow-run-as-root " + ACCELNAS_CLI +
                          " label --space " + space + " --count 300 --seed 7 --db " +
                          dir.file("mpi.db") + " -q > " + dir.file("mpi.log") + " 2>&1";
  const int rc = std::system(cmd.c_str());
  INFO(read_text(dir.file("mpi.log")));
  REQUIRE(rc == 0);
  CHECK(dump(dir.file("mpi.db")) == reference);

  // A set-up failure stops every rank before work: one error line, a non-zero exit.
  const std::string bad = std::string(ACCELNAS_MPIEXEC) +
                          " -n 2 --oversubscribe --allow-run-as-root " + ACCELNAS_CLI +
                          " label --hw npu-pf16 --space " + space + " --count 30 --seed 7 --db " +
                          dir.file("mpi.db") + " -q > " + dir.file("bad.log") + " 2>&1";
  CHECK(std::system(bad.c_str()) != 0);
  const std::string log = read_text(dir.file("bad.log"));
  INFO(log);
  CHECK(contains(log, "accelnas: error: "));
  CHECK(contains(log, "other hardware"));
  CHECK(dump(dir.file("mpi.db")) == reference);
#else
  MESSAGE("built without MPI: the 2-rank comparison is skipped");
#endif
}

TEST_CASE("label: a run killed with SIGKILL and rerun equals an uninterrupted run") {
  const TempDir dir;
  const std::string space = dir.write("small.yaml", kSmallSpace);
  const int count = 6000;
  REQUIRE(run_cli(label_args(space, dir.file("whole.db"), count)).exit_code == 0);

  const std::string db = dir.file("killed.db");
  auto args = label_args(space, db, count);
  args.insert(args.end(), {"--jobs", "2"});
  const pid_t pid = spawn(args);
  REQUIRE(pid > 0);
  // Wait for the first committed batch, then kill the parent mid-run.
  std::int64_t at_kill = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (at_kill == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    try {
      at_kill = label_count(db);
    } catch (const std::exception&) {
      at_kill = 0;  // not created yet
    }
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  const std::int64_t after_kill = label_count(db);
  INFO("labels at kill: " << at_kill << ", after: " << after_kill);
  CHECK(after_kill > 0);
  CHECK(after_kill < count);  // killed mid-way, or the test proves nothing
  // The workers die with their parent.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(processes_mentioning(db) == 0);

  const auto rerun = run_cli(args);
  REQUIRE(rerun.exit_code == 0);
  CHECK(dump(db) == dump(dir.file("whole.db")));
}

TEST_CASE("label: repeated units are simulated once and a rerun simulates nothing") {
  const TempDir dir;
  const std::string space = dir.write("one.yaml", kOneUnitSpace);
  const std::string db = dir.file("one.db");
  std::vector<std::string> args = {"label", "--space", space, "--count", "50", "--db", db};
  const auto r = run_cli(args);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "49 duplicates, 1 to simulate"));
  CHECK(contains(r.err, "simulated 1 units"));
  CHECK(label_count(db) == 1);
  const auto again = run_cli(args);
  REQUIRE(again.exit_code == 0);
  CHECK(contains(again.err, "50 already in"));
  CHECK(contains(again.err, "0 to simulate"));
  CHECK(label_count(db) == 1);
}

TEST_CASE("label: a larger count simulates only the new samples") {
  const TempDir dir;
  const std::string space = dir.write("small.yaml", kSmallSpace);
  REQUIRE(run_cli(label_args(space, dir.file("a.db"), 100)).exit_code == 0);
  auto more = label_args(space, dir.file("a.db"), 200);
  more.pop_back();  // not quiet: read the summary
  const auto r = run_cli(more);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.err, "200 samples: 100 already in"));
  REQUIRE(run_cli(label_args(space, dir.file("b.db"), 200)).exit_code == 0);
  // Same rows; the run record keeps the larger count.
  CHECK(dump(dir.file("a.db")) == dump(dir.file("b.db")));
}

TEST_CASE("label: every simulator stat is stored, and unit-sum rows agree with their layers") {
  const TempDir dir;
  const std::string space = dir.write("small.yaml", kSmallSpace);
  const std::string db = dir.file("s.db");
  REQUIRE(run_cli(label_args(space, db, 60)).exit_code == 0);
  int ok = 0;
  LabelDb(db, LabelDb::Mode::ReadOnly).for_each([&ok](const accelnas::cal::LabelRow& row) {
    if (row.status != "ok") return;
    ++ok;
    CHECK(row.stats.cycles > 0);
    CHECK(row.stats.cycles == row.stats.compute_cycles + row.stats.stall_cycles);
    CHECK(row.stats.energy_pj > 0);
    CHECK(row.stats.latency_us > 0);
    CHECK(row.key.size() == 64);
    CHECK(contains(row.layers_json, "\"bands\""));
  });
  CHECK(ok > 30);
}

TEST_CASE("labels export: csv, parquet-friendly-csv and jsonl") {
  const TempDir dir;
  const std::string space = dir.write("small.yaml", kSmallSpace);
  const std::string db = dir.file("e.db");
  REQUIRE(run_cli(label_args(space, db, 40)).exit_code == 0);
  const std::int64_t n = label_count(db);

  const auto csv = run_cli({"labels", "export", "--db", db});
  REQUIRE(csv.exit_code == 0);
  const auto rows = split_lines(csv.out);
  REQUIRE(rows.size() == static_cast<std::size_t>(n) + 1);
  CHECK(rows[0].rfind("key,hw_hash,unit_type,status,reason,cycles,", 0) == 0);

  REQUIRE(run_cli({"labels", "export", "--db", db, "--format", "parquet-friendly-csv", "-o",
                   dir.file("flat.csv")})
              .exit_code == 0);
  const auto flat = split_lines(read_text(dir.file("flat.csv")));
  REQUIRE(flat.size() == static_cast<std::size_t>(n) + 1);
  const auto header = split_csv_row(flat[0]);
  CHECK(contains(flat[0], "in_channels") == false);
  for (std::size_t i = 1; i < flat.size(); ++i) {
    CHECK(split_csv_row(flat[i]).size() == header.size());
    CHECK(!contains(flat[i], "{"));  // no nested JSON
  }

  const auto jsonl = run_cli({"labels", "export", "--db", db, "--format", "jsonl"});
  REQUIRE(jsonl.exit_code == 0);
  CHECK(split_lines(jsonl.out).size() == static_cast<std::size_t>(n));

  const auto stats = run_cli({"labels", "stats", "--db", db});
  REQUIRE(stats.exit_code == 0);
  CHECK(contains(stats.out, std::to_string(n) + " labels"));
  CHECK(contains(stats.out, "ibn"));
  CHECK(contains(stats.out, "conv"));
}

TEST_CASE("labels export: every column name is unique in csv and parquet-friendly-csv") {
  const TempDir dir;
  const std::string space = dir.write("small.yaml", kSmallSpace);
  const std::string db = dir.file("u.db");
  REQUIRE(run_cli(label_args(space, db, 10)).exit_code == 0);
  for (const char* format : {"csv", "parquet-friendly-csv"}) {
    INFO(format);
    const auto r = run_cli({"labels", "export", "--db", db, "--format", format});
    REQUIRE(r.exit_code == 0);
    const auto header = split_csv_row(split_lines(r.out).at(0));
    std::set<std::string> seen;
    for (const auto& name : header) {
      INFO("column " << name);
      CHECK(seen.insert(name).second);
    }
    // The stats keep their names in both formats: one reader serves either file.
    CHECK(seen.count("cycles") == 1);
    CHECK(seen.count("macs") == 1);
  }
}

TEST_CASE("label: bad input gets one line and exit code 2") {
  const TempDir dir;
  const std::string space = dir.write("small.yaml", kSmallSpace);

  SUBCASE("a file that is not SQLite") {
    std::string junk;
    for (int i = 0; i < 200; ++i) junk += "this is not a database ";
    const std::string db = dir.write("junk.db", junk);
    check_error(run_cli(label_args(space, db, 10)), {"junk.db", "not an SQLite database"});
    check_error(run_cli({"labels", "stats", "--db", db}), {"junk.db", "not an SQLite database"});
    CHECK(read_text(db) == junk);  // untouched
  }
  SUBCASE("a truncated database") {
    const std::string db = dir.file("cut.db");
    REQUIRE(run_cli(label_args(space, db, 50)).exit_code == 0);
    const auto size = std::filesystem::file_size(db);
    std::filesystem::resize_file(db, size / 2 + 100);
    const auto r = run_cli({"labels", "export", "--db", db});
    check_error(r, {"cut.db"});
  }
  SUBCASE("an SQLite file that is not a label store") {
    const std::string db = dir.file("other.db");
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h, "CREATE TABLE t (x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
    check_error(run_cli(label_args(space, db, 10)), {"other.db", "not an accelnas label store"});
  }
  SUBCASE("a database of a newer schema") {
    const std::string db = dir.file("new.db");
    REQUIRE(run_cli(label_args(space, db, 5)).exit_code == 0);
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", nullptr,
                         nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
    check_error(run_cli({"labels", "stats", "--db", db}), {"new.db", "newer", "schema 99"});
  }
  SUBCASE("a database made for other hardware, unless --append-hw") {
    const std::string db = dir.file("hw.db");
    REQUIRE(run_cli(label_args(space, db, 20)).exit_code == 0);
    const std::string before = dump(db);
    auto args = label_args(space, db, 20);
    args.insert(args.end(), {"--hw", "npu-pf16"});
    check_error(run_cli(args), {"hw.db", "other hardware", "npu-pf32", "--append-hw"});
    CHECK(dump(db) == before);
    args.push_back("--append-hw");
    REQUIRE(run_cli(args).exit_code == 0);
    CHECK(LabelDb(db, LabelDb::Mode::ReadOnly).hardware().size() == 2);
  }
  SUBCASE("a space with an empty range") {
    const std::string bad =
        dir.write("empty.yaml", std::string(kSmallSpace) + "batch: {min: 4, max: 2}\n");
    const std::string db = dir.file("x.db");
    check_error(run_cli(label_args(bad, db, 10)), {"empty.yaml", "batch"});
    CHECK(!std::filesystem::exists(db));  // nothing created for a request that cannot run
  }
  SUBCASE("--count 0") {
    check_error(run_cli(label_args(space, dir.file("c.db"), 0)), {"--count"});
    CHECK(!std::filesystem::exists(dir.file("c.db")));
  }
  SUBCASE("a negative or overflowing seed, a count past the limit") {
    auto args = label_args(space, dir.file("s.db"), 10);
    args[6] = "-1";  // --seed
    check_error(run_cli(args), {"--seed", "got '-1'"});
    args[6] = "18446744073709551616";
    check_error(run_cli(args), {"--seed"});
    check_error(run_cli(label_args(space, dir.file("s.db"), 100000001)), {"--count", "100000000"});
    CHECK(!std::filesystem::exists(dir.file("s.db")));
  }
  SUBCASE("a missing space file") {
    check_error(run_cli(label_args(dir.file("nope.yaml"), dir.file("d.db"), 5)), {"nope.yaml"});
  }
  SUBCASE("a database path that cannot be written") {
    check_error(run_cli(label_args(space, dir.file("no/such/dir/l.db"), 5)),
                {"no/such/dir/l.db", "cannot open or create"});
    check_error(run_cli(label_args(space, "/proc/accelnas-labels.db", 5)),
                {"/proc/accelnas-labels.db"});
    if (::geteuid() != 0) {  // root writes through file modes
      const std::string db = dir.file("ro.db");
      REQUIRE(run_cli(label_args(space, db, 5)).exit_code == 0);
      ::chmod(db.c_str(), 0444);
      check_error(run_cli(label_args(space, db, 10)), {"ro.db", "read-only"});
    }
  }
  SUBCASE("a database to read that does not exist") {
    check_error(run_cli({"labels", "export", "--db", dir.file("missing.db")}),
                {"missing.db: no such file"});
    CHECK(!std::filesystem::exists(dir.file("missing.db")));
  }
  SUBCASE("an unknown export format") {
    const std::string db = dir.file("f.db");
    REQUIRE(run_cli(label_args(space, db, 5)).exit_code == 0);
    check_error(run_cli({"labels", "export", "--db", db, "--format", "parquet"}),
                {"--format", "parquet"});
  }
}
