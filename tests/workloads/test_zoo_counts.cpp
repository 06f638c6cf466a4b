// The zoo's reference networks have their published sizes: parameters and multiply-accumulates
// (batch 1) within 2% of the papers, and, where torchvision builds the same network, exactly
// torchvision's parameter count once batchnorm is counted its way. We fold each batchnorm into
// one bias per channel; torchvision counts its weight and bias, one more per channel.
#include <doctest/doctest.h>

#include <cmath>

#include "tests/workloads/helpers.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas::wl;

namespace {

bool within(double value, double reference, double tolerance) {
  return std::fabs(value - reference) <= tolerance * reference;
}

struct Counts {
  double macs = 0, params = 0;
  std::int64_t torchvision_params = 0;  // params plus one more per batchnorm channel
};

Counts counts(const std::string& spec) {
  const Network net = build_zoo(spec);
  Counts c;
  c.macs = static_cast<double>(total_macs(net));
  c.params = static_cast<double>(total_params(net));
  c.torchvision_params = total_params(net);
  for (std::size_t i = 0; i < net.size(); ++i) {
    if (net.layer(i).epilogue.batchnorm) c.torchvision_params += net.layer(i).out_channels;
  }
  return c;
}

}  // namespace

// Howard et al. 2019, MobileNetV3, Table 3: Large 1.0 at 224: 219M MAdds, 5.4M params.
// torchvision mobilenet_v3_large: 5,483,032 params.
TEST_CASE("mobilenet_v3_large: 219M MACs and 5.4M params (paper Table 3, within 2%)") {
  const Counts c = counts("mobilenet_v3_large");
  INFO("MACs " << c.macs << ", params " << c.params);
  CHECK(within(c.macs, 219e6, 0.02));
  CHECK(within(c.params, 5.4e6, 0.02));
  CHECK(c.torchvision_params == 5'483'032);
}

// Howard et al. 2019, Table 3: Small 1.0 at 224: 56M MAdds, 2.5M params; torchvision
// mobilenet_v3_small: 2,542,856 params.
TEST_CASE("mobilenet_v3_small: 56M MACs and 2.5M params (paper Table 3, within 2%)") {
  const Counts c = counts("mobilenet_v3_small");
  INFO("MACs " << c.macs << ", params " << c.params);
  CHECK(within(c.macs, 56e6, 0.02));
  CHECK(within(c.params, 2.5e6, 0.02));
  CHECK(c.torchvision_params == 2'542'856);
}

// He et al. 2016, Table 1: ResNet-18 1.8 GFLOPs (multiply-adds); torchvision resnet18:
// 11,689,512 params, 1.81 GMACs.
TEST_CASE("resnet18: 1.8G MACs and 11.7M params (paper Table 1, within 2%)") {
  const Counts c = counts("resnet18");
  INFO("MACs " << c.macs << ", params " << c.params);
  CHECK(within(c.macs, 1.8e9, 0.02));
  CHECK(within(c.params, 11.7e6, 0.02));
  CHECK(c.torchvision_params == 11'689'512);
}

// He et al. 2016 and torchvision resnet50 (stride on the 3x3 conv): 4.1G MACs, 25,557,032
// params. The paper's 3.8 GFLOPs strides the first 1x1 conv instead.
TEST_CASE("resnet50: 4.1G MACs and 25.6M params (torchvision, within 2%)") {
  const Counts c = counts("resnet50");
  INFO("MACs " << c.macs << ", params " << c.params);
  CHECK(within(c.macs, 4.1e9, 0.02));
  CHECK(within(c.params, 25.6e6, 0.02));
  CHECK(c.torchvision_params == 25'557'032);
}

// Tan et al. 2019, MnasNet, Table 1: MnasNet-A1 312M MACs, 3.9M params.
TEST_CASE("mnasnet_a1: 312M MACs and 3.9M params (paper Table 1, within 2%)") {
  const Counts c = counts("mnasnet_a1");
  INFO("MACs " << c.macs << ", params " << c.params);
  CHECK(within(c.macs, 312e6, 0.02));
  CHECK(within(c.params, 3.9e6, 0.02));
}

// timm model card efficientnet_es.ra_in1k (EfficientNet-EdgeTPU-S, stride on the fused KxK
// conv): 5.4M params, 1.8 GMACs at 224x224.
TEST_CASE("efficientnet_edgetpu_s: 1.8G MACs and 5.4M params (timm, within 2%)") {
  const Counts c = counts("efficientnet_edgetpu_s");
  INFO("MACs " << c.macs << ", params " << c.params);
  CHECK(within(c.macs, 1.8e9, 0.02));
  CHECK(within(c.params, 5.4e6, 0.02));
}

// Sandler et al. 2018, Table 6: SSDLite (MobileNetV2, 320x320, 80 COCO classes): 0.8B MAdds,
// 4.3M params.
TEST_CASE("ssdlite_mobilenet_v2: 80 classes has 0.8G MACs and 4.3M params (paper Table 6)") {
  const Counts c = counts("ssdlite_mobilenet_v2:num_classes=80");
  INFO("MACs " << c.macs << ", params " << c.params);
  CHECK(within(c.macs, 0.8e9, 0.02));
  CHECK(within(c.params, 4.3e6, 0.02));
}

// torchvision lraspp_mobilenet_v3_large (21 classes, evaluated at 520x520): 3,221,538 params,
// 2.09 GMACs.
TEST_CASE("lraspp_mobilenet_v3: 2.09G MACs at 520x520 and torchvision's 3,221,538 params") {
  const Counts c = counts("lraspp_mobilenet_v3:resolution=520");
  INFO("MACs " << c.macs << ", params " << c.params);
  CHECK(within(c.macs, 2.09e9, 0.02));
  CHECK(c.torchvision_params == 3'221'538);
}

TEST_CASE("camera_classifier: MobileNetV2-0.35 at 96x96 stays under 0.4M params and 11M MACs") {
  const Counts c = counts("camera_classifier");
  INFO("MACs " << c.macs << ", params " << c.params);
  CHECK(c.params < 0.4e6);
  CHECK(c.macs < 11e6);
}
