// Declared parameters (config/params.h): one declaration drives parsing, validation and listing.
#include <doctest/doctest.h>

#include <stdexcept>

#include "tests/workloads/helpers.h"
#include "workloads/config/params.h"

using namespace accelnas::cfg;
using accelnas::wl::test::contains;
using accelnas::wl::test::user_error;

namespace {

const std::vector<ParamDecl> kDecls = {
    {"compute.parallelism_factor",
     ParamKind::Integer,
     "8",
     1,
     64,
     {},
     "dot-product lanes",
     "units"},
    {"memory.sram", ParamKind::Size, "512KiB", 1024, 1e300, {}, "on-chip buffer", ""},
    {"clock", ParamKind::Frequency, "1GHz", 1e6, 1e10, {}, "core clock", ""},
    {"policy", ParamKind::Choice, "lru", 0, 0, {"lru", "fifo"}, "replacement policy", ""}};

ParamMap parse(const std::string& yaml, const Overrides& overrides = {}) {
  return parse_params(Node::load_string(yaml, "hw.yaml"), kDecls, overrides);
}

std::string parse_error(const std::string& yaml, const Overrides& overrides = {}) {
  return user_error([&] { parse(yaml, overrides); });
}

}  // namespace

TEST_CASE("params: values are parsed into base units and record their line") {
  const ParamMap m = parse("compute:\n  parallelism_factor: 16\nmemory:\n  sram: 2MiB\n");
  CHECK(m.at("compute.parallelism_factor").number == 16);
  CHECK(m.at("compute.parallelism_factor").origin == "hw.yaml:2");
  CHECK(m.at("memory.sram").number == 2097152);
  CHECK(m.at("memory.sram").text == "2MiB");
}

TEST_CASE("params: absent keys take their declared default") {
  const ParamMap m = parse("{}");
  CHECK(m.at("clock").number == doctest::Approx(1e9));
  CHECK(m.at("clock").origin == "default");
  CHECK(m.at("memory.sram").number == 524288);
  CHECK(m.at("policy").text == "lru");
}

TEST_CASE("params: an unknown key is an error at its line listing the allowed keys") {
  CHECK(parse_error("compute:\n  parallelism_factor: 4\n  bogus: 1\n") ==
        "hw.yaml:3: compute.bogus: unknown key (allowed here: parallelism_factor)");
  CHECK(contains(parse_error("cache: 1\n"), "hw.yaml:1: cache: unknown key"));
}

TEST_CASE("params: an out-of-range value names the range and the value") {
  CHECK(parse_error("compute:\n  parallelism_factor: 0\n") ==
        "hw.yaml:2: compute.parallelism_factor: expected an integer >= 1 and <= 64, got 0");
  CHECK(parse_error("clock: 20GHz\n") ==
        "hw.yaml:1: clock: expected a frequency (e.g. 1GHz) >= 1MHz and <= 10GHz, got 20GHz");
}

TEST_CASE("params: a unit-less or negative quantity is rejected with the expected kind") {
  CHECK(parse_error("memory:\n  sram: 512\n") ==
        "hw.yaml:2: memory.sram: missing unit in '512' (write e.g. 512KiB) (expected a size "
        "(e.g. 512KiB) >= 1KiB)");
  CHECK(contains(parse_error("clock: -1GHz\n"), "hw.yaml:1: clock: must not be negative"));
}

TEST_CASE("params: a choice accepts only its listed words") {
  CHECK(parse_error("policy: mru\n") == "hw.yaml:1: policy: expected one of: lru, fifo, got 'mru'");
  CHECK(parse("policy: fifo\n").at("policy").text == "fifo");
}

TEST_CASE("params: sections must be mappings and leaves single values") {
  CHECK(parse_error("compute: 3\n") == "hw.yaml:1: compute: expected a mapping of key: value");
  CHECK(parse_error("compute:\n  parallelism_factor: [1]\n") ==
        "hw.yaml:2: compute.parallelism_factor: expected a single value, got a list or mapping");
}

TEST_CASE("params: --set overrides win over the file and are validated") {
  const ParamMap m = parse("clock: 500MHz\n", {{"clock", "2GHz"}});
  CHECK(m.at("clock").number == doctest::Approx(2e9));
  CHECK(m.at("clock").origin == "--set");
  CHECK(parse_error("{}", {{"nope", "1"}}) ==
        "--set nope: unknown key (see `accelnas list hw-keys`)");
  CHECK(contains(parse_error("{}", {{"compute.parallelism_factor", "65"}}),
                 "--set compute.parallelism_factor: expected an integer >= 1 and <= 64, got 65"));
}

TEST_CASE("params: listings describe kind and range") {
  CHECK(kind_name(ParamKind::Size) == "size (e.g. 512KiB)");
  CHECK(range_text(kDecls[0]) == ">= 1 and <= 64");
  CHECK(range_text(kDecls[1]) == ">= 1KiB");
  CHECK(range_text(kDecls[3]) == "one of: lru, fifo");
  CHECK(find_decl(kDecls, "clock") == &kDecls[2]);
  CHECK(find_decl(kDecls, "compute") == nullptr);
}

TEST_CASE("params: parse_value reports the reason without a location") {
  CHECK_THROWS_WITH_AS(parse_value(kDecls[0], "x"), doctest::Contains("expected an integer"),
                       std::invalid_argument);
  CHECK(parse_value(kDecls[2], "1.5GHz").number == doctest::Approx(1.5e9));
}
