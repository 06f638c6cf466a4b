// Whole networks written as torchvision exports them to ONNX, built with OnnxBuilder.
#ifndef ACCELNAS_TESTS_WORKLOADS_ONNX_MODELS_H
#define ACCELNAS_TESTS_WORKLOADS_ONNX_MODELS_H

#include <algorithm>
#include <cmath>

#include "tests/workloads/onnx_builder.h"

namespace accelnas::onnx_test {

// torchvision.models.mobilenet_v2() in eval mode, exported without batchnorm folding:
// Conv+BatchNormalization+Clip(0, 6) chains, InvertedResidual blocks with an Add when the
// stride is 1 and the channels match, then GlobalAveragePool, Flatten, Dropout and Gemm.
inline std::string mobilenet_v2(OnnxBuilder& b, std::int64_t resolution = 224) {
  struct Stage {
    int t;
    std::int64_t c;
    int n, s;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  std::string x = b.input("input", {1, 3, resolution, resolution});
  x = b.clip(b.bn(b.conv(x, 32, 3, 2, 1)));
  for (const Stage& st : stages) {
    for (int r = 0; r < st.n; ++r) {
      const int stride = r == 0 ? st.s : 1;
      const std::int64_t in_c = b.channels(x);
      const auto hidden = static_cast<std::int64_t>(std::lround(static_cast<double>(in_c) * st.t));
      std::string y = x;
      if (st.t != 1) y = b.clip(b.bn(b.conv(y, hidden, 1)));
      y = b.clip(b.bn(b.dwconv(y, 3, stride)));
      y = b.bn(b.conv(y, st.c, 1));
      if (stride == 1 && in_c == st.c) y = b.op("Add", {x, y});
      x = y;
    }
  }
  x = b.clip(b.bn(b.conv(x, 1280, 1)));
  x = b.flatten(b.op("GlobalAveragePool", {x}));
  x = b.op("Dropout", {x});
  x = b.gemm(x, 1280, 1000);
  b.output(x);
  return x;
}

// torchvision's _make_divisible(v, 8).
inline std::int64_t make_divisible(double v) {
  std::int64_t r = std::max<std::int64_t>(8, static_cast<std::int64_t>(v + 4) / 8 * 8);
  if (static_cast<double>(r) < 0.9 * v) r += 8;
  return r;
}

// torchvision.models.mobilenet_v3_small() in eval mode: hardswish as HardSwish (opset 14+) or
// x * HardSigmoid(x) (before), squeeze-excite with 1x1 convs and a HardSigmoid gate, and a
// classifier of Gemm + hardswish, Dropout, Gemm.
inline std::string mobilenet_v3_small(OnnxBuilder& b, std::int64_t resolution = 224) {
  struct Bneck {
    int k;
    std::int64_t exp, out;
    bool se, hs;
    int s;
  };
  const Bneck rows[] = {
      {3, 16, 16, true, false, 2}, {3, 72, 24, false, false, 2}, {3, 88, 24, false, false, 1},
      {5, 96, 40, true, true, 2},  {5, 240, 40, true, true, 1},  {5, 240, 40, true, true, 1},
      {5, 120, 48, true, true, 1}, {5, 144, 48, true, true, 1},  {5, 288, 96, true, true, 2},
      {5, 576, 96, true, true, 1}, {5, 576, 96, true, true, 1}};
  auto hswish = [&b](const std::string& t) {
    return b.opset() >= 14 ? b.op("HardSwish", {t}) : b.op("Mul", {t, b.op("HardSigmoid", {t})});
  };
  auto act = [&](const std::string& t, bool hs) { return hs ? hswish(t) : b.op("Relu", {t}); };
  std::string x = b.input("input", {1, 3, resolution, resolution});
  x = hswish(b.bn(b.conv(x, 16, 3, 2, 1)));
  for (const Bneck& r : rows) {
    const std::int64_t in_c = b.channels(x);
    std::string y = x;
    if (r.exp != in_c) y = act(b.bn(b.conv(y, r.exp, 1)), r.hs);
    y = act(b.bn(b.dwconv(y, r.k, r.s)), r.hs);
    if (r.se) {
      std::string s = b.op("GlobalAveragePool", {y});
      s = b.op("Relu",
               {b.conv(s, make_divisible(static_cast<double>(r.exp / 4)), 1, 1, 0, 1, true)});
      s = b.op("HardSigmoid", {b.conv(s, r.exp, 1, 1, 0, 1, true)});
      y = b.op("Mul", {s, y});
    }
    y = b.bn(b.conv(y, r.out, 1));
    if (r.s == 1 && in_c == r.out) y = b.op("Add", {y, x});
    x = y;
  }
  x = hswish(b.bn(b.conv(x, 576, 1)));
  x = b.flatten(b.op("GlobalAveragePool", {x}));
  x = b.op("Dropout", {hswish(b.gemm(x, 576, 1024))});
  x = b.gemm(x, 1024, 1000);
  b.output(x);
  return x;
}

}  // namespace accelnas::onnx_test

#endif  // ACCELNAS_TESTS_WORKLOADS_ONNX_MODELS_H
