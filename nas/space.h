// Search spaces (docs/NAS.md, "Search spaces"): what a candidate's choice indices mean, resolved
// against one hardware description, and how a candidate becomes a wl::Network.
//
// Two kinds, both written in strict YAML (unknown keys, empty choice lists, inverted ranges and
// values of the wrong type are UserErrors naming file:line: path):
// - a macro space: input resolution choices, a stem, N stages (depth range, stride, block type
//   ibn | fused_ibn | conv, kernel, expansion, squeeze-excite, activation, output channels, and
//   per-block precision), a head (classifier, ssdlite, lraspp) and a global depth multiplier;
// - a base space (`base: mobilenet_v2`, a zoo spec, or a YAML or ONNX network file): the base's
//   topology, searching per IBN block the block type, kernel, expansion and width, plus the depth
//   multiplier and the resolution. base_encoding() is the base network's own point: decoding it
//   gives the base's layers exactly.
// Channel choices can be curated from the hardware: `channels: {multiples_of: pf, values: [1, 2,
// 4]}` is resolved against the hardware's parallelism factor when the space is loaded.
//
// Contract:
// - dimensions() are fixed once loaded; a candidate is one index per dimension.
// - decode() is const, thread-safe and a pure function of the encoding: it never throws for an
//   encoding of the right size with indices in range; a candidate that cannot be built (a kernel
//   larger than its input, a tensor over the size limits, ...) gets `reason` instead of a network.
// - sample() draws each dimension uniformly from the given stream.
#ifndef ACCELNAS_NAS_SPACE_H
#define ACCELNAS_NAS_SPACE_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hw_models/hw_spec.h"
#include "nas/candidate.h"
#include "sim/runtime/rng.h"
#include "workloads/network.h"

namespace accelnas::nas {

struct Dimension {
  std::string name;                  // "resolution", "depth_multiplier", "stage2.kernel", ...
  std::vector<std::string> choices;  // as resolved on the hardware ("3", "ibn", "64", "int8")
};

struct Decoded {
  std::optional<wl::Network> net;  // finalized; absent when the candidate cannot be built
  std::string reason;              // why not, when net is absent
  // The candidate's architecture in one line of canonical text, as resolved (dimensions that do
  // not affect the network, e.g. choices of a block beyond the stage's depth, do not appear).
  std::string arch;
};

// An embedded space (nas/spaces/*.yaml).
struct SearchSpacePreset {
  std::string name;
  std::string description;  // the file's one-line `description`
  std::string yaml;         // embedded at build time
};
const std::vector<SearchSpacePreset>& search_space_presets();
std::vector<std::string> search_space_names();
constexpr const char* kDefaultSearchSpace = "mobilenet_curated";

class SearchSpace {
 public:
  // A preset name or a YAML file (anything with a '/' or a .yaml suffix, or an existing file),
  // resolved against `hw`. Throws UserError "<file>:<line>: <path>: <reason>".
  static SearchSpace load(const std::string& name_or_path, const hw::HwSpec& hw);
  static SearchSpace parse(const std::string& yaml, const std::string& source_name,
                           const hw::HwSpec& hw);

  const std::string& name() const;
  const std::string& description() const;
  const std::string& source() const;  // "builtin:<name>" or the file path
  const std::string& text() const;    // the YAML text as read
  // SHA-256 of the text together with the hardware's parallelism factor (what resolution used).
  const std::string& hash() const;
  const std::vector<Dimension>& dimensions() const;
  // Dimensions with a single choice: not part of the encoding, listed for `space info`.
  const std::vector<Dimension>& fixed_dimensions() const;
  // Every dimension, fixed ones included, in the order the file declares them (a dimension is
  // fixed when it has one choice).
  const std::vector<Dimension>& all_dimensions() const;
  std::vector<int> cardinalities() const;
  double log10_size() const;  // log10 of the product of the cardinalities
  // Whether e has one index per dimension, each in range.
  bool valid(const Encoding& e) const;

  Encoding sample(runtime::Rng& rng) const;
  Decoded decode(const Encoding& e) const;  // valid(e) is required (a programming error else)
  // decode(e).arch without building the network (a few microseconds): encodings with the same
  // arch build the same network, so a search can skip decoding the ones it has seen.
  std::string arch(const Encoding& e) const;
  // A base space's own point (decodes to the base network exactly); nullopt for a macro space.
  std::optional<Encoding> base_encoding() const;
  // The base network (base spaces only).
  const wl::Network* base_network() const;

  struct Impl;
  explicit SearchSpace(std::shared_ptr<const Impl> impl);

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace accelnas::nas

#endif  // ACCELNAS_NAS_SPACE_H
