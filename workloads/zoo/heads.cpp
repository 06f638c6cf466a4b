#include "workloads/zoo/heads.h"

#include <algorithm>

namespace accelnas::wl::zoo {
namespace {

constexpr double kExtraDepths[] = {512, 256, 256, 128};

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

}  // namespace

std::string classifier_head(NetworkBuilder& b, const std::string& features, std::int64_t channels,
                            std::int64_t classes, Activation activation) {
  std::string x = features;
  if (channels > 0) x = b.pw("head", x, channels, bn(activation));
  x = b.global_avgpool("pool", x);
  return b.fc("classifier", x, classes, bias());
}

std::vector<std::int64_t> ssdlite_extra_depths(double width) {
  std::vector<std::int64_t> out;
  for (double depth : kExtraDepths)
    out.push_back(std::max<std::int64_t>(16, static_cast<std::int64_t>(depth * width)));
  return out;
}

void ssdlite_head(NetworkBuilder& b, std::vector<std::string> maps,
                  const std::vector<std::int64_t>& extra_depths, std::int64_t num_classes) {
  std::string x = maps.back();
  int index = 0;
  for (std::int64_t depth : extra_depths) {
    x = extra_block(b, ++index, x, depth);
    maps.push_back(x);
  }
  for (std::size_t k = 0; k < maps.size(); ++k) {
    const std::int64_t anchors = k == 0 ? 3 : 6;
    const std::string suffix = std::to_string(k + 1);
    predictor(b, "box" + suffix, maps[k], anchors * 4);
    predictor(b, "class" + suffix, maps[k], anchors * (num_classes + 1));
  }
}

std::string lraspp_head(NetworkBuilder& b, const std::string& high, const std::string& low,
                        std::int64_t low_size, std::int64_t out_size, std::int64_t classes,
                        std::int64_t inter_channels) {
  Epilogue sigmoid;
  sigmoid.activation = Activation::Sigmoid;
  b.begin_block("lraspp", "lraspp");
  std::string x = b.role("conv").pw("lraspp_conv", high, inter_channels, bn(Activation::Relu));
  const std::string pool = b.role("gate_pool").global_avgpool("lraspp_pool", high);
  const std::string gate = b.role("gate").fc("lraspp_gate", pool, inter_channels, sigmoid);
  x = b.role("gate_scale").mul("lraspp_scale", x, gate);
  x = b.role("upsample").resize("lraspp_up", x, low_size, low_size, ResizeMode::Bilinear);
  const std::string high_logits =
      b.role("classifier").pw("lraspp_high_classifier", x, classes, bias());
  const std::string low_logits =
      b.role("classifier").pw("lraspp_low_classifier", low, classes, bias());
  x = b.role("merge").add("lraspp_add", low_logits, high_logits);
  const std::string logits =
      b.role("upsample").resize("logits", x, out_size, out_size, ResizeMode::Bilinear);
  b.end_block();
  return logits;
}

}  // namespace accelnas::wl::zoo
