#include "workloads/config/units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <utility>
#include <vector>

#include "workloads/config/text.h"

namespace accelnas::units {
namespace {

struct Split {
  double number;
  std::string unit;
};

// Splits "12.8 GB/s" into 12.8 and "GB/s".
Split split_number(const std::string& raw) {
  const std::string text = trim(raw);
  if (text.empty()) throw std::invalid_argument("empty value");
  const char* begin = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin) throw std::invalid_argument("expected a number, got '" + text + "'");
  if (!std::isfinite(v)) throw std::invalid_argument("value is not finite: '" + text + "'");
  return {v, trim(std::string(end))};
}

double scaled(const std::string& raw, const std::vector<std::pair<std::string, double>>& table,
              const char* example) {
  const Split s = split_number(raw);
  if (s.number < 0) throw std::invalid_argument("must not be negative, got '" + trim(raw) + "'");
  if (s.unit.empty()) {
    throw std::invalid_argument(std::string("missing unit in '") + trim(raw) + "' (write e.g. " +
                                example + ")");
  }
  for (const auto& [suffix, factor] : table) {
    if (s.unit == suffix) return s.number * factor;
  }
  throw std::invalid_argument("unknown unit '" + s.unit + "' in '" + trim(raw) + "' (write e.g. " +
                              example + ")");
}

}  // namespace

double parse_frequency_hz(const std::string& text) {
  return scaled(text, {{"Hz", 1.0}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}}, "1GHz");
}

double parse_bandwidth_bytes_per_s(const std::string& text) {
  return scaled(text,
                {{"B/s", 1.0},
                 {"kB/s", 1e3},
                 {"KB/s", 1e3},
                 {"MB/s", 1e6},
                 {"GB/s", 1e9},
                 {"TB/s", 1e12},
                 {"KiB/s", 1024.0},
                 {"MiB/s", 1048576.0},
                 {"GiB/s", 1073741824.0}},
                "12.8GB/s");
}

std::uint64_t parse_size_bytes(const std::string& text) {
  const double v = scaled(text,
                          {{"B", 1.0},
                           {"kB", 1e3},
                           {"KB", 1e3},
                           {"MB", 1e6},
                           {"GB", 1e9},
                           {"KiB", 1024.0},
                           {"MiB", 1048576.0},
                           {"GiB", 1073741824.0}},
                          "512KiB");
  if (v < 0) throw std::invalid_argument("size must not be negative, got '" + trim(text) + "'");
  if (v != std::floor(v)) {
    throw std::invalid_argument("size is not a whole number of bytes: '" + trim(text) + "'");
  }
  if (v > 9.0e18) throw std::invalid_argument("size is too large: '" + trim(text) + "'");
  return static_cast<std::uint64_t>(v);
}

double parse_count(const std::string& raw) {
  const Split s = split_number(raw);
  if (s.number < 0) throw std::invalid_argument("must not be negative, got '" + trim(raw) + "'");
  for (const auto& [suffix, factor] : std::vector<std::pair<std::string, double>>{
           {"", 1.0}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}}) {
    if (s.unit == suffix) return s.number * factor;
  }
  throw std::invalid_argument("unknown suffix '" + s.unit + "' in '" + trim(raw) +
                              "' (write e.g. 2M, 500k or 1200000)");
}

double parse_duration_s(const std::string& text) {
  return scaled(text, {{"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}},
                "30ns");
}

double parse_energy_pj(const std::string& text) {
  return scaled(text, {{"pJ", 1.0}, {"fJ", 1e-3}, {"nJ", 1e3}, {"uJ", 1e6}}, "0.2pJ");
}

std::int64_t parse_integer(const std::string& raw) {
  const std::string text = trim(raw);
  if (text.empty()) throw std::invalid_argument("expected an integer, got an empty value");
  std::size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
  if (i == text.size()) throw std::invalid_argument("expected an integer, got '" + text + "'");
  for (std::size_t k = i; k < text.size(); ++k) {
    if (!std::isdigit(static_cast<unsigned char>(text[k]))) {
      throw std::invalid_argument("expected an integer, got '" + text + "'");
    }
  }
  if (text.size() - i > 18) throw std::invalid_argument("integer is too large: '" + text + "'");
  return std::stoll(text);
}

double parse_real(const std::string& raw) {
  const Split s = split_number(raw);
  if (!s.unit.empty()) throw std::invalid_argument("expected a number, got '" + trim(raw) + "'");
  return s.number;
}

namespace {
std::string fmt(double v, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g%s", v, unit);
  return buf;
}
}  // namespace

std::string format_size(std::uint64_t bytes) {
  if (bytes >= 1073741824ULL && bytes % 1073741824ULL == 0) return fmt(bytes / 1073741824.0, "GiB");
  if (bytes >= 1048576ULL && bytes % 1048576ULL == 0) return fmt(bytes / 1048576.0, "MiB");
  if (bytes >= 1024ULL && bytes % 1024ULL == 0) return fmt(bytes / 1024.0, "KiB");
  return fmt(static_cast<double>(bytes), "B");
}

std::string format_frequency(double hz) {
  if (hz >= 1e9) return fmt(hz / 1e9, "GHz");
  if (hz >= 1e6) return fmt(hz / 1e6, "MHz");
  if (hz >= 1e3) return fmt(hz / 1e3, "kHz");
  return fmt(hz, "Hz");
}

std::string format_bandwidth(double bps) {
  if (bps >= 1e9) return fmt(bps / 1e9, "GB/s");
  if (bps >= 1e6) return fmt(bps / 1e6, "MB/s");
  return fmt(bps, "B/s");
}

std::string format_duration(double s) {
  if (s >= 1.0) return fmt(s, "s");
  if (s >= 1e-3) return fmt(s * 1e3, "ms");
  if (s >= 1e-6) return fmt(s * 1e6, "us");
  if (s >= 1e-9) return fmt(s * 1e9, "ns");
  return fmt(s * 1e12, "ps");
}

}  // namespace accelnas::units
