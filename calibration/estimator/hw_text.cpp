#include "calibration/estimator/hw_text.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "sim/json_text.h"
#include "sim/runtime/sha256.h"
#include "workloads/config/error.h"

namespace accelnas::cal {
namespace {

using nlohmann::json;

// Keys that name or explain a description but do not change what it simulates.
bool is_identity_free(const std::string& key) {
  return key == "name" || key == "description";
}

// Keys declared after label stores and estimators were first written (ParamDecl::
// identity_at_default): left out while they hold their default, so every description that
// existed before them keeps its text and hash.
bool omitted_at_default(const cfg::ParamDecl& d, const cfg::ParamValue& v) {
  return !d.identity_at_default && v.text == d.default_text;
}

bool is_numeric(cfg::ParamKind kind) {
  return kind != cfg::ParamKind::Choice && kind != cfg::ParamKind::Text;
}

// Unit conversions are not exact in binary ("0.1us" is 0.1 * 1e-6, not 1e-7): 12 significant
// digits absorb that while keeping every value a user can write apart.
json canonical_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  const double rounded = std::strtod(buf, nullptr);
  constexpr double kExactInteger = 9007199254740992.0;  // 2^53
  if (rounded == std::floor(rounded) && std::fabs(rounded) < kExactInteger)
    return static_cast<std::int64_t>(rounded);
  return rounded;
}

const cfg::ParamValue& value_of(const hw::HwSpec& hw, const std::string& key) {
  const auto it = hw.values.find(key);
  ACCELNAS_CHECK(it != hw.values.end(), "hardware description without resolved key " + key);
  return it->second;
}

}  // namespace

std::string hw_canonical_text(const hw::HwSpec& hw) {
  json j = json::object();
  for (const cfg::ParamDecl& d : hw::hw_param_decls()) {
    if (is_identity_free(d.key)) continue;
    const cfg::ParamValue& v = value_of(hw, d.key);
    if (omitted_at_default(d, v)) continue;
    j[d.key] = is_numeric(d.kind) ? canonical_number(v.number) : json(v.text);
  }
  return sim::json_text(j);
}

std::string hw_description_json(const hw::HwSpec& hw) {
  json params = json::object();
  for (const cfg::ParamDecl& d : hw::hw_param_decls()) {
    if (is_identity_free(d.key)) continue;
    const cfg::ParamValue& v = value_of(hw, d.key);
    if (!omitted_at_default(d, v)) params[d.key] = v.text;
  }
  const json j{{"name", hw.name},
               {"description", hw.description},
               {"source", hw.source},
               {"params", params},
               {"canonical", hw_canonical_text(hw)}};
  return sim::json_text(j);
}

HardwareRecord hardware_record(const hw::HwSpec& hw) {
  HardwareRecord r;
  r.canonical = hw_canonical_text(hw);
  r.hash = runtime::sha256_hex(r.canonical);
  r.description = hw_description_json(hw);
  return r;
}

hw::HwSpec hw_from_description(const std::string& description, const std::string& canonical,
                               const std::string& where) {
  const auto corrupt = [&where](const std::string& what) {
    return UserError(where + ": the stored hardware description " + what);
  };
  json d;
  try {
    d = json::parse(description);
  } catch (const json::exception&) {
    throw corrupt("is not JSON");
  }
  if (!d.is_object() || !d.contains("params") || !d["params"].is_object())
    throw corrupt("is not a JSON object with \"params\"");
  cfg::Overrides overrides;
  for (const auto& [key, value] : d["params"].items()) {
    if (!value.is_string()) throw corrupt("has a parameter that is not a string: " + key);
    overrides.emplace_back(key, value.get<std::string>());
  }
  for (const char* key : {"name", "description"}) {
    if (d.contains(key) && !d[key].is_string()) throw corrupt(std::string("has a non-text ") + key);
  }
  hw::HwSpec hw;
  try {
    hw = hw::load_hw(hw::kDefaultPreset, overrides);
  } catch (const UserError& e) {
    throw corrupt(std::string("has a bad parameter: ") + e.what());
  }
  hw.name = d.value("name", hw.name);
  hw.description = d.value("description", hw.description);
  hw.source = where;
  if (hw_canonical_text(hw) != canonical) throw corrupt("does not rebuild its canonical text");
  return hw;
}

}  // namespace accelnas::cal
