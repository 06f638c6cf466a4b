// Zoo registry and spec parsing ("name:key=value,key=value").
#include "workloads/zoo/zoo.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "workloads/config/error.h"
#include "workloads/config/suggest.h"
#include "workloads/config/text.h"
#include "workloads/config/units.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl {
namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string range(const ZooParam& p) {
  return "[" + num(p.min) + ", " + num(p.max) + "]";
}

const ZooEntry& find_entry(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& e : zoo_entries()) {
    if (e.name == name) return e;
    names.push_back(e.name);
  }
  std::string hint = suggestion_suffix(name, names);
  if (hint.empty()) hint = " (available: " + join(names, ", ") + ")";
  throw UserError("unknown model '" + name + "'" + hint);
}

const ZooParam& find_param(const ZooEntry& e, const std::string& key, const std::string& spec) {
  std::vector<std::string> keys, valid;
  for (const auto& p : e.params) {
    if (p.key == key) return p;
    keys.push_back(p.key);
    valid.push_back(p.key + " in " + range(p));
  }
  const std::string list = valid.empty() ? "it takes no parameters" : "valid: " + join(valid, ", ");
  throw UserError("model spec '" + spec + "': unknown parameter '" + key + "'" +
                  suggestion_suffix(key, keys) + " (" + list + ")");
}

double parse_param_value(const ZooParam& p, const std::string& text, const std::string& spec) {
  const std::string where = "model spec '" + spec + "': parameter '" + p.key + "'";
  double v = 0;
  try {
    v = units::parse_real(text);
  } catch (const std::invalid_argument& e) {
    throw UserError(where + ": " + e.what());
  }
  if (!(v >= p.min && v <= p.max) || (p.integer && v != std::floor(v))) {
    throw UserError(where + " must be " + (p.integer ? "an integer " : "") + "in " + range(p) +
                    ", got " + text);
  }
  return v;
}

}  // namespace

const std::vector<ZooEntry>& zoo_entries() {
  static const std::vector<ZooEntry> entries = {zoo::mobilenet_v2_entry(),
                                                zoo::mobilenet_v3_large_entry(),
                                                zoo::mobilenet_v3_small_entry(),
                                                zoo::efficientnet_edgetpu_s_entry(),
                                                zoo::mnasnet_a1_entry(),
                                                zoo::resnet18_entry(),
                                                zoo::resnet50_entry(),
                                                zoo::ssdlite_mobilenet_v2_entry(),
                                                zoo::lraspp_mobilenet_v3_entry(),
                                                zoo::camera_classifier_entry(),
                                                zoo::tiny_entry()};
  return entries;
}

Network build_zoo(const std::string& spec) {
  const std::size_t colon = spec.find(':');
  const std::string name = trim(spec.substr(0, colon));
  const ZooEntry& entry = find_entry(name);
  std::map<std::string, double> values;
  std::set<std::string> given;
  if (colon != std::string::npos) {
    for (const std::string& item : split(spec.substr(colon + 1), ',')) {
      const std::size_t eq = item.find('=');
      if (eq == std::string::npos) {
        throw UserError("model spec '" + spec + "': expected key=value, got '" + item + "'");
      }
      const std::string key = trim(item.substr(0, eq));
      const ZooParam& p = find_param(entry, key, spec);
      if (!given.insert(key).second) {
        throw UserError("model spec '" + spec + "': parameter '" + key + "' is given twice");
      }
      values[key] = parse_param_value(p, trim(item.substr(eq + 1)), spec);
    }
  }
  std::string canonical = entry.name;
  char sep = ':';
  for (const auto& p : entry.params) {
    if (values.count(p.key) == 0) values[p.key] = p.default_value;
    if (values[p.key] != p.default_value) {
      canonical += sep + p.key + "=" + num(values[p.key]);
      sep = ',';
    }
  }
  Network net = entry.build(values);
  net.name = canonical;
  return net;
}

}  // namespace accelnas::wl
