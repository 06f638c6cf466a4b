// Typed units at the configuration boundary.
//
// Every parser takes the user's text ("1GHz", "12.8GB/s", "512KiB", "30ns", "0.2pJ") and returns
// the value in the base unit named by the function (Hz, bytes/s, bytes, seconds, picojoules).
// Decimal prefixes (k, M, G) are powers of 1000 and binary prefixes (Ki, Mi, Gi) powers of 1024.
// A bare number is rejected: the unit must be written, so nobody has to guess it. Negative
// quantities are rejected too.
// On bad input they throw std::invalid_argument whose what() is a short reason; the caller adds
// the file, line and key.
#ifndef ACCELNAS_WORKLOADS_CONFIG_UNITS_H
#define ACCELNAS_WORKLOADS_CONFIG_UNITS_H

#include <cstdint>
#include <string>

namespace accelnas::units {

double parse_frequency_hz(const std::string& text);
double parse_bandwidth_bytes_per_s(const std::string& text);
std::uint64_t parse_size_bytes(const std::string& text);
double parse_duration_s(const std::string& text);
// A count ("2M", "500k", "1.5G", "1200000"): k / K, M and G are powers of 1000; no unit needed.
double parse_count(const std::string& text);
double parse_energy_pj(const std::string& text);

// Strict plain numbers: the whole text must be the number.
std::int64_t parse_integer(const std::string& text);
double parse_real(const std::string& text);

// Human-readable renderings used by listings and reports.
std::string format_size(std::uint64_t bytes);
std::string format_frequency(double hz);
std::string format_bandwidth(double bytes_per_s);
std::string format_duration(double seconds);

}  // namespace accelnas::units

#endif  // ACCELNAS_WORKLOADS_CONFIG_UNITS_H
