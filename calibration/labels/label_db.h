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
#ifndef ACCELNAS_CALIBRATION_LABELS_LABEL_DB_H
#define ACCELNAS_CALIBRATION_LABELS_LABEL_DB_H

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <unordered_set>
#include <vector>

#include "calibration/estimator/label_source.h"

namespace accelnas::runtime::sql {
class Database;
}

namespace accelnas::cal {

constexpr int kLabelSchemaVersion = 1;

// The names of LabelStats' columns, in order (kLabelStatFields: the schema, export and stats).
const std::vector<std::string>& label_stat_columns();
// Their values for CSV: integers as integers, reals with their fixed decimals.
std::vector<std::string> label_stat_values(const LabelStats& s);

class LabelDb : public LabelSource {
 public:
  enum class Mode { ReadOnly, Create };  // Create: read-write, created when missing
  // Throws UserError "<path>: <reason>".
  LabelDb(const std::string& path, Mode mode);
  ~LabelDb();
  LabelDb(const LabelDb&) = delete;
  LabelDb& operator=(const LabelDb&) = delete;

  const std::string& path() const { return path_; }
  const std::string& name() const override { return path_; }

  std::vector<HardwareRecord> hardware() const override;
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
  void for_each(const std::function<void(const LabelRow&)>& fn) const override;

  // meta, hardware, runs and labels as text, in key order: equal dumps mean equal databases.
  void canonical_dump(std::ostream& os) const;

 private:
  std::string path_;
  std::unique_ptr<runtime::sql::Database> db_;
  void init_schema();
  void check_schema();
};

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABELS_LABEL_DB_H
