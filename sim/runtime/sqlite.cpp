#include "sim/runtime/sqlite.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "workloads/config/error.h"
#include "workloads/config/input_file.h"

namespace accelnas::runtime::sql {

Database::Database(const std::string& path, Mode mode, const std::string& noun)
    : path_(path), noun_(noun) {
  const int flags =
      mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  struct stat st {};
  if (mode == Mode::ReadOnly || ::stat(path.c_str(), &st) == 0) check_input_file(path);
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const int sys = db_ ? sqlite3_system_errno(db_) : 0;
    const std::string why = sys ? std::strerror(sys) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw UserError(path + ": cannot " + (mode == Mode::ReadOnly ? "open" : "open or create") +
                    " the " + noun + " (" + why + ")");
  }
  sqlite3_busy_timeout(db_, 10000);
  if (mode == Mode::Create && sqlite3_db_readonly(db_, "main") == 1) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw UserError(path + ": the " + noun + " is read-only");
  }
}

Database::~Database() {
  if (db_) sqlite3_close(db_);
}

void Database::fail(const std::string& what) const {
  const int code = sqlite3_errcode(db_);
  std::string reason = sqlite3_errmsg(db_);
  if (code == SQLITE_NOTADB) {
    reason = "not an SQLite database (" + reason + ")";
  } else if (code == SQLITE_CORRUPT) {
    reason = "the database is corrupt (" + reason + ")";
  } else if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM) {
    const int sys = sqlite3_system_errno(db_);
    reason = "cannot write the " + noun_ + " (" + reason +
             (sys ? std::string(": ") + std::strerror(sys) : std::string()) + ")";
  } else if (code == SQLITE_BUSY) {
    reason = "the database is locked by another process (" + reason + ")";
  } else {
    reason += " [" + what.substr(0, 40) + "]";
  }
  throw UserError(path_ + ": " + reason);
}

void Database::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    fail(sql);
  }
}

Statement::Statement(const Database& db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &s_, nullptr) != SQLITE_OK) db.fail(sql);
}

Statement::~Statement() {
  sqlite3_finalize(s_);
}

void Statement::bind(int i, const std::string& v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

void Statement::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(s_, i, v);
}

void Statement::bind(int i, double v) {
  sqlite3_bind_double(s_, i, v);
}

bool Statement::step() {
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail("step");
}

void Statement::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

std::string Statement::text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, i))) : "";
}

std::int64_t Statement::integer(int i) const {
  return sqlite3_column_int64(s_, i);
}

double Statement::real(int i) const {
  return sqlite3_column_double(s_, i);
}

bool Statement::is_null(int i) const {
  return sqlite3_column_type(s_, i) == SQLITE_NULL;
}

Transaction::Transaction(Database& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

void check_schema_version(const Database& db, const std::string& kind, int supported) {
  const std::string& path = db.path();
  Statement v(db, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!v.step()) throw UserError(path + ": not an accelnas " + kind + " store (no schema_version)");
  const std::string text = v.text(0);
  int version = 0;
  try {
    version = std::stoi(text);
  } catch (const std::exception&) {
    throw UserError(path + ": schema_version '" + text + "' is not a number");
  }
  if (version > supported) {
    throw UserError(path + ": written by a newer accelnas (" + kind + " schema " + text +
                    "; this build reads schema " + std::to_string(supported) + ")");
  }
  if (version != supported) {
    throw UserError(path + ": " + kind + " schema " + text +
                    " is not supported (this build reads " + std::to_string(supported) + ")");
  }
}

void check_store(const Database& db, const std::string& kind, const std::string& fill_hint,
                 int supported, const std::vector<std::string>& tables) {
  const std::string& path = db.path();
  Statement meta(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  if (!meta.step()) {
    Statement any(db, "SELECT count(*) FROM sqlite_master");
    any.step();
    throw UserError(path + (any.integer(0) == 0 ? ": an empty database, not a " + kind +
                                                      " store (" + fill_hint + ")"
                                                : ": an SQLite database but not an accelnas " +
                                                      kind + " store (no meta table)"));
  }
  check_schema_version(db, kind, supported);
  for (const std::string& t : tables) {
    Statement s(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='" + t + "'");
    if (!s.step()) throw UserError(path + ": " + kind + " store is missing its '" + t + "' table");
  }
}

}  // namespace accelnas::runtime::sql
