// The project's one view of a YAML document. yaml-cpp is included only in node.cpp.
//
// A Node remembers its file, its dotted path from the root ("compute.parallelism_factor",
// "layers[3].kernel") and its line, so every error can say where it is:
//   hw.yaml:12: compute.parallelism_factor: expected an integer >= 1, got -4
#ifndef ACCELNAS_WORKLOADS_CONFIG_NODE_H
#define ACCELNAS_WORKLOADS_CONFIG_NODE_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace accelnas::cfg {

class Node {
 public:
  // Throws UserError: "<path>: cannot open file" or "<path>:<line>:<col>: malformed YAML: ...".
  static Node load_file(const std::string& path);
  static Node load_string(const std::string& text, const std::string& source_name);

  bool present() const;  // false for a key that is absent
  bool is_map() const;
  bool is_seq() const;
  bool is_scalar() const;
  bool is_null() const;

  const std::string& file() const;
  const std::string& path() const;
  int line() const;           // 1-based; the line of the key when the node is a map value
  std::string where() const;  // "file:line: path"

  // Map access. keys() is in document order and rejects duplicate keys.
  std::vector<std::string> keys() const;
  bool has(const std::string& key) const;
  Node operator[](const std::string& key) const;  // absent key gives a node with present()==false
  // Throws "unknown key 'x'" at the offending key's line (listing the allowed keys).
  void expect_keys(const std::vector<std::string>& allowed) const;
  void expect_map() const;

  // Sequence access.
  std::size_t size() const;
  Node at(std::size_t i) const;

  // Scalars. Each throws a located UserError on the wrong type.
  std::string scalar() const;
  std::int64_t as_int() const;
  double as_real() const;
  bool as_bool() const;

  [[noreturn]] void fail(const std::string& reason) const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
  explicit Node(std::shared_ptr<const Impl> impl);
  Node child(const std::string& path, int line, const void* yaml_node) const;
};

}  // namespace accelnas::cfg

#endif  // ACCELNAS_WORKLOADS_CONFIG_NODE_H
