#include "calibration/labels/label_import.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "calibration/estimator/hw_text.h"
#include "calibration/estimator/unit_features.h"
#include "calibration/estimator/unit_summary.h"
#include "calibration/labels/label_gen.h"
#include "calibration/labels/sampler.h"
#include "calibration/labels/space.h"
#include "sim/runtime/sha256.h"
#include "workloads/config/error.h"

namespace accelnas::cal {
namespace {

// Flat-form keys: the sampling space's, with `se_ratio` and the context flattened.
const std::set<std::string>& flat_keys() {
  static const std::set<std::string> keys = {
      "type",   "resolution",      "in_channels",   "out_channels",   "kernel",
      "stride", "expansion",       "se_ratio",      "precision",      "batch",
      "op",     "fully_connected", "input_on_chip", "output_on_chip", "reserved_fraction"};
  return keys;
}

// Columns of `labels export --format csv` that an import reads past.
const std::set<std::string>& export_columns() {
  static const std::set<std::string> cols = [] {
    std::set<std::string> c = {"key", "hw_hash", "unit_type", "status", "reason", "layers_json"};
    for (const auto& s : label_stat_columns()) c.insert(s);
    return c;
  }();
  return cols;
}

// A flat row as a one-kind sampling space with one value per key; the sampler then builds and
// places the unit exactly as it builds a sampled one (the draws of one-value distributions and
// of probabilities 0 and 1 are fixed).
UnitDesc flat_unit(const CsvTable& t, const CsvTable::Row& row, const hw::HwSpec& hw) {
  // The keys whose sampling-space default is a range (or a list of ops): left out, they would be
  // drawn, so a row must give them.
  auto value = [&](const std::string& key) {
    const auto c = t.column(key);
    return c ? csv_trim(row.fields[*c]) : std::string();
  };
  const std::string type = value("type"), op = value("op");
  std::vector<std::string> required = {"resolution", "in_channels"};
  if (type == "conv" || type == "ibn" || type == "fused_ibn") required.push_back("out_channels");
  if (type == "vector") required.push_back("op");
  if (op == "concat" || op == "channel_slice") required.push_back("out_channels");
  for (const auto& key : required) {
    if (value(key).empty()) {
      throw UserError(
          t.path + ":" + std::to_string(row.line) + ": " + key + ": required for a " +
          (type.empty() ? std::string("unit") : type + (op.empty() ? "" : " " + op) + " unit") +
          " in the flat form");
    }
  }
  std::ostringstream y;
  y << "units:\n  - keep_channels: 0\n";
  std::ostringstream context;
  for (std::size_t c = 0; c < t.header.size(); ++c) {
    const std::string& key = t.header[c];
    if (flat_keys().count(key) == 0) continue;
    const std::string v = csv_trim(row.fields[c]);
    if (v.empty()) throw UserError(t.where(row, key) + "empty value");
    for (const char ch : v) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.' && ch != '-' &&
          ch != '+')
        throw UserError(t.where(row, key) + "unexpected character in '" + v + "'");
    }
    if (key == "op") {
      if (v == "resize")
        throw UserError(t.where(row, key) +
                        "a resize needs its mode: describe it in the unit_text form");
      y << "    ops: [" << v << "]\n";
    } else if (key == "se_ratio") {
      y << "    se: {probability: " << (v == "0" ? "0" : "1")
        << ", ratio: " << (v == "0" ? "0.25" : v) << "}\n";
    } else if (key == "input_on_chip" || key == "output_on_chip" || key == "reserved_fraction") {
      context << (context.tellp() > 0 ? ", " : "") << key << ": " << v;
    } else {
      y << "    " << key << ": " << v << "\n";
    }
  }
  if (context.tellp() > 0) y << "    context: {" << context.str() << "}\n";
  try {
    const Space space = parse_space_string(y.str(), "row");
    return Sampler(space, hw, 0).sample(0);
  } catch (const UserError& e) {
    // The space parser names a path inside the generated document ("row:3: units[0].kernel:
    // ..."); the user wrote a CSV row, so keep the reason after the path.
    std::string what = e.what();
    if (what.rfind("row:", 0) == 0) {
      const auto p = what.find(": ", 4);
      if (p != std::string::npos) what = what.substr(p + 2);
      const auto dot = what.find("units[0].");
      if (dot == 0) what = what.substr(9);
    }
    throw UserError(t.path + ":" + std::to_string(row.line) + ": " + what);
  }
}

}  // namespace

