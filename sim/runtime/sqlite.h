// A small SQLite wrapper for the stores of long runs (the label store; later the NAS run store):
// a database, prepared statements, transactions, and the schema version check.
//
// Errors are UserErrors that name the file, "<path>: <reason>", and say what went wrong in
// the user's terms (not an SQLite file, corrupt, read-only, locked by another process). `noun`
// names what the file holds in those messages ("label database").
#ifndef ACCELNAS_SIM_RUNTIME_SQLITE_H
#define ACCELNAS_SIM_RUNTIME_SQLITE_H

#include <cstdint>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace accelnas::runtime::sql {

class Database {
 public:
  enum class Mode { ReadOnly, Create };  // Create: read-write, created when missing
  // Opens `path`; only a regular file (or a symlink to one) is opened, and in Create mode a
  // missing path is created (a device would get "<path>-journal" beside it). Throws UserError
  // "<path>: cannot open [or create] the <noun> (<why>)", or "<path>: the <noun> is read-only"
  // when Create finds it so. Waits up to 10 s for another process's lock.
  Database(const std::string& path, Mode mode, const std::string& noun);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }
  // Runs statements without results; throws as fail().
  void exec(const std::string& sql);
  // Throws the UserError for the last SQLite error; `what` (the SQL) is quoted for errors
  // without a clearer reason.
  [[noreturn]] void fail(const std::string& what) const;

 private:
  std::string path_;
  std::string noun_;
  sqlite3* db_ = nullptr;
};

// One prepared statement, finalized on scope exit. Indices of bind() start at 1, of the column
// getters at 0.
class Statement {
 public:
  Statement(const Database& db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int i, const std::string& v);
  void bind(int i, std::int64_t v);
  void bind(int i, double v);
  // True while there is a row.
  bool step();
  void reset();  // for the next bind() and step(); bindings cleared
  std::string text(int i) const;
  std::int64_t integer(int i) const;
  double real(int i) const;
  bool is_null(int i) const;

 private:
  const Database& db_;
  sqlite3_stmt* s_ = nullptr;
};

// BEGIN IMMEDIATE on construction; rolled back on scope exit unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// Reads meta.schema_version (the table `meta(key, value)` must exist) and refuses anything but
// `supported`: "<path>: written by a newer accelnas (<kind> schema N; this build reads schema
// M)" for a newer one, "<path>: <kind> schema N is not supported (this build reads M)" for an
// older one, and "<path>: not an accelnas <kind> store (no schema_version)" without one.
void check_schema_version(const Database& db, const std::string& kind, int supported);

// A store's whole check: the meta table ("<path>: an empty database, not a <kind> store
// (<fill_hint>)" or "<path>: an SQLite database but not an accelnas <kind> store (no meta
// table)"), check_schema_version(), then every table of `tables` ("<path>: <kind> store is
// missing its '<table>' table").
void check_store(const Database& db, const std::string& kind, const std::string& fill_hint,
                 int supported, const std::vector<std::string>& tables);

}  // namespace accelnas::runtime::sql

#endif  // ACCELNAS_SIM_RUNTIME_SQLITE_H
