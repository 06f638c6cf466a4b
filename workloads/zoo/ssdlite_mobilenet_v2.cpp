// SSDLite on MobileNetV2 (Sandler et al. 2018, sec. 6.2; the TF object detection API's
// ssdlite_mobilenet_v2): the presence detector of the published study, at 320x320.
//
// Six feature maps: the expansion of ibn14 (output stride 16: 20x20x576 at 320; 19x19 at the
// original 300), the 1x1 "last_conv" (10x10x1280), then four "ssd_extra" blocks (1x1 conv to half
// the depth, 3x3 stride-2 depthwise, 1x1 conv; BN + ReLU6 throughout) down to 5x5x512, 3x3x256,
// 2x2x256 and 1x1x128. Each map gets two "ssd_predictor" blocks, a 3x3 depthwise (BN, ReLU6)
// and a 1x1 conv with bias: "box<k>" with anchors x 4 box coordinates and "class<k>" with
// anchors x (num_classes + 1) scores, the +1 being background. Anchors per location are 3 on the
// first map and 6 on the others (aspect ratios 1, 2, 1/2, 3, 1/3 plus an interpolated scale).
// Depths scale with the width multiplier as in the TF feature extractor: max(16, d * width),
// the last conv included.
#include "workloads/zoo/backbones.h"
#include "workloads/zoo/blocks.h"
#include "workloads/zoo/heads.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl::zoo {
namespace {

Network build(const std::map<std::string, double>& p) {
  const double width = p.at("width");
  const auto resolution = static_cast<std::int64_t>(p.at("resolution"));
  const auto num_classes = static_cast<std::int64_t>(p.at("num_classes"));
  NetworkBuilder b("ssdlite_mobilenet_v2");
  std::string x = b.input("image", Shape{resolution, resolution, 3});
  x = mobilenet_v2_features(b, x, width);
  const std::string last =
      b.pw("last_conv", x, make_divisible(1280 * width), bn(Activation::Relu6));
  ssdlite_head(b, {"ibn14_expand", last}, ssdlite_extra_depths(width), num_classes);
  return b.build("ssdlite_mobilenet_v2");
}

}  // namespace

ZooEntry ssdlite_mobilenet_v2_entry() {
  return ZooEntry{
      "ssdlite_mobilenet_v2",
      "presence detector study: SSDLite on MobileNetV2 (Sandler et al. 2018), 320x320, six "
      "feature maps with depthwise-separable box and class predictors",
      {{"width", 1.0, 0.35, 1.4, "depth multiplier on the backbone and extra layers", false},
       {"resolution", 320, 64, 640, "input height and width in pixels", true},
       {"num_classes", 1, 1, 90, "object classes, not counting the background score", true}},
      build};
}

}  // namespace accelnas::wl::zoo
