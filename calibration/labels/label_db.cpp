#include "calibration/labels/label_db.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "sim/report.h"
#include "workloads/config/error.h"
#include "workloads/config/input_file.h"

namespace accelnas::cal {
namespace {

using i64 = std::int64_t;

// One prepared statement, finalized on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql, const std::function<void(const std::string&)>& fail)
      : db_(db), fail_(fail) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK) fail_(sql);
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  void bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, i64 v) { sqlite3_bind_int64(s_, i, v); }
  void bind(int i, double v) { sqlite3_bind_double(s_, i, v); }
  // True while there is a row.
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail_("step");
    return false;
  }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::string text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, i))) : "";
  }
  i64 integer(int i) const { return sqlite3_column_int64(s_, i); }
  double real(int i) const { return sqlite3_column_double(s_, i); }
  bool is_null(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  std::function<void(const std::string&)> fail_;
};

// Column name, SQL type.
const std::vector<std::pair<std::string, std::string>>& stat_schema() {
  static const std::vector<std::pair<std::string, std::string>> cols = {
      {"cycles", "INTEGER"},
      {"compute_cycles", "INTEGER"},
      {"stall_cycles", "INTEGER"},
      {"latency_us", "REAL"},
      {"macs", "INTEGER"},
      {"vector_ops", "INTEGER"},
      {"utilization", "REAL"},
      {"dram_read_bytes", "INTEGER"},
      {"dram_write_bytes", "INTEGER"},
      {"sram_peak_bytes", "INTEGER"},
      {"sram_access_bytes", "INTEGER"},
      {"energy_pj", "REAL"},
      {"tiles", "INTEGER"},
      {"weights_streamed_layers", "INTEGER"}};
  return cols;
}

void bind_stats(Stmt& s, int first, const LabelStats& t) {
  s.bind(first + 0, t.cycles);
  s.bind(first + 1, t.compute_cycles);
  s.bind(first + 2, t.stall_cycles);
  s.bind(first + 3, t.latency_us);
  s.bind(first + 4, t.macs);
  s.bind(first + 5, t.vector_ops);
  s.bind(first + 6, t.utilization);
  s.bind(first + 7, t.dram_read_bytes);
  s.bind(first + 8, t.dram_write_bytes);
  s.bind(first + 9, t.sram_peak_bytes);
  s.bind(first + 10, t.sram_access_bytes);
  s.bind(first + 11, t.energy_pj);
  s.bind(first + 12, t.tiles);
  s.bind(first + 13, t.weights_streamed_layers);
}

LabelStats read_stats(const Stmt& s, int first) {
  LabelStats t;
  t.cycles = s.integer(first + 0);
  t.compute_cycles = s.integer(first + 1);
  t.stall_cycles = s.integer(first + 2);
  t.latency_us = s.real(first + 3);
  t.macs = s.integer(first + 4);
  t.vector_ops = s.integer(first + 5);
  t.utilization = s.real(first + 6);
  t.dram_read_bytes = s.integer(first + 7);
  t.dram_write_bytes = s.integer(first + 8);
  t.sram_peak_bytes = s.integer(first + 9);
  t.sram_access_bytes = s.integer(first + 10);
  t.energy_pj = s.real(first + 11);
  t.tiles = s.integer(first + 12);
  t.weights_streamed_layers = s.integer(first + 13);
  return t;
}

std::string stat_column_list() {
  std::string out;
  for (const auto& c : stat_schema()) out += ", " + c.first;
  return out;
}

std::string label_columns() {
  return "key, hw_hash, unit_type, unit_text, status, reason" + stat_column_list() +
         ", layers_json";
}

}  // namespace

const std::vector<std::string>& label_stat_columns() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& c : stat_schema()) v.push_back(c.first);
    return v;
  }();
  return names;
}

std::vector<std::string> label_stat_values(const LabelStats& t) {
  return {std::to_string(t.cycles),
          std::to_string(t.compute_cycles),
          std::to_string(t.stall_cycles),
          sim::fixed(t.latency_us, 4),
          std::to_string(t.macs),
          std::to_string(t.vector_ops),
          sim::fixed(t.utilization, 6),
          std::to_string(t.dram_read_bytes),
          std::to_string(t.dram_write_bytes),
          std::to_string(t.sram_peak_bytes),
          std::to_string(t.sram_access_bytes),
          sim::fixed(t.energy_pj, 3),
          std::to_string(t.tiles),
          std::to_string(t.weights_streamed_layers)};
}

