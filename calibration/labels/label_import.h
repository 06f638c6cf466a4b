// Labels from anywhere: measured unit latencies read from a CSV file into the label store, so
// that `fit` trains on them exactly as on simulated labels (docs/ESTIMATOR.md, "Labels from
// anywhere").
//
// A row describes one unit in one of two forms:
// - unit-text: a `unit_text` column holding the unit's JSON (cal::canonical_text, as `accelnas
//   sample` prints it and `labels export --format csv` writes it);
// - flat: a `type` column and the keys of a sampling space's unit kind (space.h), one value each:
//   resolution, in_channels, out_channels, kernel, stride, expansion, se_ratio (0: no SE),
//   precision, batch, op (vector units), fully_connected (0/1, conv units), input_on_chip,
//   output_on_chip (0/1) and reserved_fraction. Missing keys take the sampling space's defaults.
//   The unit is built and placed in context as the sampler builds one, on the given hardware.
// and its measured value in exactly one of the columns `cycles`, `latency_ns`, `latency_us`,
// `latency_ms` (a time is turned into cycles at the hardware's clock, rounded), or in the column
// named by `value_column`. Columns that `labels export --format csv` writes beside these are
// ignored; rows whose `status` column is not "ok" are skipped. Any other column is an error.
//
// Contract: all or nothing. Every row is checked (form, values, the unit rebuilds on the
// hardware) before one transaction inserts them, so a bad row inserts nothing and is one
// UserError "file:line: column: reason". A unit already in the store with the same cycles is
// counted and left alone (an import can be rerun); with other cycles it is an error naming the
// line, since one key must not carry two measurements.
#ifndef ACCELNAS_CALIBRATION_LABELS_LABEL_IMPORT_H
#define ACCELNAS_CALIBRATION_LABELS_LABEL_IMPORT_H

#include <cstdint>
#include <string>
#include <vector>

#include "calibration/estimator/unit.h"
#include "calibration/labels/csv_table.h"
#include "calibration/labels/label_db.h"
#include "hw_models/hw_spec.h"

namespace accelnas::cal {

struct MeasuredUnit {
  std::int64_t line = 0;
  UnitDesc desc;
  std::string text;  // canonical_text(desc)
  std::int64_t cycles = 0;
};

struct ImportOptions {
  std::string value_column;  // empty: the one of cycles / latency_* the file has
};

// The rows of `t` as units on `hw`. Throws the located UserError of the first bad row.
std::vector<MeasuredUnit> read_measured_units(const CsvTable& t, const hw::HwSpec& hw,
                                              const ImportOptions& opt,
                                              std::int64_t* skipped_status = nullptr);

struct ImportReport {
  std::int64_t rows = 0;            // data rows in the file
  std::int64_t skipped_status = 0;  // rows whose status column is not "ok"
  std::int64_t inserted = 0;
  std::int64_t already = 0;     // in the store with the same cycles
  std::int64_t duplicates = 0;  // the same unit earlier in the file, same cycles
};

// Reads `csv_path` and inserts its units as "ok" labels of `hw` into `db` (the hardware and a
// run named "import" are recorded). Refuses a store holding other hardware unless append_hw.
ImportReport import_labels(LabelDb& db, const hw::HwSpec& hw, const std::string& csv_path,
                           const ImportOptions& opt, bool append_hw);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABELS_LABEL_IMPORT_H
