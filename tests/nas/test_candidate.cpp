// Candidates: encodings round-trip through their text, and the network key identifies what the
// simulator sees, not names.
#include <doctest/doctest.h>

#include "nas/candidate.h"
#include "workloads/transforms/layers.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;

TEST_CASE("nas: an encoding's text round-trips and anything else is refused") {
  for (const nas::Encoding& e : {nas::Encoding{}, nas::Encoding{0}, nas::Encoding{3, 0, 12, 1}}) {
    const auto back = nas::parse_encoding(nas::encoding_text(e));
    REQUIRE(back);
    CHECK(*back == e);
  }
  CHECK(nas::encoding_text({3, 0, 2}) == "3.0.2");
  for (const char* bad : {"1..2", ".1", "1.", "-1", "+1", " 1", "1 ", "a", "1.x", "99999999999"})
    CHECK_MESSAGE(!nas::parse_encoding(bad), bad);
  CHECK(nas::encoding_hash({1, 2}).size() == 16);
  CHECK(nas::encoding_hash({1, 2}) != nas::encoding_hash({2, 1}));
}

TEST_CASE("nas: the network key ignores names but not any field the simulator sees") {
  const wl::Network a = wl::build_zoo("tiny");
  wl::Network renamed = wl::build_zoo("tiny");
  renamed.name = "other";
  CHECK(nas::network_key(a) == nas::network_key(renamed));
  CHECK(nas::network_key(a) == nas::network_key(wl::build_zoo("tiny")));
  const wl::Network larger =
      wl::set_resolution(a, a.layer(0).input_shape.h * 2, a.layer(0).input_shape.w * 2);
  CHECK(nas::network_key(a) != nas::network_key(larger));
  const wl::Network int16 = wl::set_precision(a, "all", Precision::Int16);
  CHECK(nas::network_key(a) != nas::network_key(int16));
}