LabelDb::LabelDb(const std::string& path, Mode mode) : path_(path) {
  if (path.empty()) throw UserError("--db: empty path");
  const int flags =
      mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  // SQLite on a device or FIFO would write "<path>-journal" beside it (/dev/null-journal): only a
  // regular file (or a symlink to one) is opened, and a path that does not exist is created.
  struct stat st {};
  if (mode == Mode::ReadOnly || ::stat(path.c_str(), &st) == 0) check_input_file(path);
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const int sys = db_ ? sqlite3_system_errno(db_) : 0;
    const std::string why = sys ? std::strerror(sys) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw UserError(path + ": cannot " + (mode == Mode::ReadOnly ? "open" : "open or create") +
                    " the label database (" + why + ")");
  }
  sqlite3_busy_timeout(db_, 10000);
  try {
    if (mode == Mode::Create) {
      if (sqlite3_db_readonly(db_, "main") == 1)
        throw UserError(path + ": the label database is read-only");
      init_schema();
    }
    check_schema();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

LabelDb::~LabelDb() {
  if (db_) sqlite3_close(db_);
}

void LabelDb::fail(const std::string& what) const {
  const int code = sqlite3_errcode(db_);
  std::string reason = sqlite3_errmsg(db_);
  if (code == SQLITE_NOTADB) {
    reason = "not an SQLite database (" + reason + ")";
  } else if (code == SQLITE_CORRUPT) {
    reason = "the database is corrupt (" + reason + ")";
  } else if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM) {
    const int sys = sqlite3_system_errno(db_);
    reason = "cannot write the label database (" + reason +
             (sys ? std::string(": ") + std::strerror(sys) : std::string()) + ")";
  } else if (code == SQLITE_BUSY) {
    reason = "the database is locked by another process (" + reason + ")";
  } else {
    reason += " [" + what.substr(0, 40) + "]";
  }
  throw UserError(path_ + ": " + reason);
}

void LabelDb::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    fail(sql);
  }
}

void LabelDb::init_schema() {
  // Probe: the first read tells a non-SQLite file apart before anything is written.
  Stmt probe(db_, "SELECT count(*) FROM sqlite_master", [this](const std::string& w) { fail(w); });
  probe.step();
  const bool empty = probe.integer(0) == 0;
  if (!empty) return;  // an existing database: check_schema() decides whether it is ours
  std::string stats;
  for (const auto& c : stat_schema()) stats += ",\n  " + c.first + " " + c.second + " NOT NULL";
  exec("BEGIN IMMEDIATE");
  exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  exec("INSERT INTO meta VALUES ('schema_version', '" + std::to_string(kLabelSchemaVersion) +
       "'), ('created_by', 'accelnas label')");
  exec(
      "CREATE TABLE hardware (hash TEXT PRIMARY KEY, canonical TEXT NOT NULL, "
      "description TEXT NOT NULL)");
  exec(
      "CREATE TABLE runs (hw_hash TEXT NOT NULL, space_hash TEXT NOT NULL, seed TEXT NOT NULL, "
      "space_name TEXT NOT NULL, space_text TEXT NOT NULL, count INTEGER NOT NULL, "
      "PRIMARY KEY (hw_hash, space_hash, seed))");
  exec(
      "CREATE TABLE labels (\n  key TEXT PRIMARY KEY,\n  hw_hash TEXT NOT NULL REFERENCES "
      "hardware(hash),\n  unit_type TEXT NOT NULL,\n  unit_text TEXT NOT NULL,\n  status TEXT "
      "NOT NULL,\n  reason TEXT NOT NULL" +
      stats + ",\n  layers_json TEXT NOT NULL)");
  exec("COMMIT");
}

void LabelDb::check_schema() {
  auto fail_fn = [this](const std::string& w) { fail(w); };
  Stmt tables(db_, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
              fail_fn);
  if (!tables.step()) {
    Stmt any(db_, "SELECT count(*) FROM sqlite_master", fail_fn);
    any.step();
    throw UserError(path_ + (any.integer(0) == 0
                                 ? std::string(": an empty database, not a label store (run "
                                               "`accelnas label` to fill it)")
                                 : std::string(": an SQLite database but not an accelnas label "
                                               "store (no meta table)")));
  }
  Stmt v(db_, "SELECT value FROM meta WHERE key = 'schema_version'", fail_fn);
  if (!v.step()) throw UserError(path_ + ": not an accelnas label store (no schema_version)");
  const std::string text = v.text(0);
  int version = 0;
  try {
    version = std::stoi(text);
  } catch (const std::exception&) {
    throw UserError(path_ + ": schema_version '" + text + "' is not a number");
  }
  if (version > kLabelSchemaVersion) {
    throw UserError(path_ + ": written by a newer accelnas (label schema " + text +
                    "; this build reads schema " + std::to_string(kLabelSchemaVersion) + ")");
  }
  if (version != kLabelSchemaVersion) {
    throw UserError(path_ + ": label schema " + text + " is not supported (this build reads " +
                    std::to_string(kLabelSchemaVersion) + ")");
  }
  for (const char* t : {"hardware", "runs", "labels"}) {
    Stmt s(db_, std::string("SELECT 1 FROM sqlite_master WHERE type='table' AND name='") + t + "'",
           fail_fn);
    if (!s.step()) throw UserError(path_ + ": label store is missing its '" + t + "' table");
  }
}

std::vector<HardwareRecord> LabelDb::hardware() const {
  Stmt s(db_, "SELECT hash, canonical, description FROM hardware ORDER BY hash",
         [this](const std::string& w) { fail(w); });
  std::vector<HardwareRecord> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2)});
  return out;
}

