// A sampling space of small, cheap units (a few thousand simulate in about a second), shared by
// the label, estimator and CLI tests.
#ifndef ACCELNAS_TESTS_COMMON_SMALL_SPACE_H
#define ACCELNAS_TESTS_COMMON_SMALL_SPACE_H

namespace accelnas::test_util {

inline constexpr const char* kSmallSpace = R"(name: small
units:
  - {type: ibn, weight: 3}
  - {type: conv, weight: 2}
  - {type: vector, weight: 1, ops: [add, maxpool, global_avgpool], kernel: [3]}
resolution: {min: 7, max: 28}
in_channels: {min: 8, max: 64}
out_channels: {min: 8, max: 64}
kernel: [3, 5]
stride: [1, 2]
expansion: [1, 3, 6]
precision: [int8, int16]
context:
  input_on_chip: 0.5
  output_on_chip: 0.5
  reserved_fraction: {min: 0.0, max: 0.3}
)";

}  // namespace accelnas::test_util

#endif  // ACCELNAS_TESTS_COMMON_SMALL_SPACE_H
