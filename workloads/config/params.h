// Declared parameters: each key is declared once with its kind (and so its unit), default, range
// and description. The same table drives parsing, validation, `accelnas list hw-keys` and docs.
#ifndef ACCELNAS_WORKLOADS_CONFIG_PARAMS_H
#define ACCELNAS_WORKLOADS_CONFIG_PARAMS_H

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "workloads/config/node.h"

namespace accelnas::cfg {

enum class ParamKind { Integer, Real, Size, Frequency, Bandwidth, Duration, Energy, Choice, Text };

struct ParamDecl {
  std::string key;  // dotted path, e.g. "compute.parallelism_factor"
  ParamKind kind;
  std::string default_text;  // written as a user would write it, e.g. "512KiB"
  double min = 0;            // inclusive bounds in the base unit (bytes, Hz, B/s, s, pJ)
  double max = 1e300;
  std::vector<std::string> choices;  // for Choice
  std::string description;
  std::string count_unit;  // for Integer: what it counts ("cycles", "lanes"), shown in listings
  // False for a key declared after stored descriptions existed (label stores, estimator files):
  // while it holds its default it stays out of the description's identity (its canonical text
  // and hash), so every description written before the key keeps its hash.
  bool identity_at_default = true;
};

// Base-unit value: `number` for numeric kinds, `text` for Choice/Text (and the source text).
struct ParamValue {
  double number = 0;
  std::string text;
  std::string origin;  // "file:line", "--set" or "default"
};

using ParamMap = std::map<std::string, ParamValue>;
using Overrides = std::vector<std::pair<std::string, std::string>>;  // key, text

// "integer", "size (e.g. 512KiB)", ... for listings.
std::string kind_name(ParamKind kind);
// kind_name plus the counted unit, e.g. "integer (cycles)".
std::string type_text(const ParamDecl& decl);
// Human-readable range, e.g. ">= 1" or "one of: a, b".
std::string range_text(const ParamDecl& decl);

// Parses one value. Throws std::invalid_argument with a reason such as
// "expected an integer >= 1, got 0".
ParamValue parse_value(const ParamDecl& decl, const std::string& text);

// Parses `root` (a mapping) against `decls`. Every leaf must be declared; absent keys take their
// default; then `overrides` are applied (unknown override keys are errors). Errors are UserError
// with file, line and key.
ParamMap parse_params(const Node& root, const std::vector<ParamDecl>& decls,
                      const Overrides& overrides);

const ParamDecl* find_decl(const std::vector<ParamDecl>& decls, const std::string& key);

}  // namespace accelnas::cfg

#endif  // ACCELNAS_WORKLOADS_CONFIG_PARAMS_H
