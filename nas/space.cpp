#include "nas/space.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "nas/space_impl.h"
#include "sim/runtime/sha256.h"
#include "workloads/config/error.h"
#include "workloads/config/input_file.h"

namespace accelnas::nas {
namespace detail {

int DimTable::add(std::string name, std::vector<std::string> choices) {
  all.push_back(Dimension{std::move(name), std::move(choices)});
  const int index = static_cast<int>(all.size()) - 1;
  if (all.back().choices.size() > 1) encoded.push_back(index);
  return index;
}

std::vector<int> DimTable::expand(const Encoding& e) const {
  std::vector<int> out(all.size(), 0);
  for (std::size_t i = 0; i < encoded.size(); ++i) out[static_cast<std::size_t>(encoded[i])] = e[i];
  return out;
}

void DimTable::finish(SearchSpace::Impl& impl) const {
  impl.dims.clear();
  impl.fixed.clear();
  impl.all = all;
  for (const Dimension& d : all) (d.choices.size() > 1 ? impl.dims : impl.fixed).push_back(d);
}

std::vector<cfg::Node> choice_nodes(const cfg::Node& n) {
  std::vector<cfg::Node> out;
  if (n.is_seq()) {
    if (n.size() == 0) n.fail("expected at least one choice, got an empty list");
    for (std::size_t i = 0; i < n.size(); ++i) {
      if (!n.at(i).is_scalar()) n.at(i).fail("expected a scalar choice");
      out.push_back(n.at(i));
    }
  } else if (n.is_scalar()) {
    out.push_back(n);
  } else {
    n.fail("expected a value or a list of choices");
  }
  return out;
}

std::vector<std::int64_t> int_choices(const cfg::Node& n, std::int64_t lo, std::int64_t hi) {
  std::vector<std::int64_t> out;
  for (const cfg::Node& c : choice_nodes(n)) {
    const std::int64_t v = c.as_int();
    if (v < lo || v > hi) {
      c.fail("expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
             ", got " + std::to_string(v));
    }
    for (std::int64_t seen : out)
      if (seen == v) c.fail("duplicate choice " + std::to_string(v));
    out.push_back(v);
  }
  return out;
}

std::vector<double> real_choices(const cfg::Node& n, double lo, double hi) {
  std::vector<double> out;
  for (const cfg::Node& c : choice_nodes(n)) {
    const double v = c.as_real();
    if (!std::isfinite(v) || v <= lo || v > hi) {
      c.fail("expected a number > " + format_real(lo) + " and <= " + format_real(hi) + ", got " +
             c.scalar());
    }
    for (double seen : out)
      if (seen == v) c.fail("duplicate choice " + c.scalar());
    out.push_back(v);
  }
  return out;
}

std::vector<std::string> word_choices(const cfg::Node& n, const std::vector<std::string>& allowed) {
  std::vector<std::string> out;
  for (const cfg::Node& c : choice_nodes(n)) {
    const std::string v = c.scalar();
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == v;
    if (!ok) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      c.fail("unknown value '" + v + "'; expected one of " + list);
    }
    for (const auto& seen : out)
      if (seen == v) c.fail("duplicate choice " + v);
    out.push_back(v);
  }
  return out;
}

std::int64_t parse_multiple(const cfg::Node& n, std::int64_t pf) {
  if (!n.is_scalar()) n.fail("expected pf or a positive integer");
  const std::string text = n.scalar();
  if (text == "pf") return pf;
  std::int64_t v = 0;
  bool digits = !text.empty() && text.size() <= 6;
  for (char ch : text) digits = digits && ch >= '0' && ch <= '9';
  if (digits) v = std::stoll(text);
  if (!digits || v < 1)
    n.fail("expected pf or a positive integer (up to 999999), got '" + text + "'");
  return v;
}

std::string format_real(double v) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace detail

namespace {

std::string parse_name(const cfg::Node& root, const std::string& source_name) {
  if (root["name"].present()) {
    const std::string name = root["name"].scalar();
    if (name.empty()) root["name"].fail("expected a non-empty name");
    return name;
  }
  return std::filesystem::path(source_name).stem().string();
}

}  // namespace

SearchSpace::SearchSpace(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

SearchSpace SearchSpace::parse(const std::string& yaml, const std::string& source_name,
                               const hw::HwSpec& hw) {
  const cfg::Node root = cfg::Node::load_string(yaml, source_name);
  root.expect_map();
  const std::int64_t pf = hw.parallelism_factor;
  std::shared_ptr<Impl> impl;
  if (root.has("base")) {
    const std::string folder = std::filesystem::path(source_name).parent_path().string();
    impl = detail::parse_base(root, pf, folder);
  } else {
    impl = detail::parse_macro(root, pf);
  }
  impl->name = parse_name(root, source_name);
  impl->description = root["description"].present() ? root["description"].scalar() : "";
  impl->source = source_name;
  impl->text = yaml;
  // A base space's hash covers its base network too (a network file may change under the space).
  std::string hashed = yaml + "\npf=" + std::to_string(pf);
  if (const wl::Network* base = impl->base_network()) hashed += "\nbase=" + network_key(*base);
  impl->hash = runtime::sha256_hex(hashed);
  return SearchSpace(std::move(impl));
}

SearchSpace SearchSpace::load(const std::string& name_or_path, const hw::HwSpec& hw) {
  std::error_code ec;
  const std::string& spec = name_or_path;
  const bool file = spec.find('/') != std::string::npos ||
                    (spec.size() > 5 && spec.compare(spec.size() - 5, 5, ".yaml") == 0) ||
                    std::filesystem::exists(spec, ec);
  if (!file) {
    for (const SearchSpacePreset& p : search_space_presets()) {
      if (p.name != spec) continue;
      return parse(p.yaml, "builtin:" + p.name, hw);
    }
    std::string list;
    for (const auto& n : search_space_names()) list += (list.empty() ? "" : ", ") + n;
    throw UserError("unknown search space '" + spec + "'; built-in: " + list + ", or a YAML file");
  }
  const std::string text = read_input_file(spec);
  return parse(text, spec, hw);
}

std::vector<std::string> search_space_names() {
  std::vector<std::string> out;
  for (const auto& p : search_space_presets()) out.push_back(p.name);
  return out;
}

const std::string& SearchSpace::name() const {
  return impl_->name;
}
const std::string& SearchSpace::description() const {
  return impl_->description;
}
const std::string& SearchSpace::source() const {
  return impl_->source;
}
const std::string& SearchSpace::text() const {
  return impl_->text;
}
const std::string& SearchSpace::hash() const {
  return impl_->hash;
}
const std::vector<Dimension>& SearchSpace::dimensions() const {
  return impl_->dims;
}
const std::vector<Dimension>& SearchSpace::fixed_dimensions() const {
  return impl_->fixed;
}
const std::vector<Dimension>& SearchSpace::all_dimensions() const {
  return impl_->all;
}

std::vector<int> SearchSpace::cardinalities() const {
  std::vector<int> out;
  for (const auto& d : impl_->dims) out.push_back(static_cast<int>(d.choices.size()));
  return out;
}

double SearchSpace::log10_size() const {
  double s = 0;
  for (const auto& d : impl_->dims) s += std::log10(static_cast<double>(d.choices.size()));
  return s;
}

bool SearchSpace::valid(const Encoding& e) const {
  if (e.size() != impl_->dims.size()) return false;
  for (std::size_t i = 0; i < e.size(); ++i)
    if (e[i] < 0 || static_cast<std::size_t>(e[i]) >= impl_->dims[i].choices.size()) return false;
  return true;
}

Encoding SearchSpace::sample(runtime::Rng& rng) const {
  Encoding e;
  e.reserve(impl_->dims.size());
  for (const auto& d : impl_->dims) e.push_back(static_cast<int>(rng.below(d.choices.size())));
  return e;
}

Decoded SearchSpace::decode(const Encoding& e) const {
  ACCELNAS_CHECK(valid(e), "SearchSpace::decode: invalid encoding '" + encoding_text(e) +
                               "' for space " + impl_->name);
  return impl_->decode(e);
}

std::string SearchSpace::arch(const Encoding& e) const {
  ACCELNAS_CHECK(valid(e), "SearchSpace::arch: invalid encoding '" + encoding_text(e) +
                               "' for space " + impl_->name);
  return impl_->arch(e);
}

std::optional<Encoding> SearchSpace::base_encoding() const {
  return impl_->base_encoding();
}
const wl::Network* SearchSpace::base_network() const {
  return impl_->base_network();
}

}  // namespace accelnas::nas
