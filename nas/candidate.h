// Candidates of a search: a vector of choice indices, one per dimension of the search space
// (nas/space.h), with a canonical text and a hash; and the key of the network a candidate builds.
//
// Contract: encoding_text() and parse_encoding() round-trip; network_key() depends on every
// layer field that changes what the simulator or the estimator sees (op, operands, shapes,
// kernel, stride, padding, groups, channels, epilogue, precision, resize and slice attributes,
// block type and role) and on nothing else (not layer names nor origins), so two encodings that
// build the same network get the same key: the search evaluates each key once.
#ifndef ACCELNAS_NAS_CANDIDATE_H
#define ACCELNAS_NAS_CANDIDATE_H

#include <optional>
#include <string>
#include <vector>

#include "workloads/network.h"

namespace accelnas::nas {

// One choice index per dimension, each in [0, cardinality).
using Encoding = std::vector<int>;

// "3.0.2.1" (indices joined by '.'; "" for no dimension).
std::string encoding_text(const Encoding& e);
// The inverse of encoding_text(); nullopt for anything else (signs, spaces, empty items).
std::optional<Encoding> parse_encoding(const std::string& text);
// The first 16 hex digits of the SHA-256 of encoding_text(e).
std::string encoding_hash(const Encoding& e);

// A 128-bit hash (32 hex digits) of the network's canonical layer table (see above), computed
// from the fields' values without text (a search keys every candidate). The network must be
// finalized.
std::string network_key(const wl::Network& net);

}  // namespace accelnas::nas

#endif  // ACCELNAS_NAS_CANDIDATE_H
