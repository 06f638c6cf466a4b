// Typed units at the configuration boundary (config/units.h).
#include <doctest/doctest.h>

#include <stdexcept>

#include "workloads/config/units.h"

using namespace accelnas::units;

namespace {

template <class F>
std::string reason(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("units: frequencies scale by 1000 (1GHz = 1e9 Hz)") {
  CHECK(parse_frequency_hz("1GHz") == doctest::Approx(1e9));
  CHECK(parse_frequency_hz("800MHz") == doctest::Approx(8e8));
  CHECK(parse_frequency_hz("250 kHz") == doctest::Approx(2.5e5));
}

TEST_CASE("units: bandwidth 12.8GB/s is 12.8e9 bytes/s, GiB/s is binary") {
  CHECK(parse_bandwidth_bytes_per_s("12.8GB/s") == doctest::Approx(12.8e9));
  CHECK(parse_bandwidth_bytes_per_s("1GiB/s") == doctest::Approx(1073741824.0));
}

TEST_CASE("units: sizes use binary prefixes for KiB/MiB and decimal for kB/MB") {
  CHECK(parse_size_bytes("512KiB") == 524288u);
  CHECK(parse_size_bytes("2MiB") == 2097152u);
  CHECK(parse_size_bytes("1MB") == 1000000u);
  CHECK(parse_size_bytes("64B") == 64u);
}

TEST_CASE("units: durations in seconds (30ns = 3e-8 s)") {
  CHECK(parse_duration_s("30ns") == doctest::Approx(30e-9));
  CHECK(parse_duration_s("1.5us") == doctest::Approx(1.5e-6));
}

TEST_CASE("units: counts take decimal suffixes or none (2M = 2e6, 500k, 1200000)") {
  CHECK(parse_count("2M") == 2e6);
  CHECK(parse_count("500k") == 5e5);
  CHECK(parse_count("1.5G") == 1.5e9);
  CHECK(parse_count("1200000") == 1.2e6);
  CHECK(reason([] { parse_count("2Mi"); }) ==
        "unknown suffix 'Mi' in '2Mi' (write e.g. 2M, 500k or 1200000)");
  CHECK(reason([] { parse_count("-2M"); }) == "must not be negative, got '-2M'");
}

TEST_CASE("units: energies in picojoules (0.2pJ, 1nJ = 1000pJ)") {
  CHECK(parse_energy_pj("0.2pJ") == doctest::Approx(0.2));
  CHECK(parse_energy_pj("1nJ") == doctest::Approx(1000.0));
}

TEST_CASE("units: a bare number is rejected because the unit must be written") {
  CHECK(reason([] { parse_frequency_hz("1000"); }) == "missing unit in '1000' (write e.g. 1GHz)");
  CHECK(reason([] { parse_size_bytes("512"); }) == "missing unit in '512' (write e.g. 512KiB)");
  CHECK(reason([] { parse_duration_s("30"); }) == "missing unit in '30' (write e.g. 30ns)");
}

TEST_CASE("units: negative quantities are rejected") {
  CHECK(reason([] { parse_size_bytes("-1KiB"); }) == "must not be negative, got '-1KiB'");
  CHECK(reason([] { parse_frequency_hz("-1GHz"); }) == "must not be negative, got '-1GHz'");
  CHECK(reason([] { parse_bandwidth_bytes_per_s("-2GB/s"); }) != "<no error>");
  CHECK(reason([] { parse_duration_s("-3ns"); }) != "<no error>");
  CHECK(reason([] { parse_energy_pj("-0.1pJ"); }) != "<no error>");
}

TEST_CASE("units: unknown units and partial bytes are rejected") {
  CHECK(reason([] { parse_frequency_hz("1Ghz"); }) ==
        "unknown unit 'Ghz' in '1Ghz' (write e.g. 1GHz)");
  CHECK(reason([] { parse_size_bytes("1.5B"); }) != "<no error>");
  CHECK(reason([] { parse_size_bytes("GiB"); }) == "expected a number, got 'GiB'");
}

TEST_CASE("units: plain integers and reals must be the whole text") {
  CHECK(parse_integer(" 42 ") == 42);
  CHECK(parse_integer("-7") == -7);
  CHECK(reason([] { parse_integer("3.0"); }) == "expected an integer, got '3.0'");
  CHECK(reason([] { parse_integer("12abc"); }) != "<no error>");
  CHECK(parse_real("0.75") == doctest::Approx(0.75));
  CHECK(reason([] { parse_real("1GHz"); }) == "expected a number, got '1GHz'");
}

TEST_CASE("units: renderings pick the largest exact or readable unit") {
  CHECK(format_size(524288) == "512KiB");
  CHECK(format_size(1000) == "1000B");
  CHECK(format_frequency(1e9) == "1GHz");
  CHECK(format_bandwidth(12.8e9) == "12.8GB/s");
  CHECK(format_duration(30e-9) == "30ns");
}
