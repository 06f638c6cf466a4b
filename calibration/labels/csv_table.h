// A CSV file read whole (RFC 4180: quoted fields may hold commas, quotes doubled, line breaks),
// for the files users hand to `labels import` and `validate --measured`.
//
// Contract: the first record is the header; names are trimmed, must be non-empty and unique.
// Every later record has exactly as many fields as the header (a blank line is skipped). Each
// row keeps the line it starts on, so errors can say "file:line: column: reason". Anything else
// (no file, a directory, an unterminated quote, a ragged row) is a UserError naming the file and
// the line.
#ifndef ACCELNAS_CALIBRATION_LABELS_CSV_TABLE_H
#define ACCELNAS_CALIBRATION_LABELS_CSV_TABLE_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accelnas::cal {

struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  struct Row {
    std::int64_t line = 0;  // 1-based line of the record's first character
    std::vector<std::string> fields;
  };
  std::vector<Row> rows;

  std::optional<std::size_t> column(const std::string& name) const;
  // "path:line: name: " for a row's field, the prefix of a located error.
  std::string where(const Row& row, const std::string& name) const;
};

CsvTable read_csv_file(const std::string& path);
CsvTable parse_csv(const std::string& text, const std::string& path);

// The one column of a measurement: `cycles`, `latency_ns`, `latency_us` or `latency_ms` (or only
// `only`, when given). UserError "<file>: ..." when there is none, or more than one (`hint` is
// appended to that error, e.g. the option that picks one).
struct CsvMeasure {
  std::size_t column = 0;
  std::string name;
  double seconds = 0;  // per unit of the column; 0: the column holds cycles
  bool is_measure_column(const std::string& n) const;
  // The row's value in cycles at clock_hz, rounded; UserError below one cycle.
  double cycles(const CsvTable& t, const CsvTable::Row& row, double clock_hz) const;
};
CsvMeasure csv_measure_column(const CsvTable& t, const std::string& only = "",
                              const std::string& hint = "");

// A field without its surrounding blanks (spaces, tabs, a CR).
std::string csv_trim(const std::string& s);

// Field parsers for a located error: "expected ..., got '...'".
double csv_positive_real(const CsvTable& t, const CsvTable::Row& row, std::size_t col);
std::int64_t csv_integer(const CsvTable& t, const CsvTable::Row& row, std::size_t col,
                         std::int64_t lo, std::int64_t hi);
double csv_real(const CsvTable& t, const CsvTable::Row& row, std::size_t col, double lo, double hi);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABELS_CSV_TABLE_H
