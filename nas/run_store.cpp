#include "nas/run_store.h"

#include <cmath>
#include <cstdio>

#include "sim/runtime/sqlite.h"
#include "workloads/config/error.h"

namespace accelnas::nas {
namespace {

using runtime::sql::Database;
using runtime::sql::Statement;
using runtime::sql::Transaction;
using i64 = std::int64_t;

constexpr const char* kCandidateColumns =
    "id, generation, encoding, encoding_hash, network_key, arch, status, reason, duplicate_of, "
    "latency_ms, cycles, params, macs, peak_activation_bytes, weight_bytes, energy_uj, accuracy, "
    "violation, score";

// SQLite stores a NaN real as NULL; read it back as NaN.
double real_or_nan(const Statement& s, int i) {
  return s.is_null(i) ? kNaN : s.real(i);
}

// Exact text of a real for the canonical dump.
std::string exact(double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

Status stored_status(const std::string& path, const std::string& text) {
  const auto s = status_from_name(text);
  if (!s) throw UserError(path + ": a candidate has status '" + text + "' (corrupt run store?)");
  return *s;
}

}  // namespace

RunStore::RunStore(const std::string& path, Mode mode) : path_(path) {
  if (path.empty()) throw UserError("--db: empty path");
  db_ = std::make_unique<Database>(
      path, mode == Mode::ReadOnly ? Database::Mode::ReadOnly : Database::Mode::Create,
      "run store");
  if (mode == Mode::Create) init_schema();
  runtime::sql::check_store(*db_, "run", "run `accelnas search` to fill it", kRunSchemaVersion,
                            {"run", "candidates", "generations", "verified"});
  if (mode == Mode::Create) {
    // A commit per generation: in WAL mode with synchronous=NORMAL a commit does not wait for the
    // disk, and a killed process still loses nothing committed (only a power loss can drop the
    // last commits, never corrupt the store). The destructor returns the file to rollback mode.
    db_->exec("PRAGMA journal_mode=WAL");
    db_->exec("PRAGMA synchronous=NORMAL");
    wal_ = true;
  }
}

RunStore::~RunStore() {
  if (!wal_) return;
  try {
    db_->exec("PRAGMA journal_mode=DELETE");
  } catch (const std::exception&) {  // another process holds it: it stays in WAL mode
  }
}

void RunStore::init_schema() {
  Statement probe(*db_, "SELECT count(*) FROM sqlite_master");
  probe.step();
  if (probe.integer(0) != 0) return;  // an existing database: check_store() decides
  Transaction tx(*db_);
  db_->exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  db_->exec("INSERT INTO meta VALUES ('schema_version', '" + std::to_string(kRunSchemaVersion) +
            "'), ('created_by', 'accelnas search')");
  db_->exec("CREATE TABLE run (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  db_->exec(
      "CREATE TABLE candidates (id INTEGER PRIMARY KEY, generation INTEGER NOT NULL, encoding "
      "TEXT NOT NULL, encoding_hash TEXT NOT NULL, network_key TEXT NOT NULL, arch TEXT NOT NULL, "
      "status TEXT NOT NULL, reason TEXT NOT NULL, duplicate_of INTEGER NOT NULL, latency_ms REAL, "
      "cycles REAL, params INTEGER, macs INTEGER, peak_activation_bytes INTEGER, weight_bytes "
      "INTEGER, energy_uj REAL, accuracy REAL, violation REAL, score REAL)");
  db_->exec(
      "CREATE TABLE generations (generation INTEGER PRIMARY KEY, candidates INTEGER NOT NULL, "
      "evaluations INTEGER NOT NULL, state TEXT NOT NULL)");
  db_->exec(
      "CREATE TABLE verified (network_key TEXT PRIMARY KEY, status TEXT NOT NULL, reason TEXT NOT "
      "NULL, latency_ms REAL, cycles REAL, energy_uj REAL)");
  tx.commit();
}

std::map<std::string, std::string> RunStore::config() const {
  Statement s(*db_, "SELECT key, value FROM run ORDER BY key");
  std::map<std::string, std::string> out;
  while (s.step()) out[s.text(0)] = s.text(1);
  return out;
}

void RunStore::open_run(const std::map<std::string, std::string>& identity,
                        const std::map<std::string, std::string>& info) {
  const auto stored = config();
  if (!stored.empty()) {
    for (const auto& [key, value] : identity) {
      const auto it = stored.find(key);
      const std::string was = it == stored.end() ? "(none)" : it->second;
      if (was == value) continue;
      const auto shorten = [](const std::string& t) {
        return t.size() > 80 ? t.substr(0, 77) + "..." : t;
      };
      throw UserError(path_ + ": a run of another " + key + " (stored: " + shorten(was) +
                      "; asked: " + shorten(value) +
                      "); use another --db, or the options of the stored run");
    }
  }
  Transaction tx(*db_);
  Statement s(*db_, "INSERT OR IGNORE INTO run VALUES (?, ?)");
  for (const auto* m : {&identity, &info}) {
    for (const auto& [key, value] : *m) {
      s.bind(1, key);
      s.bind(2, value);
      s.step();
      s.reset();
    }
  }
  tx.commit();
}

std::vector<CandidateRow> RunStore::candidates() const {
  Statement s(*db_, std::string("SELECT ") + kCandidateColumns + " FROM candidates ORDER BY id");
  std::vector<CandidateRow> out;
  while (s.step()) {
    CandidateRow r;
    r.id = s.integer(0);
    r.generation = s.integer(1);
    const auto e = parse_encoding(s.text(2));
    if (!e)
      throw UserError(path_ + ": candidate " + std::to_string(r.id) +
                      " has a malformed encoding (corrupt run store?)");
    r.encoding = *e;
    r.network_key = s.text(4);
    r.arch = s.text(5);
    r.status = stored_status(path_, s.text(6));
    r.reason = s.text(7);
    r.duplicate_of = s.integer(8);
    if (r.status == Status::Ok) {
      Metrics& m = r.metrics;
      m.latency_ms = real_or_nan(s, 9);
      m.cycles = real_or_nan(s, 10);
      m.params = s.integer(11);
      m.macs = s.integer(12);
      m.peak_activation_bytes = s.integer(13);
      m.weight_bytes = s.integer(14);
      m.energy_uj = real_or_nan(s, 15);
      m.accuracy = real_or_nan(s, 16);
      r.violation = real_or_nan(s, 17);
      r.score = real_or_nan(s, 18);
    }
    if (r.id != static_cast<i64>(out.size()))
      throw UserError(path_ + ": candidate ids are not consecutive (corrupt run store?)");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<GenerationRow> RunStore::generations(bool with_state) const {
  Statement s(*db_, std::string("SELECT generation, candidates, evaluations") +
                        (with_state ? ", state" : "") + " FROM generations ORDER BY generation");
  std::vector<GenerationRow> out;
  while (s.step()) {
    GenerationRow g{s.integer(0), s.integer(1), s.integer(2), with_state ? s.text(3) : ""};
    out.push_back(std::move(g));
  }
  return out;
}

std::optional<GenerationRow> RunStore::last_generation() const {
  Statement s(*db_,
              "SELECT generation, candidates, evaluations, state FROM generations ORDER BY "
              "generation DESC LIMIT 1");
  if (!s.step()) return std::nullopt;
  return GenerationRow{s.integer(0), s.integer(1), s.integer(2), s.text(3)};
}

void RunStore::commit_generation(const std::vector<CandidateRow>& rows, const GenerationRow& g) {
  Transaction tx(*db_);
  Statement s(*db_, std::string("INSERT INTO candidates (") + kCandidateColumns +
                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const CandidateRow& r : rows) {
    s.bind(1, r.id);
    s.bind(2, r.generation);
    s.bind(3, encoding_text(r.encoding));
    s.bind(4, encoding_hash(r.encoding));
    s.bind(5, r.network_key);
    s.bind(6, r.arch);
    s.bind(7, std::string(status_name(r.status)));
    s.bind(8, r.reason);
    s.bind(9, r.duplicate_of);
    if (r.status == Status::Ok) {  // other statuses leave the metrics NULL
      const Metrics& m = r.metrics;
      s.bind(10, m.latency_ms);
      s.bind(11, m.cycles);
      s.bind(12, m.params);
      s.bind(13, m.macs);
      s.bind(14, m.peak_activation_bytes);
      s.bind(15, m.weight_bytes);
      s.bind(16, m.energy_uj);
      s.bind(17, m.accuracy);
      s.bind(18, r.violation);
      s.bind(19, r.score);
    }
    s.step();
    s.reset();
  }
  Statement gs(*db_, "INSERT INTO generations VALUES (?, ?, ?, ?)");
  gs.bind(1, g.generation);
  gs.bind(2, g.candidates);
  gs.bind(3, g.evaluations);
  gs.bind(4, g.state);
  gs.step();
  tx.commit();
}

std::vector<VerifiedRow> RunStore::verified() const {
  Statement s(*db_,
              "SELECT network_key, status, reason, latency_ms, cycles, energy_uj FROM verified "
              "ORDER BY network_key");
  std::vector<VerifiedRow> out;
  while (s.step()) {
    VerifiedRow v;
    v.network_key = s.text(0);
    v.status = stored_status(path_, s.text(1));
    v.reason = s.text(2);
    v.latency_ms = real_or_nan(s, 3);
    v.cycles = real_or_nan(s, 4);
    v.energy_uj = real_or_nan(s, 5);
    out.push_back(std::move(v));
  }
  return out;
}

void RunStore::add_verified(const std::vector<VerifiedRow>& rows) {
  Transaction tx(*db_);
  Statement s(*db_, "INSERT OR IGNORE INTO verified VALUES (?, ?, ?, ?, ?, ?)");
  for (const VerifiedRow& v : rows) {
    s.bind(1, v.network_key);
    s.bind(2, std::string(status_name(v.status)));
    s.bind(3, v.reason);
    s.bind(4, v.latency_ms);
    s.bind(5, v.cycles);
    s.bind(6, v.energy_uj);
    s.step();
    s.reset();
  }
  tx.commit();
}

void RunStore::canonical_dump(std::ostream& os) const {
  Statement m(*db_, "SELECT key, value FROM meta ORDER BY key");
  while (m.step()) os << "meta\t" << m.text(0) << "\t" << m.text(1) << "\n";
  for (const auto& [k, v] : config()) os << "run\t" << k << "\t" << v << "\n";
  for (const CandidateRow& r : candidates()) {
    os << "candidate\t" << r.id << "\t" << r.generation << "\t" << encoding_text(r.encoding) << "\t"
       << r.network_key << "\t" << r.arch << "\t" << status_name(r.status) << "\t" << r.reason
       << "\t" << r.duplicate_of;
    const Metrics& x = r.metrics;
    if (r.status == Status::Ok) {
      os << "\t" << exact(x.latency_ms) << "\t" << exact(x.cycles) << "\t" << x.params << "\t"
         << x.macs << "\t" << x.peak_activation_bytes << "\t" << x.weight_bytes << "\t"
         << exact(x.energy_uj) << "\t" << exact(x.accuracy) << "\t" << exact(r.violation) << "\t"
         << exact(r.score);
    }
    os << "\n";
  }
  for (const GenerationRow& g : generations(true)) {
    os << "generation\t" << g.generation << "\t" << g.candidates << "\t" << g.evaluations << "\t"
       << g.state << "\n";
  }
  for (const VerifiedRow& v : verified()) {
    os << "verified\t" << v.network_key << "\t" << status_name(v.status) << "\t" << v.reason << "\t"
       << exact(v.latency_ms) << "\t" << exact(v.cycles) << "\t" << exact(v.energy_uj) << "\n";
  }
}

}  // namespace accelnas::nas
