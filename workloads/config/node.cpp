#include "workloads/config/node.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>

#include "workloads/config/error.h"
#include "workloads/config/input_file.h"
#include "workloads/config/units.h"
#include "workloads/config/utf8.h"

namespace accelnas::cfg {

struct Node::Impl {
  std::shared_ptr<const std::string> file;
  std::string path;
  int line = 0;
  YAML::Node node;  // undefined (IsDefined()==false) when absent
  bool present = true;
};

Node::Node(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

namespace {

std::shared_ptr<Node::Impl> make_root(const YAML::Node& root, const std::string& file) {
  auto impl = std::make_shared<Node::Impl>();
  impl->file = std::make_shared<const std::string>(file);
  impl->node = root;
  impl->line = root.IsDefined() && !root.IsNull() ? root.Mark().line + 1 : 1;
  impl->present = true;
  return impl;
}

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

YAML::Node parse_or_throw(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports a premature end of input one line past the last; point at the last line.
    const long lines = static_cast<long>(std::count(text.begin(), text.end(), '\n')) +
                       (!text.empty() && text.back() != '\n' ? 1 : 0);
    std::ostringstream os;
    if (e.mark.line + 1 > lines) {
      os << name << ":" << std::max(1L, lines) << ": malformed YAML: " << e.msg
         << " (at end of file)";
    } else {
      os << name << ":" << e.mark.line + 1 << ":" << e.mark.column + 1
         << ": malformed YAML: " << e.msg;
    }
    throw UserError(os.str());
  }
}

// YAML text must be Unicode, and names end up in JSON reports and label keys: a byte that is not
// valid UTF-8 is refused where it is read, with its file and line.
std::string utf8_problem(const std::string& text) {
  const std::size_t at = invalid_utf8_offset(text);
  if (at == std::string::npos) return "";
  static const char* digits = "0123456789abcdef";
  const auto c = static_cast<unsigned char>(text[at]);
  return std::string("not valid UTF-8 (byte 0x") + digits[c >> 4] + digits[c & 15] + " at offset " +
         std::to_string(at) + ")";
}

}  // namespace

Node Node::load_file(const std::string& path) {
  return load_string(read_input_file(path), path);
}

Node Node::load_string(const std::string& text, const std::string& source_name) {
  return Node(make_root(parse_or_throw(text, source_name), source_name));
}

bool Node::present() const {
  return impl_->present && impl_->node.IsDefined();
}
bool Node::is_map() const {
  return present() && impl_->node.IsMap();
}
bool Node::is_seq() const {
  return present() && impl_->node.IsSequence();
}
bool Node::is_scalar() const {
  return present() && impl_->node.IsScalar();
}
bool Node::is_null() const {
  return !present() || impl_->node.IsNull();
}
const std::string& Node::file() const {
  return *impl_->file;
}
const std::string& Node::path() const {
  return impl_->path;
}
int Node::line() const {
  return impl_->line;
}

std::string Node::where() const {
  std::ostringstream os;
  os << file() << ":" << line() << ":";
  if (!path().empty()) os << " " << path() << ":";
  return os.str();
}

void Node::fail(const std::string& reason) const {
  throw UserError(where() + " " + reason);
}

Node Node::child(const std::string& path, int line, const void* yaml_node) const {
  auto impl = std::make_shared<Impl>();
  impl->file = impl_->file;
  impl->path = path;
  impl->line = line;
  if (yaml_node != nullptr) {
    impl->node = *static_cast<const YAML::Node*>(yaml_node);
    impl->present = true;
  } else {
    impl->present = false;
  }
  return Node(impl);
}

void Node::expect_map() const {
  if (!is_map()) {
    if (!present()) fail("missing (expected a mapping)");
    fail("expected a mapping of key: value");
  }
}

std::vector<std::string> Node::keys() const {
  expect_map();
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (auto it = impl_->node.begin(); it != impl_->node.end(); ++it) {
    const int key_line = it->first.Mark().line + 1;
    if (!it->first.IsScalar()) {
      throw UserError(file() + ":" + std::to_string(key_line) + ": " + path() +
                      ": keys must be plain names");
    }
    const std::string k = it->first.Scalar();
    if (const std::string bad = utf8_problem(k); !bad.empty()) {
      throw UserError(file() + ":" + std::to_string(key_line) + ": " +
                      (path().empty() ? "" : path() + ": ") + "a key is " + bad);
    }
    if (!seen.insert(k).second) {
      throw UserError(file() + ":" + std::to_string(key_line) + ": " + join_path(path(), k) +
                      ": duplicate key");
    }
    out.push_back(k);
  }
  return out;
}

bool Node::has(const std::string& key) const {
  if (!is_map()) return false;
  for (auto it = impl_->node.begin(); it != impl_->node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return true;
  }
  return false;
}

Node Node::operator[](const std::string& key) const {
  const std::string p = join_path(path(), key);
  if (is_map()) {
    for (auto it = impl_->node.begin(); it != impl_->node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) {
        const YAML::Node value = it->second;
        return child(p, it->first.Mark().line + 1, &value);
      }
    }
  }
  return child(p, line(), nullptr);
}

void Node::expect_keys(const std::vector<std::string>& allowed) const {
  expect_map();
  const std::set<std::string> ok(allowed.begin(), allowed.end());
  keys();  // duplicate check
  for (auto it = impl_->node.begin(); it != impl_->node.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (ok.count(k) == 0) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw UserError(file() + ":" + std::to_string(it->first.Mark().line + 1) + ": " +
                      join_path(path(), k) + ": unknown key (allowed here: " + list + ")");
    }
  }
}

std::size_t Node::size() const {
  if (!is_seq()) fail(present() ? "expected a list" : "missing (expected a list)");
  return impl_->node.size();
}

Node Node::at(std::size_t i) const {
  const std::size_t n = size();
  if (i >= n) ACCELNAS_PANIC("cfg::Node::at out of range");
  const YAML::Node value = impl_->node[i];
  const int l = value.Mark().line >= 0 ? value.Mark().line + 1 : line();
  return child(path() + "[" + std::to_string(i) + "]", l, &value);
}

std::string Node::scalar() const {
  if (!present()) fail("missing value");
  if (!impl_->node.IsScalar()) fail("expected a single value, got a list or mapping");
  const std::string& text = impl_->node.Scalar();
  if (const std::string bad = utf8_problem(text); !bad.empty()) fail(bad);
  return text;
}

std::int64_t Node::as_int() const {
  const std::string s = scalar();
  try {
    return units::parse_integer(s);
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
}

double Node::as_real() const {
  const std::string s = scalar();
  try {
    return units::parse_real(s);
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
}

bool Node::as_bool() const {
  const std::string s = scalar();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail("expected true or false, got '" + s + "'");
}

}  // namespace accelnas::cfg
