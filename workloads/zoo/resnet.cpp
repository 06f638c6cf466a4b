// ResNet-18 and ResNet-50 (He et al. 2016, "Deep Residual Learning for Image Recognition",
// Table 1), as torchvision builds them: the bottleneck strides its 3x3 conv ("v1.5"), and a
// 1x1 projection shortcut (batchnorm) joins wherever the shape changes.
//
// Each block is block_type "residual": its convs have role "conv", the projection "shortcut",
// the add "residual_add". The ReLU after the add is not modelled: an add takes no epilogue.
#include "workloads/zoo/builder.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl::zoo {
namespace {

struct ResNetSpec {
  const char* name;
  bool bottleneck;  // 1x1-3x3-1x1 with 4x expansion, else two 3x3 convs
  int repeats[4];
};

std::string residual_block(NetworkBuilder& b, int index, const std::string& in, std::int64_t planes,
                           int stride, bool bottleneck) {
  const std::string id = "res" + std::to_string(index);
  const std::int64_t out_c = bottleneck ? planes * 4 : planes;
  b.begin_block(id, "residual");
  b.role("conv");
  std::string x;
  if (bottleneck) {
    x = b.pw(id + "_conv1", in, planes, bn(Activation::Relu));
    x = b.conv(id + "_conv2", x, planes, 3, stride, bn(Activation::Relu));
    x = b.pw(id + "_conv3", x, out_c, bn());
  } else {
    x = b.conv(id + "_conv1", in, planes, 3, stride, bn(Activation::Relu));
    x = b.conv(id + "_conv2", x, planes, 3, 1, bn());
  }
  std::string shortcut = in;
  if (stride != 1 || b.channels(in) != out_c) {
    shortcut = b.role("shortcut").conv(id + "_shortcut", in, out_c, 1, stride, bn());
  }
  x = b.role("residual_add").add(id + "_add", shortcut, x);
  b.end_block();
  return x;
}

Network build_resnet(const ResNetSpec& spec, const std::map<std::string, double>& p) {
  const auto resolution = static_cast<std::int64_t>(p.at("resolution"));
  NetworkBuilder b(spec.name);
  std::string x = b.input("image", Shape{resolution, resolution, 3});
  x = b.conv("stem", x, 64, 7, 2, bn(Activation::Relu));
  x = b.maxpool("stem_pool", x, 3, 2);
  int index = 0;
  for (int stage = 0; stage < 4; ++stage) {
    const std::int64_t planes = std::int64_t{64} << stage;
    for (int r = 0; r < spec.repeats[stage]; ++r) {
      const int stride = r == 0 && stage > 0 ? 2 : 1;
      x = residual_block(b, ++index, x, planes, stride, spec.bottleneck);
    }
  }
  x = b.global_avgpool("pool", x);
  b.fc("classifier", x, 1000, bias());
  return b.build(spec.name);
}

constexpr ResNetSpec kResNet18 = {"resnet18", false, {2, 2, 2, 2}};
constexpr ResNetSpec kResNet50 = {"resnet50", true, {3, 4, 6, 3}};

std::vector<ZooParam> params() {
  return {{"resolution", 224, 32, 512, "input height and width in pixels", true}};
}

}  // namespace

ZooEntry resnet18_entry() {
  return ZooEntry{
      "resnet18", "ResNet-18 (He et al. 2016): basic residual blocks, 1000 classes", params(),
      [](const std::map<std::string, double>& p) { return build_resnet(kResNet18, p); }};
}

ZooEntry resnet50_entry() {
  return ZooEntry{
      "resnet50", "ResNet-50 (He et al. 2016): bottleneck residual blocks, 1000 classes", params(),
      [](const std::map<std::string, double>& p) { return build_resnet(kResNet50, p); }};
}

}  // namespace accelnas::wl::zoo
