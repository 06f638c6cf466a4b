// A tiny search space (docs/NAS.md) shared by the NAS and CLI tests.
#ifndef ACCELNAS_TESTS_COMMON_TOY_SEARCH_SPACE_H
#define ACCELNAS_TESTS_COMMON_TOY_SEARCH_SPACE_H

namespace accelnas::test_util {

// Small networks (32-48 px, two stages), so that simulating one takes milliseconds, with block
// types, kernels, expansions, channels, squeeze-excite and precisions to choose from, and a
// stage whose depth may be 0 (choices of skipped blocks build the same network).
inline constexpr const char* kToySearchSpace = R"(name: toy
description: "a tiny space for tests"
resolution: [32, 48]
depth_multiplier: [0.5, 1.0]
stem: {channels: {multiples_of: pf, values: [1]}, kernel: 3, stride: 2, activation: relu6}
stages:
  - depth: [0, 2]
    stride: 2
    block: [ibn, fused_ibn, conv]
    kernel: [3, 5]
    expansion: [3, 6]
    channels: {multiples_of: pf, values: [1, 2]}
    precision: [int8, int16]
  - depth: [1, 2]
    stride: 2
    block: [ibn, conv]
    kernel: 3
    expansion: 4
    se: [false, true]
    channels: {multiples_of: pf, values: [2, 3]}
    precision: int8
head: {type: classifier, channels: {multiples_of: pf, values: [4]}, classes: 10}
)";

}  // namespace accelnas::test_util

#endif  // ACCELNAS_TESTS_COMMON_TOY_SEARCH_SPACE_H
