// Structure of the zoo's classifier families beyond their sizes: MobileNetV3 (Howard et al.
// 2019), EfficientNet-EdgeTPU-S, MnasNet-A1 (Tan et al. 2019) and ResNet (He et al. 2016).
#include <doctest/doctest.h>

#include <set>

#include "tests/workloads/helpers.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

const Layer& layer(const Network& net, const std::string& name) {
  return net.layer(net.index_of(name));
}

std::set<std::string> blocks_of_type(const Network& net, const std::string& type) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < net.size(); ++i) {
    if (net.layer(i).block_type == type) out.insert(net.layer(i).block);
  }
  return out;
}

std::set<std::string> blocks_with_se(const Network& net) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < net.size(); ++i) {
    if (net.layer(i).role == "se_pool") out.insert(net.layer(i).block);
  }
  return out;
}

}  // namespace

TEST_CASE("mobilenet_v3_large: HS layers use hard swish, RE layers ReLU (paper Table 1)") {
  const Network net = build_zoo("mobilenet_v3_large");
  CHECK(layer(net, "stem").epilogue.activation == Activation::HSwish);
  CHECK(layer(net, "ibn3_expand").epilogue.activation == Activation::Relu);
  CHECK(layer(net, "ibn6_dw").epilogue.activation == Activation::Relu);
  CHECK(layer(net, "ibn7_expand").epilogue.activation == Activation::HSwish);
  CHECK(layer(net, "ibn15_dw").epilogue.activation == Activation::HSwish);
  CHECK(layer(net, "ibn15_project").epilogue.activation == Activation::None);
  CHECK(layer(net, "last_conv").epilogue.activation == Activation::HSwish);
  CHECK(layer(net, "pre_logits").epilogue.activation == Activation::HSwish);
  CHECK_FALSE(layer(net, "pre_logits").epilogue.batchnorm);  // "NBN"
}

TEST_CASE("mobilenet_v3_large: 15 bnecks, SE in 8, 5x5 depthwise where the table says") {
  const Network net = build_zoo("mobilenet_v3_large");
  CHECK(blocks_of_type(net, "ibn").size() == 15);
  CHECK(blocks_with_se(net) ==
        std::set<std::string>{"ibn4", "ibn5", "ibn6", "ibn11", "ibn12", "ibn13", "ibn14", "ibn15"});
  CHECK_FALSE(net.has("ibn1_expand"));  // exp size 16 = input: no expansion
  CHECK(layer(net, "ibn4_dw").kernel_h == 5);
  CHECK(layer(net, "ibn7_dw").kernel_h == 3);
  CHECK(out_of(net, "ibn8_expand") == Shape{14, 14, 200});
  CHECK(out_of(net, "last_conv") == Shape{7, 7, 960});
  CHECK(out_of(net, "pre_logits") == Shape{1, 1, 1280});
  CHECK(out_of(net, "classifier") == Shape{1, 1, 1000});
}

TEST_CASE("mobilenet_v3: squeeze-excite squeezes to expansion / 4 and gates with hard sigmoid") {
  const Network net = build_zoo("mobilenet_v3_large");
  CHECK(out_of(net, "ibn4_se_reduce") == Shape{1, 1, 24});  // 72 / 4 = 18 -> 24 (divisible by 8)
  CHECK(out_of(net, "ibn12_se_reduce") == Shape{1, 1, 168});
  CHECK(out_of(net, "ibn12_se_expand") == Shape{1, 1, 672});
  CHECK(layer(net, "ibn12_se_expand").epilogue.activation == Activation::HSigmoid);
  CHECK(layer(net, "ibn12_se_reduce").epilogue.activation == Activation::Relu);
  CHECK(layer(net, "ibn12_se_scale").inputs ==
        std::vector<std::string>{"ibn12_dw", "ibn12_se_expand"});
  CHECK(layer(net, "ibn12_project").inputs == std::vector<std::string>{"ibn12_se_scale"});
  CHECK(layer(net, "ibn12_se_pool").block == "ibn12");
  CHECK(layer(net, "ibn12_se_pool").block_type == "ibn");
}

TEST_CASE("mobilenet_v3_small: 11 bnecks, SE everywhere but blocks 2-3, 576 then 1024") {
  const Network net = build_zoo("mobilenet_v3_small");
  CHECK(blocks_of_type(net, "ibn").size() == 11);
  CHECK(blocks_with_se(net).size() == 9);
  CHECK(blocks_with_se(net).count("ibn2") == 0);
  CHECK(blocks_with_se(net).count("ibn3") == 0);
  CHECK(out_of(net, "ibn1_dw") == Shape{56, 56, 16});  // the first bneck strides
  CHECK(out_of(net, "last_conv") == Shape{7, 7, 576});
  CHECK(out_of(net, "pre_logits") == Shape{1, 1, 1024});
}

