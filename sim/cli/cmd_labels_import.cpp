// `accelnas labels import`: measured unit latencies from a CSV file into a label database
// (docs/ESTIMATOR.md, "Labels from anywhere"; calibration/labels/label_import.h).
#include <iostream>
#include <memory>

#include "calibration/labels/label_db.h"
#include "calibration/labels/label_import.h"
#include "hw_models/hw_spec.h"
#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "workloads/config/error.h"

namespace accelnas::cli {

void add_labels_import(CLI::App& labels) {
  struct Opts {
    std::string db, hw = "npu-pf32", csv;
    cal::ImportOptions import;
    bool append_hw = false, quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = labels.add_subcommand(
      "import",
      "Add measured labels: one CSV row per unit, described by a unit_text column (the unit's "
      "JSON, as `accelnas sample` and `labels export` write it) or by flat columns (type, "
      "resolution, in_channels, out_channels, kernel, stride, expansion, se_ratio, precision, "
      "batch, op, fully_connected, input_on_chip, output_on_chip, reserved_fraction), with its "
      "measurement in one column: cycles, latency_ns, latency_us or latency_ms. All rows or "
      "none; rerunning the same import adds nothing. `fit` then trains on them.");
  cmd->add_option("--db", o->db, "Label database (SQLite; created when missing)")->required();
  cmd->add_option("--hw", o->hw,
                  "The hardware the units were measured on: preset name or YAML file (its clock "
                  "turns times into cycles; its parameters are the estimator's features)")
      ->capture_default_str();
  cmd->add_option("--csv", o->csv, "The measurements (CSV with a header row)")->required();
  cmd->add_option("--value-column", o->import.value_column,
                  "The column that holds the measurement, when the file has several of cycles, "
                  "latency_ns, latency_us and latency_ms");
  cmd->add_flag("--append-hw", o->append_hw,
                "Allow a database that already holds labels for other hardware");
  cmd->add_flag("-q,--quiet", o->quiet, "No summary on stderr");
  cmd->callback([o]() {
    if (!o->import.value_column.empty() && o->import.value_column != "cycles" &&
        o->import.value_column.rfind("latency_", 0) != 0)
      throw UserError(
          "--value-column: expected cycles, latency_ns, latency_us or latency_ms, got '" +
          o->import.value_column + "'");
    const hw::HwSpec hw = hw::load_hw(o->hw);
    cal::LabelDb db(o->db, cal::LabelDb::Mode::Create);
    const cal::ImportReport r = cal::import_labels(db, hw, o->csv, o->import, o->append_hw);
    if (!o->quiet) {
      std::cerr << "labels import: " << r.rows << " rows of " << o->csv << ": " << r.inserted
                << " new labels on " << hw.name << ", " << r.already << " already in " << o->db
                << ", " << r.duplicates << " repeated in the file, " << r.skipped_status
                << " skipped (status not ok); " << o->db << " holds " << db.count() << " labels\n";
    }
  });
}

}  // namespace accelnas::cli
