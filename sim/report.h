// Renders simulation results as a table, CSV or JSON. JSON has the shape
//   {"hw": {...}, "model": {...}, "total": {...}, "layers": [{...}, ...]}
// and is byte-identical for identical inputs.
#ifndef ACCELNAS_SIM_REPORT_H
#define ACCELNAS_SIM_REPORT_H

#include <ostream>
#include <string>
#include <vector>

#include "hw_models/hw_spec.h"
#include "sim/simulate.h"

namespace accelnas::sim {

enum class Format { Table, Csv, Json };
Format parse_format(const std::string& text);  // UserError on anything else

void write_result(std::ostream& os, Format f, const SimResult& r, const hw::HwSpec& hw);
// Chrome/Perfetto trace-event JSON: one track per block with its busy intervals, and a "layers"
// track with one span per layer. Timestamps are microseconds printed exactly from integer
// picoseconds (at most 6 decimals).
void write_trace_json(std::ostream& os, const hw::TraceLog& trace,
                      const std::vector<hw::LayerStats>& layers, const hw::HwSpec& hw);

// A generic table of strings (used by sweep and list): aligned text, CSV, or JSON records.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;  // per column: emit as a JSON number and right-align
};
// Text pads columns (numeric ones right-aligned); CSV is RFC 4180; JSON is an array of records
// where a numeric column's cell is a number, or null when the cell is empty.
void write_table(std::ostream& os, Format f, const Table& t);

// The per-layer table of `simulate` (table and CSV formats), one row per layer.
Table layer_table(const std::vector<hw::LayerStats>& layers);

std::string fixed(double v, int decimals);

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string csv_escape(const std::string& s);
void write_csv_row(std::ostream& os, const std::vector<std::string>& fields);

}  // namespace accelnas::sim

#endif  // ACCELNAS_SIM_REPORT_H
