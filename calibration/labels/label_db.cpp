#include "calibration/labels/label_db.h"

#include <charconv>
#include <sstream>

#include "sim/runtime/sqlite.h"
#include "workloads/config/error.h"
#include "workloads/config/text.h"

namespace accelnas::cal {
namespace {

using i64 = std::int64_t;
using runtime::sql::Database;
using runtime::sql::Statement;
using runtime::sql::Transaction;

constexpr std::size_t kStatCount = std::size(kLabelStatFields);

void bind_stats(Statement& s, int first, const LabelStats& t) {
  int i = first;
  for (const LabelStatField& f : kLabelStatFields) {
    if (f.integer) {
      s.bind(i++, t.*f.integer);
    } else {
      s.bind(i++, t.*f.real);
    }
  }
}

LabelStats read_stats(const Statement& s, int first) {
  LabelStats t;
  int i = first;
  for (const LabelStatField& f : kLabelStatFields) {
    if (f.integer) {
      t.*f.integer = s.integer(i++);
    } else {
      t.*f.real = s.real(i++);
    }
  }
  return t;
}

std::string stat_column_list() {
  std::string out;
  for (const LabelStatField& f : kLabelStatFields) out += std::string(", ") + f.name;
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
    for (const LabelStatField& f : kLabelStatFields) v.push_back(f.name);
    return v;
  }();
  return names;
}

std::vector<std::string> label_stat_values(const LabelStats& t) {
  std::vector<std::string> out;
  out.reserve(kStatCount);
  for (const LabelStatField& f : kLabelStatFields) {
    out.push_back(f.integer ? std::to_string(t.*f.integer) : fixed_decimals(t.*f.real, f.decimals));
  }
  return out;
}

LabelDb::LabelDb(const std::string& path, Mode mode) : path_(path) {
  if (path.empty()) throw UserError("--db: empty path");
  db_ = std::make_unique<Database>(
      path, mode == Mode::ReadOnly ? Database::Mode::ReadOnly : Database::Mode::Create,
      "label database");
  if (mode == Mode::Create) init_schema();
  check_schema();
}

LabelDb::~LabelDb() = default;

void LabelDb::init_schema() {
  // Probe: the first read tells a non-SQLite file apart before anything is written.
  Statement probe(*db_, "SELECT count(*) FROM sqlite_master");
  probe.step();
  const bool empty = probe.integer(0) == 0;
  if (!empty) return;  // an existing database: check_schema() decides whether it is ours
  std::string stats;
  for (const LabelStatField& f : kLabelStatFields)
    stats += std::string(",\n  ") + f.name + (f.integer ? " INTEGER" : " REAL") + " NOT NULL";
  Transaction tx(*db_);
  db_->exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  db_->exec("INSERT INTO meta VALUES ('schema_version', '" + std::to_string(kLabelSchemaVersion) +
            "'), ('created_by', 'accelnas label')");
  db_->exec(
      "CREATE TABLE hardware (hash TEXT PRIMARY KEY, canonical TEXT NOT NULL, "
      "description TEXT NOT NULL)");
  db_->exec(
      "CREATE TABLE runs (hw_hash TEXT NOT NULL, space_hash TEXT NOT NULL, seed TEXT NOT NULL, "
      "space_name TEXT NOT NULL, space_text TEXT NOT NULL, count INTEGER NOT NULL, "
      "PRIMARY KEY (hw_hash, space_hash, seed))");
  db_->exec(
      "CREATE TABLE labels (\n  key TEXT PRIMARY KEY,\n  hw_hash TEXT NOT NULL REFERENCES "
      "hardware(hash),\n  unit_type TEXT NOT NULL,\n  unit_text TEXT NOT NULL,\n  status TEXT "
      "NOT NULL,\n  reason TEXT NOT NULL" +
      stats + ",\n  layers_json TEXT NOT NULL)");
  tx.commit();
}

void LabelDb::check_schema() {
  runtime::sql::check_store(*db_, "label", "run `accelnas label` to fill it", kLabelSchemaVersion,
                            {"hardware", "runs", "labels"});
}

std::vector<HardwareRecord> LabelDb::hardware() const {
  Statement s(*db_, "SELECT hash, canonical, description FROM hardware ORDER BY hash");
  std::vector<HardwareRecord> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2)});
  return out;
}

