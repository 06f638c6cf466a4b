// The label store: one SQLite file of simulated units (docs/ESTIMATOR.md, "The label store").
//
// Tables (schema version kSchemaVersion, recorded in `meta`):
//   meta(key, value)                      schema_version, created_by
//   hardware(hash, canonical, description) every hardware description, stored whole
//   runs(hw_hash, space_hash, seed, space_name, space_text, count)
//                                          what was asked for; count is the largest asked
//   labels(key, hw_hash, unit_type, unit_text, status, reason, <stats>, layers_json)
//                                          one row per (unit, hardware); key is the SHA-256 of
//                                          the hardware's canonical text and the unit's
// Nothing in a row depends on when, in which order or by which process it was made, so a
// database is a pure function of the requests that filled it (compare with canonical_dump()).
//
// Errors are UserErrors naming the file: a file that is not SQLite, an SQLite file that is not
// a label store, a newer schema, a read-only or uncreatable path.
#ifndef ACCELNAS_CALIBRATION_LABEL_DB_H
#define ACCELNAS_CALIBRATION_LABEL_DB_H

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <unordered_set>
#include <vector>

struct sqlite3;

namespace accelnas::cal {

constexpr int kLabelSchemaVersion = 1;

// What the simulator reports for one unit: its layers' stats summed (utilization is the
// cycle-weighted mean of each layer's own-engine utilization), plus every layer's stats as JSON.
struct LabelStats {
  std::int64_t cycles = 0;
  std::int64_t compute_cycles = 0;
  std::int64_t stall_cycles = 0;
  double latency_us = 0;
  std::int64_t macs = 0;
  std::int64_t vector_ops = 0;
  double utilization = 0;
  std::int64_t dram_read_bytes = 0;
  std::int64_t dram_write_bytes = 0;
  std::int64_t sram_peak_bytes = 0;  // the largest layer peak
  std::int64_t sram_access_bytes = 0;
  double energy_pj = 0;
  std::int64_t tiles = 0;
  std::int64_t weights_streamed_layers = 0;
};

// The names of LabelStats' columns, in order (shared by the schema, export and stats).
const std::vector<std::string>& label_stat_columns();
// Their values for CSV: integers as integers, reals with fixed decimals.
std::vector<std::string> label_stat_values(const LabelStats& s);

struct LabelRow {
  std::string key;
  std::string hw_hash;
  std::string unit_type;
  std::string unit_text;  // cal::canonical_text
  std::string status;     // "ok", or "unmappable" (the unit cannot run on this hardware)
  std::string reason;     // why, when unmappable
  LabelStats stats;       // zeros when unmappable
  std::string layers_json;
};

struct RunRecord {
  std::string hw_hash;
  std::string space_hash;
  std::uint64_t seed = 0;
  std::string space_name;
  std::string space_text;
  std::uint64_t count = 0;
};

struct HardwareRecord {
  std::string hash;
  std::string canonical;
  std::string description;
};

class LabelDb {
 public:
  enum class Mode { ReadOnly, Create };  // Create: read-write, created when missing
  // Throws UserError "<path>: <reason>".
  LabelDb(const std::string& path, Mode mode);
  ~LabelDb();
  LabelDb(const LabelDb&) = delete;
  LabelDb& operator=(const LabelDb&) = delete;

  const std::string& path() const { return path_; }

  std::vector<HardwareRecord> hardware() const;
  // Adds the hardware description if absent.
  void add_hardware(const HardwareRecord& hw);
  // Records a request; an existing (hw, space, seed) keeps the larger count.
  void add_run(const RunRecord& run);
  std::vector<RunRecord> runs() const;

  std::unordered_set<std::string> keys(const std::string& hw_hash) const;
  std::int64_t count() const;

  // Inserts the rows in one transaction; a key already present is left alone.
  void insert(const std::vector<LabelRow>& rows);

  // Every label in key order (all hardware).
  void for_each(const std::function<void(const LabelRow&)>& fn) const;

  // meta, hardware, runs and labels as text, in key order: equal dumps mean equal databases.
  void canonical_dump(std::ostream& os) const;

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  void exec(const std::string& sql);
  [[noreturn]] void fail(const std::string& what) const;
  void init_schema();
  void check_schema();
};

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABEL_DB_H
