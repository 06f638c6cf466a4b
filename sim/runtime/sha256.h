// SHA-256 (FIPS 180-4), for the label store's keys: a label is identified by the hash of the
// unit's canonical text together with the hardware's canonical text.
#ifndef ACCELNAS_SIM_RUNTIME_SHA256_H
#define ACCELNAS_SIM_RUNTIME_SHA256_H

#include <string>

namespace accelnas::runtime {

// The SHA-256 digest of `bytes` (any bytes, not only text) as 64 lowercase hex digits.
std::string sha256_hex(const std::string& bytes);

}  // namespace accelnas::runtime

#endif  // ACCELNAS_SIM_RUNTIME_SHA256_H
