// MobileNetV3 (Howard et al. 2019, "Searching for MobileNetV3"), Large (Table 1) and Small
// (Table 2). Channels round with make_divisible(c * width, 8) as in torchvision; the
// squeeze-excite squeezes to make_divisible(expanded / 4, 8) and gates with hard sigmoid. The
// pre-logits layer keeps 1280 (1024) channels for widths up to 1, as the Keras reference does
// (torchvision scales it). Small's last 1x1 conv has no squeeze-excite: Table 2 marks one, but
// torchvision does not build it and the published 2.5M params / 56M MACs count none.
#include <algorithm>
#include <vector>

#include "workloads/zoo/backbones.h"
#include "workloads/zoo/blocks.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl::zoo {
namespace {

struct Bneck {
  int kernel;
  std::int64_t expanded;  // "exp size"
  std::int64_t out;       // "#out"
  bool se;
  bool hswish;  // "NL": HS, else RE
  int stride;
};

// Table 1, the 15 bnecks of MobileNetV3-Large.
const std::vector<Bneck> kLarge = {
    {3, 16, 16, false, false, 1}, {3, 64, 24, false, false, 2}, {3, 72, 24, false, false, 1},
    {5, 72, 40, true, false, 2},  {5, 120, 40, true, false, 1}, {5, 120, 40, true, false, 1},
    {3, 240, 80, false, true, 2}, {3, 200, 80, false, true, 1}, {3, 184, 80, false, true, 1},
    {3, 184, 80, false, true, 1}, {3, 480, 112, true, true, 1}, {3, 672, 112, true, true, 1},
    {5, 672, 160, true, true, 2}, {5, 960, 160, true, true, 1}, {5, 960, 160, true, true, 1}};

// Table 2, the 11 bnecks of MobileNetV3-Small.
const std::vector<Bneck> kSmall = {
    {3, 16, 16, true, false, 2}, {3, 72, 24, false, false, 2}, {3, 88, 24, false, false, 1},
    {5, 96, 40, true, true, 2},  {5, 240, 40, true, true, 1},  {5, 240, 40, true, true, 1},
    {5, 120, 48, true, true, 1}, {5, 144, 48, true, true, 1},  {5, 288, 96, true, true, 2},
    {5, 576, 96, true, true, 1}, {5, 576, 96, true, true, 1}};

Network classifier(const std::string& model, MobileNetV3Size size,
                   const std::map<std::string, double>& p) {
  const double width = p.at("width");
  const auto resolution = static_cast<std::int64_t>(p.at("resolution"));
  const std::int64_t pre_logits = size == MobileNetV3Size::Large ? 1280 : 1024;
  NetworkBuilder b(model);
  std::string x = b.input("image", Shape{resolution, resolution, 3});
  x = mobilenet_v3_features(b, x, size, width);
  x = b.global_avgpool("pool", x);
  // The paper's "conv2d 1x1, NBN" layers after the pool are fully connected layers with a bias.
  x = b.fc("pre_logits", x,
           width > 1.0 ? make_divisible(static_cast<double>(pre_logits) * width) : pre_logits,
           bias(Activation::HSwish));
  b.fc("classifier", x, 1000, bias());
  return b.build(model);
}

Network build_large(const std::map<std::string, double>& p) {
  return classifier("mobilenet_v3_large", MobileNetV3Size::Large, p);
}

Network build_small(const std::map<std::string, double>& p) {
  return classifier("mobilenet_v3_small", MobileNetV3Size::Small, p);
}

std::vector<ZooParam> params() {
  return {{"width", 1.0, 0.35, 1.4, "width multiplier on every layer's channels", false},
          {"resolution", 224, 32, 512, "input height and width in pixels", true}};
}

}  // namespace

std::string mobilenet_v3_features(NetworkBuilder& b, const std::string& image, MobileNetV3Size size,
                                  double width, int output_stride) {
  const std::vector<Bneck>& table = size == MobileNetV3Size::Large ? kLarge : kSmall;
  std::string x = b.conv("stem", image, make_divisible(16 * width), 3, 2, bn(Activation::HSwish));
  int stride_so_far = 2;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const Bneck& row = table[i];
    IbnSpec spec;
    spec.kernel = row.kernel;
    spec.stride = stride_so_far * row.stride > output_stride ? 1 : row.stride;
    stride_so_far *= spec.stride;
    spec.expanded = make_divisible(static_cast<double>(row.expanded) * width);
    spec.out = make_divisible(static_cast<double>(row.out) * width);
    spec.activation = row.hswish ? Activation::HSwish : Activation::Relu;
    if (row.se) {
      spec.se = {make_divisible(static_cast<double>(spec.expanded / 4)), Activation::HSigmoid};
    }
    x = inverted_bottleneck(b, "ibn" + std::to_string(i + 1), x, spec);
  }
  return b.pw("last_conv", x, 6 * b.channels(x), bn(Activation::HSwish));
}

ZooEntry mobilenet_v3_large_entry() {
  return ZooEntry{"mobilenet_v3_large",
                  "MobileNetV3-Large (Howard et al. 2019, Table 1): IBNs with squeeze-excite and "
                  "hard swish, 1000 classes",
                  params(), build_large};
}

ZooEntry mobilenet_v3_small_entry() {
  return ZooEntry{"mobilenet_v3_small",
                  "MobileNetV3-Small (Howard et al. 2019, Table 2): IBNs with squeeze-excite and "
                  "hard swish, 1000 classes",
                  params(), build_small};
}

}  // namespace accelnas::wl::zoo
