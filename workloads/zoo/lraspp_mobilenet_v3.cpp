// LR-ASPP on MobileNetV3-Large (Howard et al. 2019, the Lite R-ASPP segmentation head, as
// torchvision's lraspp_mobilenet_v3_large builds it): the robot segmenter of the published study, a
// model built for a mobile CPU.
//
// The backbone runs its last stage at stride 1 (output stride 16; the reference dilates it by 2,
// which Layer cannot express and which changes no shape nor MAC count).
// The "lraspp" block: from the 16x-downsampled last_conv, a 1x1 conv to 128 (BN, ReLU) gated
// channel-wise by global pool + 1x1 conv (sigmoid); bilinear upsampling to the 8x-downsampled
// ibn4 features; a 1x1 classifier on each branch, added; bilinear upsampling of the logits to
// the input size, so the output is H x W x classes.
#include "workloads/zoo/backbones.h"
#include "workloads/zoo/heads.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl::zoo {
namespace {

constexpr std::int64_t kInterChannels = 128;

// Height (or width) after `halvings` stride-2 SAME windows.
std::int64_t downsampled(std::int64_t size, int halvings) {
  for (int i = 0; i < halvings; ++i) size = (size + 1) / 2;
  return size;
}

Network build(const std::map<std::string, double>& p) {
  const double width = p.at("width");
  const auto resolution = static_cast<std::int64_t>(p.at("resolution"));
  const auto classes = static_cast<std::int64_t>(p.at("classes"));
  NetworkBuilder b("lraspp_mobilenet_v3");
  const std::string image = b.input("image", Shape{resolution, resolution, 3});
  const std::string high = mobilenet_v3_features(b, image, MobileNetV3Size::Large, width, 16);
  const std::string low = "ibn4_project";  // the last output-stride-8 block (stride 2, no add)
  const std::int64_t low_size = downsampled(resolution, 3);
  lraspp_head(b, high, low, low_size, resolution, classes, kInterChannels);
  return b.build("lraspp_mobilenet_v3");
}

}  // namespace

ZooEntry lraspp_mobilenet_v3_entry() {
  return ZooEntry{
      "lraspp_mobilenet_v3",
      "robot segmenter study: LR-ASPP on MobileNetV3-Large (Howard et al. 2019), output "
      "upsampled to the input size",
      {{"width", 1.0, 0.35, 1.4, "width multiplier on the backbone's channels", false},
       {"resolution", 512, 32, 1024, "input height and width in pixels", true},
       {"classes", 21, 2, 256, "segmentation classes (21: PASCAL VOC, as torchvision)", true}},
      build};
}

}  // namespace accelnas::wl::zoo