TEST_CASE("mobilenet_v3: width scales channels with make_divisible, resolution the input") {
  const Network net = build_zoo("mobilenet_v3_large:width=0.75,resolution=192");
  CHECK(out_of(net, "image") == Shape{192, 192, 3});
  CHECK(out_of(net, "stem") == Shape{96, 96, 16});          // 12 -> 16
  CHECK(out_of(net, "ibn15_project") == Shape{6, 6, 120});  // 160 * 0.75
  CHECK(out_of(net, "last_conv") == Shape{6, 6, 720});      // 6 x 120
  CHECK(out_of(net, "pre_logits") == Shape{1, 1, 1280});    // kept for widths up to 1
}

TEST_CASE("efficientnet_edgetpu_s: fused IBNs in the first three stages, plain IBNs after") {
  const Network net = build_zoo("efficientnet_edgetpu_s");
  CHECK(blocks_of_type(net, "fused_ibn") ==
        std::set<std::string>{"ibn1", "ibn2", "ibn3", "ibn4", "ibn5", "ibn6", "ibn7"});
  CHECK(blocks_of_type(net, "ibn").size() == 11);
  CHECK(blocks_with_se(net).empty());
  CHECK_FALSE(net.has("ibn1_dw"));
  // The fused conv replaces expand + depthwise: KxK, full, and carrying the stride.
  const Layer& fused = layer(net, "ibn2_expand");
  CHECK(fused.kernel_h == 3);
  CHECK(fused.groups == 1);
  CHECK(fused.stride_h == 2);
  CHECK(fused.role == "expand");
  CHECK(out_of(net, "ibn2_expand") == Shape{56, 56, 192});   // 24 x 8
  CHECK(out_of(net, "ibn1_expand") == Shape{112, 112, 96});  // 24 x 4 ("i24", stem gives 32)
  CHECK_FALSE(net.has("ibn1_add"));                          // "noskip"
  CHECK(net.has("ibn3_add"));
  CHECK(layer(net, "ibn8_dw").kernel_h == 5);
  CHECK(out_of(net, "ibn18_project") == Shape{7, 7, 192});
}

TEST_CASE("efficientnet_edgetpu_s: ReLU activations only, 224x224 input") {
  const Network net = build_zoo("efficientnet_edgetpu_s");
  CHECK(out_of(net, "image") == Shape{224, 224, 3});
  for (std::size_t i = 0; i < net.size(); ++i) {
    const Activation a = net.layer(i).epilogue.activation;
    INFO(net.layer(i).name);
    CHECK((a == Activation::None || a == Activation::Relu));
  }
}

TEST_CASE("mnasnet_a1: SE in the 40, 112 and 160 channel stages, squeezing the block input by 4") {
  const Network net = build_zoo("mnasnet_a1");
  CHECK(blocks_of_type(net, "ibn").size() == 16);
  CHECK(blocks_with_se(net) ==
        std::set<std::string>{"ibn4", "ibn5", "ibn6", "ibn11", "ibn12", "ibn13", "ibn14", "ibn15"});
  CHECK(out_of(net, "ibn4_expand") == Shape{56, 56, 72});   // 24 x 3
  CHECK(out_of(net, "ibn4_se_reduce") == Shape{1, 1, 6});   // 24 / 4
  CHECK(out_of(net, "ibn5_se_reduce") == Shape{1, 1, 10});  // 40 / 4
  CHECK(layer(net, "ibn4_se_expand").epilogue.activation == Activation::Sigmoid);
  CHECK(layer(net, "ibn4_dw").kernel_h == 5);
  CHECK_FALSE(net.has("ibn1_expand"));  // SepConv
  CHECK(out_of(net, "ibn16_project") == Shape{7, 7, 320});
  CHECK(out_of(net, "head") == Shape{7, 7, 1280});
}

TEST_CASE("resnet18: 8 basic blocks, projection shortcuts where the stage changes") {
  const Network net = build_zoo("resnet18");
  CHECK(blocks_of_type(net, "residual").size() == 8);
  CHECK(out_of(net, "stem") == Shape{112, 112, 64});
  CHECK(out_of(net, "stem_pool") == Shape{56, 56, 64});
  CHECK_FALSE(net.has("res1_shortcut"));
  CHECK(out_of(net, "res3_shortcut") == Shape{28, 28, 128});
  CHECK(layer(net, "res3_shortcut").role == "shortcut");
  CHECK(layer(net, "res3_conv1").stride_h == 2);
  CHECK(layer(net, "res3_conv1").role == "conv");
  CHECK(layer(net, "res3_add").role == "residual_add");
  CHECK(out_of(net, "res8_add") == Shape{7, 7, 512});
}

TEST_CASE("resnet50: 16 bottlenecks striding their 3x3, 2048 channels at 7x7") {
  const Network net = build_zoo("resnet50");
  CHECK(blocks_of_type(net, "residual").size() == 16);
  CHECK(out_of(net, "res1_shortcut") == Shape{56, 56, 256});  // 64 -> 256 channels
  CHECK(layer(net, "res4_conv1").stride_h == 1);
  CHECK(layer(net, "res4_conv2").stride_h == 2);
  CHECK(out_of(net, "res16_add") == Shape{7, 7, 2048});
  const Network small = build_zoo("resnet50:resolution=160");
  CHECK(out_of(small, "res16_add") == Shape{5, 5, 2048});
}
