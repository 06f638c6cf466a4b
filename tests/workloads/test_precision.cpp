// Precision names (precision.h).
#include <doctest/doctest.h>

#include "workloads/precision.h"

using namespace accelnas;

TEST_CASE("precision names: int8, int16, fp16, bf16 round-trip") {
  const char* names[] = {"int8", "int16", "fp16", "bf16"};
  for (std::size_t k = 0; k < kNumPrecisions; ++k) {
    CHECK(std::string(precision_name(kAllPrecisions[k])) == names[k]);
    Precision p = Precision::Int8;
    REQUIRE(parse_precision(names[k], p));
    CHECK(p == kAllPrecisions[k]);
  }
}

TEST_CASE("precision names: unknown and differently-cased names are rejected") {
  Precision p = Precision::Fp16;
  CHECK_FALSE(parse_precision("int4", p));
  CHECK_FALSE(parse_precision("INT8", p));
  CHECK(p == Precision::Fp16);
}
