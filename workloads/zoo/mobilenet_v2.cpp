// MobileNetV2 (Sandler et al. 2018, "MobileNetV2: Inverted Residuals and Linear Bottlenecks"),
// following Table 2 and the reference make_divisible channel rounding used by torchvision.
#include <algorithm>
#include <cmath>

#include "workloads/zoo/backbones.h"
#include "workloads/zoo/blocks.h"
#include "workloads/zoo/heads.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl::zoo {
namespace {

struct Stage {
  int expansion;          // t
  std::int64_t channels;  // c, before width scaling
  int repeats;            // n
  int stride;             // s, of the first block
};

constexpr Stage kStages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                             {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

Network build(const std::map<std::string, double>& p) {
  return mobilenet_v2_classifier("mobilenet_v2", p.at("width"),
                                 static_cast<std::int64_t>(p.at("resolution")), 1000);
}

}  // namespace

std::string mobilenet_v2_features(NetworkBuilder& b, const std::string& image, double width) {
  std::string x = b.conv("stem", image, make_divisible(32 * width), 3, 2, bn(Activation::Relu6));
  int index = 0;
  for (const Stage& s : kStages) {
    IbnSpec spec;
    spec.out = make_divisible(static_cast<double>(s.channels) * width);
    for (int r = 0; r < s.repeats; ++r) {
      spec.stride = r == 0 ? s.stride : 1;
      spec.expanded =
          static_cast<std::int64_t>(std::lround(static_cast<double>(b.channels(x)) * s.expansion));
      x = inverted_bottleneck(b, "ibn" + std::to_string(++index), x, spec);
    }
  }
  return x;
}

std::int64_t mobilenet_v2_last_channels(double width) {
  return width > 1.0 ? std::max<std::int64_t>(1280, make_divisible(1280 * width)) : 1280;
}

Network mobilenet_v2_classifier(const std::string& model, double width, std::int64_t resolution,
                                std::int64_t classes) {
  NetworkBuilder b(model);
  std::string x = b.input("image", Shape{resolution, resolution, 3});
  x = mobilenet_v2_features(b, x, width);
  classifier_head(b, x, mobilenet_v2_last_channels(width), classes);
  return b.build(model);
}

ZooEntry mobilenet_v2_entry() {
  return ZooEntry{
      "mobilenet_v2",
      "MobileNetV2 (Sandler et al. 2018): inverted residuals, linear bottlenecks, 1000 classes",
      {{"width", 1.0, 0.35, 1.4, "width multiplier on every layer's channels", false},
       {"resolution", 224, 32, 512, "input height and width in pixels", true}},
      build};
}

}  // namespace accelnas::wl::zoo
