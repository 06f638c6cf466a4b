// JSON text of values that may hold user text (names from YAML, ONNX and label databases, error
// messages quoting them). Loaders reject invalid UTF-8 with the file and line; this is the
// backstop that keeps a dump from throwing nlohmann's type_error.316 when one slips through:
// invalid bytes become U+FFFD.
#ifndef ACCELNAS_SIM_JSON_TEXT_H
#define ACCELNAS_SIM_JSON_TEXT_H

#include <nlohmann/json.hpp>
#include <string>

namespace accelnas::sim {

inline std::string json_text(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What a nlohmann exception says, without its "[json.exception.type_error.302] " tag: error lines
// name the file and the entry themselves.
inline std::string json_error_text(const nlohmann::json::exception& e) {
  const std::string what = e.what();
  const std::size_t tag_end = what.rfind('[', 0) == 0 ? what.find("] ") : std::string::npos;
  return tag_end == std::string::npos ? what : what.substr(tag_end + 2);
}

}  // namespace accelnas::sim

#endif  // ACCELNAS_SIM_JSON_TEXT_H
