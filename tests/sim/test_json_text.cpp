// JSON text of user data never throws: invalid UTF-8 that reaches a report is replaced.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sim/json_text.h"

TEST_CASE("json_text: a name with invalid UTF-8 is dumped with U+FFFD instead of throwing") {
  const nlohmann::json j{{"name", std::string("chip\x87")}};
  CHECK_THROWS_AS(j.dump(), nlohmann::json::type_error);
  CHECK(accelnas::sim::json_text(j) == "{\"name\":\"chip\xef\xbf\xbd\"}");
}

TEST_CASE("json_error_text: nlohmann's message without its [json.exception...] tag") {
  try {
    (void)nlohmann::json::parse("{");
  } catch (const nlohmann::json::exception& e) {
    const std::string text = accelnas::sim::json_error_text(e);
    CHECK(text.rfind("parse error", 0) == 0);
    CHECK(text.find("json.exception") == std::string::npos);
  }
}