void LabelDb::add_hardware(const HardwareRecord& hw) {
  Stmt s(db_, "INSERT OR IGNORE INTO hardware VALUES (?, ?, ?)",
         [this](const std::string& w) { fail(w); });
  s.bind(1, hw.hash);
  s.bind(2, hw.canonical);
  s.bind(3, hw.description);
  s.step();
}

void LabelDb::add_run(const RunRecord& r) {
  Stmt s(db_,
         "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hw_hash, space_hash, seed) DO "
         "UPDATE SET count = max(count, excluded.count)",
         [this](const std::string& w) { fail(w); });
  s.bind(1, r.hw_hash);
  s.bind(2, r.space_hash);
  s.bind(3, std::to_string(r.seed));  // text: a uint64 seed does not fit SQLite's int64
  s.bind(4, r.space_name);
  s.bind(5, r.space_text);
  s.bind(6, static_cast<i64>(r.count));
  s.step();
}

std::vector<RunRecord> LabelDb::runs() const {
  Stmt s(db_,
         "SELECT hw_hash, space_hash, seed, space_name, space_text, count FROM runs ORDER BY "
         "hw_hash, space_hash, seed",
         [this](const std::string& w) { fail(w); });
  std::vector<RunRecord> out;
  while (s.step()) {
    RunRecord r;
    r.hw_hash = s.text(0);
    r.space_hash = s.text(1);
    r.seed = std::stoull(s.text(2));
    r.space_name = s.text(3);
    r.space_text = s.text(4);
    r.count = static_cast<std::uint64_t>(s.integer(5));
    out.push_back(r);
  }
  return out;
}

std::unordered_set<std::string> LabelDb::keys(const std::string& hw_hash) const {
  Stmt s(db_, "SELECT key FROM labels WHERE hw_hash = ?",
         [this](const std::string& w) { fail(w); });
  s.bind(1, hw_hash);
  std::unordered_set<std::string> out;
  while (s.step()) out.insert(s.text(0));
  return out;
}

std::int64_t LabelDb::count() const {
  Stmt s(db_, "SELECT count(*) FROM labels", [this](const std::string& w) { fail(w); });
  s.step();
  return s.integer(0);
}

void LabelDb::insert(const std::vector<LabelRow>& rows) {
  if (rows.empty()) return;
  std::string marks = "?, ?, ?, ?, ?, ?";
  for (std::size_t i = 0; i < stat_schema().size(); ++i) marks += ", ?";
  marks += ", ?";
  exec("BEGIN IMMEDIATE");
  try {
    Stmt s(db_, "INSERT OR IGNORE INTO labels (" + label_columns() + ") VALUES (" + marks + ")",
           [this](const std::string& w) { fail(w); });
    for (const LabelRow& r : rows) {
      s.bind(1, r.key);
      s.bind(2, r.hw_hash);
      s.bind(3, r.unit_type);
      s.bind(4, r.unit_text);
      s.bind(5, r.status);
      s.bind(6, r.reason);
      bind_stats(s, 7, r.stats);
      s.bind(7 + static_cast<int>(stat_schema().size()), r.layers_json);
      s.step();
      s.reset();
    }
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  exec("COMMIT");
}

void LabelDb::for_each(const std::function<void(const LabelRow&)>& fn) const {
  Stmt s(db_, "SELECT " + label_columns() + " FROM labels ORDER BY key",
         [this](const std::string& w) { fail(w); });
  while (s.step()) {
    LabelRow r;
    r.key = s.text(0);
    r.hw_hash = s.text(1);
    r.unit_type = s.text(2);
    r.unit_text = s.text(3);
    r.status = s.text(4);
    r.reason = s.text(5);
    r.stats = read_stats(s, 6);
    r.layers_json = s.text(6 + static_cast<int>(stat_schema().size()));
    fn(r);
  }
}

void LabelDb::canonical_dump(std::ostream& os) const {
  Stmt m(db_, "SELECT key, value FROM meta ORDER BY key",
         [this](const std::string& w) { fail(w); });
  while (m.step()) os << "meta\t" << m.text(0) << "\t" << m.text(1) << "\n";
  for (const auto& h : hardware())
    os << "hardware\t" << h.hash << "\t" << h.canonical << "\t" << h.description << "\n";
  for (const auto& r : runs()) {
    os << "run\t" << r.hw_hash << "\t" << r.space_hash << "\t" << r.seed << "\t" << r.space_name
       << "\t" << r.count << "\n";
  }
  for_each([&os](const LabelRow& r) {
    os << "label\t" << r.key << "\t" << r.hw_hash << "\t" << r.unit_type << "\t" << r.status << "\t"
       << r.reason;
    for (const auto& v : label_stat_values(r.stats)) os << "\t" << v;
    os << "\t" << r.unit_text << "\t" << r.layers_json << "\n";
  });
}

}  // namespace accelnas::cal
