// The camera classifier of the published memory-budget study: a compact IBN classifier, here
// MobileNetV2 at width 0.35 on 96x96 images with 2 classes (the visual-wake-words setting: is a
// person in view or not). Everything else is mobilenet_v2; the study's expert rules (depthwise to
// full convs, even channels aligned to the parallelism factor) are transforms applied to it.
#include "workloads/zoo/backbones.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl::zoo {
namespace {

Network build(const std::map<std::string, double>& p) {
  return mobilenet_v2_classifier("camera_classifier", p.at("width"),
                                 static_cast<std::int64_t>(p.at("resolution")),
                                 static_cast<std::int64_t>(p.at("classes")));
}

}  // namespace

ZooEntry camera_classifier_entry() {
  return ZooEntry{"camera_classifier",
                  "camera classifier study: MobileNetV2-0.35 at 96x96, 2 classes, for a small "
                  "memory budget",
                  {{"width", 0.35, 0.25, 1.4, "width multiplier on every layer's channels", false},
                   {"resolution", 96, 32, 512, "input height and width in pixels", true},
                   {"classes", 2, 2, 1000, "output classes", true}},
                  build};
}

}  // namespace accelnas::wl::zoo
