// Numeric precisions a layer can run at. Per-precision costs (cycles per step, bytes per element,
// energy per MAC) belong to the hardware description, not here.
#ifndef ACCELNAS_WORKLOADS_PRECISION_H
#define ACCELNAS_WORKLOADS_PRECISION_H

#include <array>
#include <string>

namespace accelnas {

enum class Precision { Int8 = 0, Int16 = 1, Fp16 = 2, Bf16 = 3 };
constexpr std::size_t kNumPrecisions = 4;
constexpr std::array<Precision, kNumPrecisions> kAllPrecisions = {Precision::Int8, Precision::Int16,
                                                                  Precision::Fp16, Precision::Bf16};

const char* precision_name(Precision p);  // "int8", ...
bool parse_precision(const std::string& name, Precision& out);

}  // namespace accelnas

#endif  // ACCELNAS_WORKLOADS_PRECISION_H
