#include "calibration/labels/csv_table.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include "workloads/config/error.h"
#include "workloads/config/input_file.h"

namespace accelnas::cal {
std::string csv_trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::optional<std::size_t> CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return std::nullopt;
}

std::string CsvTable::where(const Row& row, const std::string& name) const {
  return path + ":" + std::to_string(row.line) + ": " + name + ": ";
}

CsvTable parse_csv(const std::string& text, const std::string& path) {
  CsvTable t;
  t.path = path;
  std::vector<std::vector<std::string>> records;
  std::vector<std::int64_t> lines;
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false, any = false;
  std::int64_t line = 1, start = 1;
  auto end_record = [&] {
    fields.push_back(field);
    field.clear();
    const bool blank = fields.size() == 1 && csv_trim(fields[0]).empty() && !any;
    if (!blank) {
      records.push_back(std::move(fields));
      lines.push_back(start);
    }
    fields.clear();
    any = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      fields.push_back(field);
      field.clear();
      any = true;
    } else if (c == '\n') {
      end_record();
      start = ++line;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (quoted) throw UserError(path + ":" + std::to_string(start) + ": unterminated quoted field");
  if (!field.empty() || !fields.empty() || any) end_record();
  if (records.empty()) throw UserError(path + ": empty CSV file (no header)");
  std::set<std::string> seen;
  for (const auto& h : records.front()) {
    const std::string name = csv_trim(h);
    if (name.empty())
      throw UserError(path + ":" + std::to_string(lines[0]) + ": empty column name");
    if (!seen.insert(name).second)
      throw UserError(path + ":" + std::to_string(lines[0]) + ": column " + name + " given twice");
    t.header.push_back(name);
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != t.header.size()) {
      throw UserError(path + ":" + std::to_string(lines[r]) + ": " +
                      std::to_string(records[r].size()) + " fields, the header has " +
                      std::to_string(t.header.size()));
    }
    t.rows.push_back({lines[r], std::move(records[r])});
  }
  return t;
}

CsvTable read_csv_file(const std::string& path) {
  return parse_csv(read_input_file(path), path);
}

namespace {
struct MeasureKind {
  const char* name;
  double seconds;
};
constexpr MeasureKind kMeasures[] = {
    {"cycles", 0}, {"latency_ns", 1e-9}, {"latency_us", 1e-6}, {"latency_ms", 1e-3}};
}  // namespace

bool CsvMeasure::is_measure_column(const std::string& n) const {
  for (const MeasureKind& m : kMeasures)
    if (n == m.name) return true;
  return false;
}

double CsvMeasure::cycles(const CsvTable& t, const CsvTable::Row& row, double clock_hz) const {
  const double v = csv_positive_real(t, row, column);
  const double c = seconds > 0 ? std::round(v * seconds * clock_hz) : v;
  if (!(c >= 1 && c < 9.2e18)) {
    throw UserError(t.where(row, name) + "is " + std::to_string(c) +
                    " cycles at the hardware's clock; expected at least one cycle");
  }
  return c;
}

CsvMeasure csv_measure_column(const CsvTable& t, const std::string& only, const std::string& hint) {
  std::optional<CsvMeasure> found;
  for (const MeasureKind& m : kMeasures) {
    const auto c = t.column(m.name);
    if (!c || (!only.empty() && only != m.name)) continue;
    if (found) {
      throw UserError(t.path + ": has both " + found->name + " and " + m.name +
                      " columns; keep one" + hint);
    }
    found = CsvMeasure{*c, m.name, m.seconds};
  }
  if (!found) {
    throw UserError(t.path + ": no " +
                    (only.empty() ? std::string("measurement column (cycles, latency_ns, "
                                                "latency_us or latency_ms)")
                                  : "column " + only));
  }
  return *found;
}

double csv_real(const CsvTable& t, const CsvTable::Row& row, std::size_t col, double lo,
                double hi) {
  const std::string text = csv_trim(row.fields[col]);
  char* end = nullptr;
  errno = 0;
  const double v = text.empty() ? NAN : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v) ||
      v < lo || v > hi) {
    std::ostringstream os;
    os << t.where(row, t.header[col]) << "expected a number from " << lo << " to " << hi
       << ", got '" << text << "'";
    throw UserError(os.str());
  }
  return v;
}

double csv_positive_real(const CsvTable& t, const CsvTable::Row& row, std::size_t col) {
  const double v = csv_real(t, row, col, 0, 1e300);
  if (!(v > 0)) {
    throw UserError(t.where(row, t.header[col]) + "expected a positive number, got '" +
                    csv_trim(row.fields[col]) + "'");
  }
  return v;
}

std::int64_t csv_integer(const CsvTable& t, const CsvTable::Row& row, std::size_t col,
                         std::int64_t lo, std::int64_t hi) {
  const std::string text = csv_trim(row.fields[col]);
  char* end = nullptr;
  errno = 0;
  const long long v = text.empty() ? 0 : std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE || v < lo || v > hi) {
    throw UserError(t.where(row, t.header[col]) + "expected an integer from " + std::to_string(lo) +
                    " to " + std::to_string(hi) + ", got '" + text + "'");
  }
  return v;
}

}  // namespace accelnas::cal
