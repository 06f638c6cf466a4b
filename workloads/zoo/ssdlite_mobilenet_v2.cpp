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
#include <algorithm>

#include "workloads/zoo/backbones.h"
#include "workloads/zoo/blocks.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl::zoo {
namespace {

constexpr double kExtraDepths[] = {512, 256, 256, 128};

std::int64_t scaled_depth(double depth, double width) {
  return std::max<std::int64_t>(16, static_cast<std::int64_t>(depth * width));
}

std::string extra_block(NetworkBuilder& b, int index, const std::string& in, std::int64_t depth) {
  const std::string id = "extra" + std::to_string(index);
  b.begin_block(id, "ssd_extra");
  std::string x = b.role("expand").pw(id + "_expand", in, depth / 2, bn(Activation::Relu6));
  x = b.role("depthwise").dwconv(id + "_dw", x, 3, 2, bn(Activation::Relu6));
  x = b.role("project").pw(id + "_project", x, depth, bn(Activation::Relu6));
  b.end_block();
  return x;
}

// A depthwise-separable prediction layer; its 1x1 conv is named after the block.
std::string predictor(NetworkBuilder& b, const std::string& id, const std::string& in,
                      std::int64_t channels) {
  b.begin_block(id, "ssd_predictor");
  const std::string x = b.role("depthwise").dwconv(id + "_dw", in, 3, 1, bn(Activation::Relu6));
  const std::string out = b.role("pointwise").pw(id, x, channels, bias());
  b.end_block();
  return out;
}

Network build(const std::map<std::string, double>& p) {
  const double width = p.at("width");
  const auto resolution = static_cast<std::int64_t>(p.at("resolution"));
  const auto num_classes = static_cast<std::int64_t>(p.at("num_classes"));
  NetworkBuilder b("ssdlite_mobilenet_v2");
  std::string x = b.input("image", Shape{resolution, resolution, 3});
  x = mobilenet_v2_features(b, x, width);
  std::vector<std::string> maps = {"ibn14_expand"};
  x = b.pw("last_conv", x, make_divisible(1280 * width), bn(Activation::Relu6));
  maps.push_back(x);
  int index = 0;
  for (double depth : kExtraDepths) {
    x = extra_block(b, ++index, x, scaled_depth(depth, width));
    maps.push_back(x);
  }
  for (std::size_t k = 0; k < maps.size(); ++k) {
    const std::int64_t anchors = k == 0 ? 3 : 6;
    const std::string suffix = std::to_string(k + 1);
    predictor(b, "box" + suffix, maps[k], anchors * 4);
    predictor(b, "class" + suffix, maps[k], anchors * (num_classes + 1));
  }
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