void LabelDb::add_hardware(const HardwareRecord& hw) {
  Statement s(*db_, "INSERT OR IGNORE INTO hardware VALUES (?, ?, ?)");
  s.bind(1, hw.hash);
  s.bind(2, hw.canonical);
  s.bind(3, hw.description);
  s.step();
}

void LabelDb::add_run(const RunRecord& r) {
  Statement s(
      *db_,
      "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hw_hash, space_hash, seed) DO "
      "UPDATE SET count = max(count, excluded.count)");
  s.bind(1, r.hw_hash);
  s.bind(2, r.space_hash);
  s.bind(3, std::to_string(r.seed));  // text: a uint64 seed does not fit SQLite's int64
  s.bind(4, r.space_name);
  s.bind(5, r.space_text);
  s.bind(6, static_cast<i64>(r.count));
  s.step();
}

namespace {

// A run's seed, stored as decimal text (a uint64 does not fit SQLite's int64). Anything else is a
// corrupt store.
std::uint64_t stored_seed(const std::string& path, const std::string& text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    throw UserError(path + ": runs table: seed '" + text +
                    "' is not a decimal integer from 0 to 2^64-1 (corrupt label store?)");
  }
  return v;
}

}  // namespace

std::vector<RunRecord> LabelDb::runs() const {
  Statement s(*db_,
              "SELECT hw_hash, space_hash, seed, space_name, space_text, count FROM runs ORDER BY "
              "hw_hash, space_hash, seed");
  std::vector<RunRecord> out;
  while (s.step()) {
    RunRecord r;
    r.hw_hash = s.text(0);
    r.space_hash = s.text(1);
    r.seed = stored_seed(path_, s.text(2));
    r.space_name = s.text(3);
    r.space_text = s.text(4);
    r.count = static_cast<std::uint64_t>(s.integer(5));
    out.push_back(r);
  }
  return out;
}

std::unordered_set<std::string> LabelDb::keys(const std::string& hw_hash) const {
  Statement s(*db_, "SELECT key FROM labels WHERE hw_hash = ?");
  s.bind(1, hw_hash);
  std::unordered_set<std::string> out;
  while (s.step()) out.insert(s.text(0));
  return out;
}

std::int64_t LabelDb::count() const {
  Statement s(*db_, "SELECT count(*) FROM labels");
  s.step();
  return s.integer(0);
}

void LabelDb::insert(const std::vector<LabelRow>& rows) {
  if (rows.empty()) return;
  std::string marks = "?, ?, ?, ?, ?, ?";
  for (std::size_t i = 0; i < kStatCount; ++i) marks += ", ?";
  marks += ", ?";
  Transaction tx(*db_);
  {
    Statement s(*db_,
                "INSERT OR IGNORE INTO labels (" + label_columns() + ") VALUES (" + marks + ")");
    for (const LabelRow& r : rows) {
      s.bind(1, r.key);
      s.bind(2, r.hw_hash);
      s.bind(3, r.unit_type);
      s.bind(4, r.unit_text);
      s.bind(5, r.status);
      s.bind(6, r.reason);
      bind_stats(s, 7, r.stats);
      s.bind(7 + static_cast<int>(kStatCount), r.layers_json);
      s.step();
      s.reset();
    }
  }
  tx.commit();
}

void LabelDb::for_each(const std::function<void(const LabelRow&)>& fn) const {
  Statement s(*db_, "SELECT " + label_columns() + " FROM labels ORDER BY key");
  while (s.step()) {
    LabelRow r;
    r.key = s.text(0);
    r.hw_hash = s.text(1);
    r.unit_type = s.text(2);
    r.unit_text = s.text(3);
    r.status = s.text(4);
    r.reason = s.text(5);
    r.stats = read_stats(s, 6);
    r.layers_json = s.text(6 + static_cast<int>(kStatCount));
    fn(r);
  }
}

void LabelDb::canonical_dump(std::ostream& os) const {
  Statement m(*db_, "SELECT key, value FROM meta ORDER BY key");
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
