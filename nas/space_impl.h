// Internal to accelnas::nas: the two kinds of search space behind nas::SearchSpace, and the
// strict-YAML helpers they share.
#ifndef ACCELNAS_NAS_SPACE_IMPL_H
#define ACCELNAS_NAS_SPACE_IMPL_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nas/space.h"
#include "workloads/config/node.h"

namespace accelnas::nas {

struct SearchSpace::Impl {
  std::string name, description, source, text, hash;
  std::vector<Dimension> dims;   // the encoded dimensions (more than one choice)
  std::vector<Dimension> fixed;  // single-choice dimensions, not encoded
  std::vector<Dimension> all;    // both, in declaration order
  virtual ~Impl() = default;
  virtual Decoded decode(const Encoding& e) const = 0;
  virtual std::string arch(const Encoding& e) const = 0;  // Decoded::arch, without building
  virtual std::optional<Encoding> base_encoding() const { return std::nullopt; }
  virtual const wl::Network* base_network() const { return nullptr; }
};

namespace detail {

// Every dimension of a space, fixed ones included, in declaration order; `encoded` maps the
// encoding's positions to them.
struct DimTable {
  std::vector<Dimension> all;
  std::vector<int> encoded;  // index into `all` of each encoded dimension
  int add(std::string name, std::vector<std::string> choices);
  // Every dimension's choice index from an encoding (0 for fixed ones).
  std::vector<int> expand(const Encoding& e) const;
  void finish(SearchSpace::Impl& impl) const;
};

// Scalar or sequence of scalars: the choice list (a located error when empty).
std::vector<cfg::Node> choice_nodes(const cfg::Node& n);
std::vector<std::int64_t> int_choices(const cfg::Node& n, std::int64_t lo, std::int64_t hi);
std::vector<double> real_choices(const cfg::Node& n, double lo, double hi);
std::vector<std::string> word_choices(const cfg::Node& n, const std::vector<std::string>& allowed);
// A multiple of the hardware: "pf" (its parallelism factor) or a positive integer.
std::int64_t parse_multiple(const cfg::Node& n, std::int64_t pf);
std::string format_real(double v);  // shortest text that reads back the same ("0.75", "1")

std::shared_ptr<SearchSpace::Impl> parse_macro(const cfg::Node& root, std::int64_t pf);
std::shared_ptr<SearchSpace::Impl> parse_base(const cfg::Node& root, std::int64_t pf,
                                              const std::string& folder);

}  // namespace detail
}  // namespace accelnas::nas

#endif  // ACCELNAS_NAS_SPACE_IMPL_H
