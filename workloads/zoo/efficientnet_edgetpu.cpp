// EfficientNet-EdgeTPU-S (Gupta & Tan 2019, Google AI blog "EfficientNet-EdgeTPU"), from the
// reference block strings (tensorflow/tpu efficientnet_edgetpu_builder.py): fused IBNs ("c1") in
// the three early stages, plain IBNs after them, ReLU, no squeeze-excite, 224x224 input.
//
// The fused IBN puts the stride on its KxK conv (as timm and EfficientNetV2's fused-MBConv do,
// and as fusing an IBN whose depthwise carries the stride implies); the TF reference strides its
// 1x1 projection instead, which computes the KxK conv at the full input resolution.
#include "workloads/zoo/blocks.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl::zoo {
namespace {

// r, k, s, e, i, o, se, skip, fused
const std::vector<StageArgs> kStages = {
    {1, 3, 1, 4, 24, 24, 0, false, true},  // "noskip"; expands 24 x 4 although the stem gives 32
    {2, 3, 2, 8, 24, 32, 0, true, true},
    {4, 3, 2, 8, 32, 48, 0, true, true},
    {5, 5, 2, 8, 48, 96},
    {4, 5, 1, 8, 96, 144},
    {2, 5, 2, 8, 144, 192}};

Network build(const std::map<std::string, double>& p) {
  const double width = p.at("width");
  const auto resolution = static_cast<std::int64_t>(p.at("resolution"));
  NetworkBuilder b("efficientnet_edgetpu_s");
  std::string x = b.input("image", Shape{resolution, resolution, 3});
  x = b.conv("stem", x, make_divisible(32 * width), 3, 2, bn(Activation::Relu));
  x = add_stages(b, x, kStages, width, Activation::Relu);
  x = b.pw("head", x, make_divisible(1280 * width), bn(Activation::Relu));
  x = b.global_avgpool("pool", x);
  b.fc("classifier", x, 1000, bias());
  return b.build("efficientnet_edgetpu_s");
}

}  // namespace

ZooEntry efficientnet_edgetpu_s_entry() {
  return ZooEntry{"efficientnet_edgetpu_s",
                  "EfficientNet-EdgeTPU-S (Google 2019): fused IBNs in the early stages, ReLU, "
                  "no squeeze-excite, 1000 classes",
                  {{"width", 1.0, 0.5, 1.4, "width coefficient on every layer's channels", false},
                   {"resolution", 224, 32, 512, "input height and width in pixels", true}},
                  build};
}

}  // namespace accelnas::wl::zoo
