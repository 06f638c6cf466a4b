// The SQLite wrapper (sim/runtime/sqlite.h): the schema version check names the file, and a
// transaction not committed leaves nothing behind.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "sim/runtime/sqlite.h"
#include "tests/common/test_util.h"

using namespace accelnas;
using runtime::sql::Database;
using runtime::sql::Statement;
using runtime::sql::Transaction;
using test_util::contains;
using test_util::user_error;

namespace {

// A fresh database path, removed at scope exit.
struct TempDb {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("accelnas_test_sqlite_" + std::to_string(::getpid()) + ".db"))
                         .string();
  TempDb() { std::filesystem::remove(path); }
  ~TempDb() { std::filesystem::remove(path); }
};

void make_store(const std::string& path, const std::string& version) {
  Database db(path, Database::Mode::Create, "test database");
  db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  db.exec("INSERT INTO meta VALUES ('schema_version', '" + version + "')");
}

}  // namespace

TEST_CASE("sqlite store: a schema version newer than supported is refused, naming the file") {
  const TempDb t;
  make_store(t.path, "3");
  const Database db(t.path, Database::Mode::ReadOnly, "test database");
  CHECK(user_error([&] { runtime::sql::check_schema_version(db, "run", 2); }) ==
        t.path + ": written by a newer accelnas (run schema 3; this build reads schema 2)");
  CHECK(user_error([&] { runtime::sql::check_schema_version(db, "run", 3); }) == "<no error>");
  CHECK(contains(user_error([&] { runtime::sql::check_schema_version(db, "run", 4); }),
                 t.path + ": run schema 3 is not supported"));
}

TEST_CASE("sqlite store: a store without a schema version is not ours") {
  const TempDb t;
  {
    Database db(t.path, Database::Mode::Create, "test database");
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  }
  const Database db(t.path, Database::Mode::ReadOnly, "test database");
  CHECK(user_error([&] { runtime::sql::check_schema_version(db, "run", 1); }) ==
        t.path + ": not an accelnas run store (no schema_version)");
}

TEST_CASE("sqlite store: a transaction not committed is rolled back") {
  const TempDb t;
  Database db(t.path, Database::Mode::Create, "test database");
  db.exec("CREATE TABLE x (v INTEGER)");
  {
    Transaction tx(db);
    db.exec("INSERT INTO x VALUES (1)");
  }
  {
    Transaction tx(db);
    Statement s(db, "INSERT INTO x VALUES (?)");
    s.bind(1, std::int64_t{2});
    s.step();
    tx.commit();
  }
  Statement count(db, "SELECT count(*), sum(v) FROM x");
  REQUIRE(count.step());
  CHECK(count.integer(0) == 1);
  CHECK(count.integer(1) == 2);
}

TEST_CASE("sqlite store: a file that is not SQLite is named in the error") {
  const TempDb t;
  {
    std::FILE* f = std::fopen(t.path.c_str(), "w");
    std::fputs("not a database, just some text that is long enough to be a header\n", f);
    std::fclose(f);
  }
  const std::string err = user_error([&] {
    const Database db(t.path, Database::Mode::ReadOnly, "test database");
    Statement s(db, "SELECT count(*) FROM sqlite_master");
    s.step();
  });
  CHECK(contains(err, t.path + ": not an SQLite database"));
}
