// MobileNetV2 (Sandler et al. 2018, "MobileNetV2: Inverted Residuals and Linear Bottlenecks"),
// following Table 2 and the reference make_divisible channel rounding used by torchvision.
#include <algorithm>
#include <cmath>

#include "builder.h"
#include "models.h"

namespace accelnas::wl::zoo {
namespace {

// Rounds to a multiple of `divisor`, never going below 90% of v.
std::int64_t make_divisible(double v, int divisor = 8) {
  std::int64_t r = std::max<std::int64_t>(
      divisor, static_cast<std::int64_t>(v + divisor / 2.0) / divisor * divisor);
  if (static_cast<double>(r) < 0.9 * v) r += divisor;
  return r;
}

struct Stage {
  int expansion;          // t
  std::int64_t channels;  // c, before width scaling
  int repeats;            // n
  int stride;             // s, of the first block
};

constexpr Stage kStages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                             {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

// Inverted bottleneck: 1x1 expand (skipped when t = 1), 3x3 depthwise, linear 1x1 projection,
// and a residual add when the block keeps shape.
std::string inverted_bottleneck(NetworkBuilder& b, int index, const std::string& in, int expansion,
                                std::int64_t out_c, int stride) {
  const std::string id = "ibn" + std::to_string(index);
  const std::int64_t in_c = b.channels(in);
  b.begin_block(id, "ibn");
  std::string x = in;
  if (expansion != 1) {
    const auto hidden =
        static_cast<std::int64_t>(std::lround(static_cast<double>(in_c) * expansion));
    x = b.pw(id + "_expand", x, hidden, bn(Activation::Relu6));
  }
  x = b.dwconv(id + "_dw", x, 3, stride, bn(Activation::Relu6));
  x = b.pw(id + "_project", x, out_c, bn());
  if (stride == 1 && in_c == out_c) x = b.add(id + "_add", in, x);
  b.end_block();
  return x;
}

Network build(const std::map<std::string, double>& p) {
  const double width = p.at("width");
  const auto resolution = static_cast<std::int64_t>(p.at("resolution"));
  NetworkBuilder b("mobilenet_v2");
  std::string x = b.input("image", Shape{resolution, resolution, 3});
  x = b.conv("stem", x, make_divisible(32 * width), 3, 2, bn(Activation::Relu6));
  int index = 0;
  for (const Stage& s : kStages) {
    const std::int64_t out_c = make_divisible(static_cast<double>(s.channels) * width);
    for (int r = 0; r < s.repeats; ++r) {
      x = inverted_bottleneck(b, ++index, x, s.expansion, out_c, r == 0 ? s.stride : 1);
    }
  }
  const std::int64_t last_c =
      width > 1.0 ? std::max<std::int64_t>(1280, make_divisible(1280 * width)) : 1280;
  x = b.pw("head", x, last_c, bn(Activation::Relu6));
  x = b.global_avgpool("pool", x);
  b.fc("classifier", x, 1000, bias());
  return b.build("mobilenet_v2");
}

}  // namespace

ZooEntry mobilenet_v2_entry() {
  return ZooEntry{
      "mobilenet_v2",
      "MobileNetV2 (Sandler et al. 2018): inverted residuals, linear bottlenecks, 1000 classes",
      {{"width", 1.0, 0.35, 1.4, "width multiplier on every layer's channels", false},
       {"resolution", 224, 32, 512, "input height and width in pixels", true}},
      build};
}

}  // namespace accelnas::wl::zoo
