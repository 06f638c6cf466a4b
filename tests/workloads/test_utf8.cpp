// UTF-8 validity as JSON demands it: what a YAML loader refuses and an error line escapes.
#include <doctest/doctest.h>

#include <string>

#include "workloads/config/utf8.h"

using accelnas::invalid_utf8_offset;
using accelnas::utf8_sequence_length;

TEST_CASE("utf8: ASCII and well-formed sequences of 2, 3 and 4 bytes are valid") {
  const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  // a, e-acute, euro, emoji
  CHECK(invalid_utf8_offset(text) == std::string::npos);
  CHECK(utf8_sequence_length(text, 0) == 1);
  CHECK(utf8_sequence_length(text, 1) == 2);
  CHECK(utf8_sequence_length(text, 3) == 3);
  CHECK(utf8_sequence_length(text, 6) == 4);
}

TEST_CASE("utf8: overlong forms, surrogates, code points past U+10FFFF and cut sequences are not") {
  CHECK(invalid_utf8_offset("ab\x87") == 2);                        // a stray continuation byte
  CHECK(invalid_utf8_offset("\xc0\xaf") == 0);                      // overlong '/'
  CHECK(invalid_utf8_offset("\xe0\x80\xaf") == 0);                  // overlong, 3 bytes
  CHECK(invalid_utf8_offset("\xf0\x80\x80\xaf") == 0);              // overlong, 4 bytes
  CHECK(invalid_utf8_offset("x\xed\xa0\x80") == 1);                 // the surrogate U+D800
  CHECK(invalid_utf8_offset("\xf4\x90\x80\x80") == 0);              // U+110000
  CHECK(invalid_utf8_offset("\xf5\x80\x80\x80") == 0);              // no such lead byte
  CHECK(invalid_utf8_offset("ok\xe2\x82") == 2);                    // cut at the end
  CHECK(invalid_utf8_offset("\xed\x9f\xbf") == std::string::npos);  // U+D7FF, just below
}
