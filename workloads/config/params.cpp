#include "workloads/config/params.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "workloads/config/error.h"
#include "workloads/config/units.h"

namespace accelnas::cfg {
namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string bound_text(ParamKind kind, double v) {
  switch (kind) {
    case ParamKind::Size:
      return units::format_size(static_cast<std::uint64_t>(v));
    case ParamKind::Frequency:
      return units::format_frequency(v);
    case ParamKind::Bandwidth:
      return units::format_bandwidth(v);
    case ParamKind::Duration:
      return units::format_duration(v);
    case ParamKind::Energy:
      return num(v) + "pJ";
    default:
      return num(v);
  }
}

double parse_number(ParamKind kind, const std::string& text) {
  switch (kind) {
    case ParamKind::Integer:
      return static_cast<double>(units::parse_integer(text));
    case ParamKind::Real:
      return units::parse_real(text);
    case ParamKind::Size:
      return static_cast<double>(units::parse_size_bytes(text));
    case ParamKind::Frequency:
      return units::parse_frequency_hz(text);
    case ParamKind::Bandwidth:
      return units::parse_bandwidth_bytes_per_s(text);
    case ParamKind::Duration:
      return units::parse_duration_s(text);
    case ParamKind::Energy:
      return units::parse_energy_pj(text);
    default:
      ACCELNAS_PANIC("parse_number on a non-numeric kind");
  }
}

// "an integer", "a size (e.g. 512KiB)".
std::string with_article(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string("aeiou").find(noun[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

bool is_prefix_of_some_key(const std::vector<ParamDecl>& decls, const std::string& path) {
  for (const auto& d : decls) {
    if (d.key.size() > path.size() && d.key.compare(0, path.size(), path) == 0 &&
        d.key[path.size()] == '.') {
      return true;
    }
  }
  return false;
}

std::vector<std::string> children_of(const std::vector<ParamDecl>& decls, const std::string& path) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  const std::string prefix = path.empty() ? "" : path + ".";
  for (const auto& d : decls) {
    if (d.key.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = d.key.substr(prefix.size());
    const std::string head = rest.substr(0, rest.find('.'));
    if (seen.insert(head).second) out.push_back(head);
  }
  return out;
}

void walk(const Node& node, const std::vector<ParamDecl>& decls, ParamMap& out) {
  node.expect_keys(children_of(decls, node.path()));
  for (const auto& key : node.keys()) {
    const Node child = node[key];
    if (const ParamDecl* d = find_decl(decls, child.path())) {
      if (!child.is_scalar()) child.fail("expected a single value, got a list or mapping");
      try {
        ParamValue v = parse_value(*d, child.scalar());
        v.origin = child.file() + ":" + std::to_string(child.line());
        out[d->key] = v;
      } catch (const std::invalid_argument& e) {
        child.fail(e.what());
      }
    } else if (is_prefix_of_some_key(decls, child.path())) {
      if (!child.is_map()) child.fail("expected a mapping of key: value");
      walk(child, decls, out);
    } else {
      ACCELNAS_PANIC("expect_keys let an undeclared key through");
    }
  }
}

}  // namespace

std::string kind_name(ParamKind kind) {
  switch (kind) {
    case ParamKind::Integer:
      return "integer";
    case ParamKind::Real:
      return "number";
    case ParamKind::Size:
      return "size (e.g. 512KiB)";
    case ParamKind::Frequency:
      return "frequency (e.g. 1GHz)";
    case ParamKind::Bandwidth:
      return "bandwidth (e.g. 8GB/s)";
    case ParamKind::Duration:
      return "duration (e.g. 100ns)";
    case ParamKind::Energy:
      return "energy (e.g. 0.2pJ)";
    case ParamKind::Choice:
      return "choice";
    case ParamKind::Text:
      return "text";
  }
  return "?";
}

std::string type_text(const ParamDecl& d) {
  return d.count_unit.empty() ? kind_name(d.kind) : kind_name(d.kind) + " (" + d.count_unit + ")";
}

std::string range_text(const ParamDecl& d) {
  if (d.kind == ParamKind::Choice) {
    std::string s = "one of: ";
    for (std::size_t i = 0; i < d.choices.size(); ++i) s += (i ? ", " : "") + d.choices[i];
    return s;
  }
  if (d.kind == ParamKind::Text) return "any text";
  std::string s = ">= " + bound_text(d.kind, d.min);
  if (d.max < 1e299) s += " and <= " + bound_text(d.kind, d.max);
  return s;
}

ParamValue parse_value(const ParamDecl& d, const std::string& text) {
  ParamValue v;
  v.text = text;
  if (d.kind == ParamKind::Text) return v;
  if (d.kind == ParamKind::Choice) {
    for (const auto& c : d.choices) {
      if (c == text) return v;
    }
    throw std::invalid_argument("expected " + range_text(d) + ", got '" + text + "'");
  }
  double x = 0;
  try {
    x = parse_number(d.kind, text);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string(e.what()) + " (expected " +
                                with_article(kind_name(d.kind)) + " " + range_text(d) + ")");
  }
  if (!(x >= d.min && x <= d.max)) {
    throw std::invalid_argument("expected " + with_article(kind_name(d.kind)) + " " +
                                range_text(d) + ", got " + text);
  }
  v.number = x;
  return v;
}

const ParamDecl* find_decl(const std::vector<ParamDecl>& decls, const std::string& key) {
  for (const auto& d : decls) {
    if (d.key == key) return &d;
  }
  return nullptr;
}

ParamMap parse_params(const Node& root, const std::vector<ParamDecl>& decls,
                      const Overrides& overrides) {
  ParamMap out;
  if (root.present() && !root.is_null()) walk(root, decls, out);
  for (const auto& d : decls) {
    if (out.count(d.key)) continue;
    try {
      ParamValue v = parse_value(d, d.default_text);
      v.origin = "default";
      out[d.key] = v;
    } catch (const std::invalid_argument& e) {
      ACCELNAS_PANIC("bad default for " + d.key + ": " + e.what());
    }
  }
  for (const auto& [key, text] : overrides) {
    const ParamDecl* d = find_decl(decls, key);
    if (d == nullptr)
      throw UserError("--set " + key + ": unknown key (see `accelnas list hw-keys`)");
    try {
      ParamValue v = parse_value(*d, text);
      v.origin = "--set";
      out[d->key] = v;
    } catch (const std::invalid_argument& e) {
      throw UserError("--set " + key + ": " + e.what());
    }
  }
  return out;
}

}  // namespace accelnas::cfg
