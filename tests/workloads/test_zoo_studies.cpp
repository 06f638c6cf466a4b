// The models that stand for the three published product studies (the project's seed findings): the
// presence detector (ssdlite_mobilenet_v2), the robot segmenter (lraspp_mobilenet_v3) and the
// camera classifier (camera_classifier) have the stated inputs and outputs.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/workloads/helpers.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

std::vector<std::string> output_names(const Network& net) {
  std::vector<std::string> out;
  for (std::size_t i : net.outputs()) out.push_back(net.layer(i).name);
  std::sort(out.begin(), out.end());
  return out;
}

const Layer& layer(const Network& net, const std::string& name) {
  return net.layer(net.index_of(name));
}

}  // namespace

TEST_CASE("presence detector: SSDLite takes 320x320x3 and predicts on six feature maps") {
  const Network net = build_zoo("ssdlite_mobilenet_v2");
  CHECK(out_of(net, "image") == Shape{320, 320, 3});
  // Output stride 16 (the expansion of ibn14; 19x19 at the original 300x300), 32, then the extras.
  CHECK(out_of(net, "ibn14_expand") == Shape{20, 20, 576});
  CHECK(out_of(net, "last_conv") == Shape{10, 10, 1280});
  CHECK(out_of(net, "extra1_project") == Shape{5, 5, 512});
  CHECK(out_of(net, "extra2_project") == Shape{3, 3, 256});
  CHECK(out_of(net, "extra3_project") == Shape{2, 2, 256});
  CHECK(out_of(net, "extra4_project") == Shape{1, 1, 128});
  CHECK(output_names(net) == std::vector<std::string>{"box1", "box2", "box3", "box4", "box5",
                                                      "box6", "class1", "class2", "class3",
                                                      "class4", "class5", "class6"});
}

TEST_CASE("presence detector: anchors x 4 box coordinates, anchors x (classes + background)") {
  const Network net = build_zoo("ssdlite_mobilenet_v2");
  // 3 anchors per location on the first map, 6 on the others; 1 class + background by default.
  CHECK(out_of(net, "box1") == Shape{20, 20, 3 * 4});
  CHECK(out_of(net, "class1") == Shape{20, 20, 3 * 2});
  CHECK(out_of(net, "box2") == Shape{10, 10, 6 * 4});
  CHECK(out_of(net, "class6") == Shape{1, 1, 6 * 2});
  const Network coco = build_zoo("ssdlite_mobilenet_v2:num_classes=90");
  CHECK(out_of(coco, "class1") == Shape{20, 20, 3 * 91});
  CHECK(out_of(coco, "box1") == Shape{20, 20, 3 * 4});
}

TEST_CASE("presence detector: predictors are depthwise 3x3 (BN, ReLU6) then 1x1 with bias") {
  const Network net = build_zoo("ssdlite_mobilenet_v2");
  for (const std::string id : {"box3", "class3"}) {
    INFO(id);
    const Layer& dw = layer(net, id + "_dw");
    CHECK(is_depthwise(net, net.index_of(id + "_dw")));
    CHECK(dw.kernel_h == 3);
    CHECK(dw.epilogue.activation == Activation::Relu6);
    CHECK(dw.block == id);
    CHECK(dw.block_type == "ssd_predictor");
    CHECK(dw.role == "depthwise");
    const Layer& conv = layer(net, id);
    CHECK(conv.kernel_h == 1);
    CHECK(conv.epilogue.bias);
    CHECK(conv.epilogue.activation == Activation::None);
    CHECK(conv.role == "pointwise");
    CHECK(conv.inputs == std::vector<std::string>{id + "_dw"});
  }
  CHECK(layer(net, "box3_dw").inputs == std::vector<std::string>{"extra1_project"});
}

TEST_CASE("presence detector: extra layers are 1x1 to half depth, 3x3 stride-2 depthwise, 1x1") {
  const Network net = build_zoo("ssdlite_mobilenet_v2");
  CHECK(out_of(net, "extra1_expand") == Shape{10, 10, 256});
  CHECK(out_of(net, "extra1_dw") == Shape{5, 5, 256});
  CHECK(layer(net, "extra1_dw").stride_h == 2);
  CHECK(layer(net, "extra1_expand").block_type == "ssd_extra");
  CHECK(layer(net, "extra4_expand").out.c == 64);
}

TEST_CASE("presence detector: resolution and width scale the detector") {
  const Network net = build_zoo("ssdlite_mobilenet_v2:resolution=256,width=0.5");
  CHECK(out_of(net, "image") == Shape{256, 256, 3});
  CHECK(out_of(net, "box1") == Shape{16, 16, 12});
  CHECK(out_of(net, "last_conv") == Shape{8, 8, 640});
  CHECK(out_of(net, "extra1_project") == Shape{4, 4, 256});
}

TEST_CASE("robot segmenter: the output is H x W x classes at the input resolution") {
  const Network net = build_zoo("lraspp_mobilenet_v3");
  CHECK(out_of(net, "image") == Shape{512, 512, 3});
  CHECK(output_names(net) == std::vector<std::string>{"logits"});
  CHECK(out_of(net, "logits") == Shape{512, 512, 21});
  const Layer& logits = layer(net, "logits");
  CHECK(logits.op == OpKind::Resize);
  CHECK(logits.resize_mode == ResizeMode::Bilinear);
  const Network small = build_zoo("lraspp_mobilenet_v3:resolution=300,classes=4");
  CHECK(out_of(small, "logits") == Shape{300, 300, 4});
}

TEST_CASE("robot segmenter: LR-ASPP joins the 16x (960) and 8x (40) features") {
  const Network net = build_zoo("lraspp_mobilenet_v3");
  CHECK(out_of(net, "last_conv") == Shape{32, 32, 960});  // last stage at stride 1
  CHECK(out_of(net, "ibn4_project") == Shape{64, 64, 40});
  CHECK(out_of(net, "lraspp_conv") == Shape{32, 32, 128});
  CHECK(out_of(net, "lraspp_gate") == Shape{1, 1, 128});
  CHECK(layer(net, "lraspp_gate").epilogue.activation == Activation::Sigmoid);
  CHECK(out_of(net, "lraspp_scale") == Shape{32, 32, 128});
  CHECK(out_of(net, "lraspp_up") == Shape{64, 64, 128});
  CHECK(layer(net, "lraspp_low_classifier").inputs == std::vector<std::string>{"ibn4_project"});
  CHECK(out_of(net, "lraspp_add") == Shape{64, 64, 21});
  CHECK(layer(net, "lraspp_add").block_type == "lraspp");
  CHECK(layer(net, "logits").role == "upsample");
}

TEST_CASE("camera classifier: MobileNetV2-0.35 on 96x96x3, two classes") {
  const Network net = build_zoo("camera_classifier");
  CHECK(out_of(net, "image") == Shape{96, 96, 3});
  CHECK(output_names(net) == std::vector<std::string>{"classifier"});
  CHECK(out_of(net, "classifier") == Shape{1, 1, 2});
  CHECK(out_of(net, "stem") == Shape{48, 48, 16});
  CHECK(out_of(net, "ibn17_project") == Shape{3, 3, 112});
  CHECK(layer(net, "ibn2_dw").role == "depthwise");
  CHECK(layer(net, "stem").origin == "zoo:camera_classifier: stem");
  const Network wide = build_zoo("camera_classifier:width=1.0,resolution=128,classes=3");
  CHECK(out_of(wide, "image") == Shape{128, 128, 3});
  CHECK(out_of(wide, "classifier") == Shape{1, 1, 3});
  CHECK(total_params(wide) > total_params(net));
}