std::vector<MeasuredUnit> read_measured_units(const CsvTable& t, const hw::HwSpec& hw,
                                              const ImportOptions& opt,
                                              std::int64_t* skipped_status) {
  const CsvMeasure measure = csv_measure_column(
      t, opt.value_column, "; say which holds the measurement with --value-column");
  // The unit's form, and no column we do not know.
  const auto text_col = t.column("unit_text");
  const auto type_col = t.column("type");
  if (text_col && type_col)
    throw UserError(t.path + ": has both unit_text and type columns; use one form");
  if (!text_col && !type_col)
    throw UserError(t.path + ": no unit_text or type column: each row must describe its unit");
  for (const auto& h : t.header) {
    if (measure.is_measure_column(h) || h == "unit_text" || export_columns().count(h) ||
        (type_col && flat_keys().count(h)))
      continue;
    throw UserError(
        t.path + ": unknown column " + h +
        (text_col && flat_keys().count(h) ? " (a flat-form key beside unit_text)" : ""));
  }
  const auto status_col = t.column("status");

  std::vector<MeasuredUnit> out;
  std::vector<float> features(feature_count());
  std::int64_t skipped = 0;
  for (const CsvTable::Row& row : t.rows) {
    if (status_col && csv_trim(row.fields[*status_col]) != "ok") {
      ++skipped;
      continue;
    }
    MeasuredUnit m;
    m.line = row.line;
    const std::string where = t.path + ":" + std::to_string(row.line);
    m.desc = text_col ? parse_unit_text(row.fields[*text_col], where + ": unit_text")
                      : flat_unit(t, row, hw);
    m.text = canonical_text(m.desc);
    try {
      unit_features(m.desc, hw, features.data());
    } catch (const UserError& e) {
      throw UserError(where + ": the unit cannot be mapped on " + hw.name + ": " + e.what());
    }
    const double cycles = measure.cycles(t, row, hw.clock_hz);
    m.cycles = std::llround(cycles);
    out.push_back(std::move(m));
  }
  if (skipped_status) *skipped_status = skipped;
  return out;
}

ImportReport import_labels(LabelDb& db, const hw::HwSpec& hw, const std::string& csv_path,
                           const ImportOptions& opt, bool append_hw) {
  const CsvTable table = read_csv_file(csv_path);
  ImportReport rep;
  rep.rows = static_cast<std::int64_t>(table.rows.size());
  const std::vector<MeasuredUnit> units = read_measured_units(table, hw, opt, &rep.skipped_status);
  const HardwareRecord rec = hardware_record(hw);
  check_store_hardware(db, rec, hw.name, append_hw);

  std::map<std::string, std::int64_t> stored;  // key -> cycles, this hardware's labels
  db.for_each([&](const LabelRow& r) {
    if (r.hw_hash == rec.hash) stored[r.key] = r.status == "ok" ? r.stats.cycles : -1;
  });
  std::map<std::string, const MeasuredUnit*> seen;
  std::vector<LabelRow> rows;
  for (const MeasuredUnit& m : units) {
    const std::string key = label_key(rec.canonical, m.text);
    const std::string where = csv_path + ":" + std::to_string(m.line) + ": ";
    if (const auto it = seen.find(key); it != seen.end()) {
      if (it->second->cycles != m.cycles) {
        throw UserError(where + "the same unit as line " + std::to_string(it->second->line) +
                        " with other cycles (" + std::to_string(m.cycles) + " vs " +
                        std::to_string(it->second->cycles) + "); give one measurement per unit");
      }
      ++rep.duplicates;
      continue;
    }
    seen[key] = &m;
    if (const auto it = stored.find(key); it != stored.end()) {
      if (it->second != m.cycles) {
        throw UserError(where + db.path() + " already holds this unit on " + hw.name + " with " +
                        (it->second < 0 ? std::string("no cycles (unmappable)")
                                        : std::to_string(it->second) + " cycles") +
                        ", not " + std::to_string(m.cycles) +
                        "; import measured labels into a database of their own");
      }
      ++rep.already;
      continue;
    }
    LabelRow r;
    r.key = key;
    r.hw_hash = rec.hash;
    r.unit_type = unit_type_name(m.desc.type);
    r.unit_text = m.text;
    r.status = "ok";
    r.stats.cycles = m.cycles;
    r.stats.latency_us = static_cast<double>(m.cycles) / hw.clock_hz * 1e6;
    const UnitSummary s = summarize(m.desc);
    r.stats.macs = s.macs;
    r.stats.vector_ops = s.vector_ops;
    r.layers_json = "[]";  // measured as a whole: no per-layer stats
    rows.push_back(std::move(r));
  }
  db.add_hardware(rec);
  RunRecord run;
  run.hw_hash = rec.hash;
  run.space_name = "import";
  run.space_text = "labels import --csv " + csv_path;
  run.space_hash = runtime::sha256_hex(run.space_text + "\n" + std::to_string(rows.size()));
  run.count = static_cast<std::uint64_t>(units.size());
  db.add_run(run);
  db.insert(rows);
  rep.inserted = static_cast<std::int64_t>(rows.size());
  return rep;
}

}  // namespace accelnas::cal
