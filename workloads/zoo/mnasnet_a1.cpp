// MnasNet-A1 (Tan et al. 2019, "MnasNet: Platform-Aware Neural Architecture Search for Mobile",
// Figure 7), with the block strings of the TF reference (tensorflow/tpu mnasnet_models.py):
// ReLU throughout, squeeze-excite (ratio 0.25 of the block input, sigmoid gate) in the 40, 112 and
// 160 channel stages, a 1x1 conv to 1280 before the pool.
#include <algorithm>

#include "workloads/zoo/blocks.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl::zoo {
namespace {

// r, k, s, e, i, o, se, skip
const std::vector<StageArgs> kStages = {
    {1, 3, 1, 1, 32, 16, 0, false},  // SepConv: depthwise 3x3 + linear 1x1
    {2, 3, 2, 6, 16, 24},           {3, 5, 2, 3, 24, 40, 0.25},   {4, 3, 2, 6, 40, 80},
    {2, 3, 1, 6, 80, 112, 0.25},    {3, 5, 2, 6, 112, 160, 0.25}, {1, 3, 1, 6, 160, 320}};

Network build(const std::map<std::string, double>& p) {
  const double width = p.at("width");
  const auto resolution = static_cast<std::int64_t>(p.at("resolution"));
  NetworkBuilder b("mnasnet_a1");
  std::string x = b.input("image", Shape{resolution, resolution, 3});
  x = b.conv("stem", x, make_divisible(32 * width), 3, 2, bn(Activation::Relu));
  x = add_stages(b, x, kStages, width, Activation::Relu);
  const std::int64_t head = width > 1.0 ? make_divisible(1280 * width) : 1280;
  x = b.pw("head", x, head, bn(Activation::Relu));
  x = b.global_avgpool("pool", x);
  b.fc("classifier", x, 1000, bias());
  return b.build("mnasnet_a1");
}

}  // namespace

ZooEntry mnasnet_a1_entry() {
  return ZooEntry{"mnasnet_a1",
                  "MnasNet-A1 (Tan et al. 2019, Figure 7): IBNs, squeeze-excite in three stages, "
                  "1000 classes",
                  {{"width", 1.0, 0.35, 1.4, "depth multiplier on every layer's channels", false},
                   {"resolution", 224, 32, 512, "input height and width in pixels", true}},
                  build};
}

}  // namespace accelnas::wl::zoo
