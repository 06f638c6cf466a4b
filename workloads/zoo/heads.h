// Heads shared by the zoo's models and the NAS macro spaces (nas/space.h): the MobileNetV2
// classifier head, the SSDLite detection head and the LR-ASPP segmentation head. Each adds its
// layers to a NetworkBuilder after the backbone's features, with the layer names, blocks and
// roles of the zoo models that introduced them (workloads/zoo/mobilenet_v2.cpp,
// ssdlite_mobilenet_v2.cpp, lraspp_mobilenet_v3.cpp).
#ifndef ACCELNAS_WORKLOADS_ZOO_HEADS_H
#define ACCELNAS_WORKLOADS_ZOO_HEADS_H

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/zoo/builder.h"

namespace accelnas::wl::zoo {

// The classifier head: a 1x1 conv "head" to `channels` (BN, `activation`; absent when channels
// is 0), global average pool "pool" and the fully connected "classifier" (bias) to `classes`.
// Returns the classifier's output.
std::string classifier_head(NetworkBuilder& b, const std::string& features, std::int64_t channels,
                            std::int64_t classes, Activation activation = Activation::Relu6);

// The SSDLite head (Sandler et al. 2018, sec. 6.2): from the last of `maps`, one "ssd_extra"
// block "extra<k>" per depth in `extra_depths` (1x1 conv to half the depth, 3x3 stride-2
// depthwise, 1x1 conv to the depth; BN + ReLU6), each adding a feature map; then every map gets
// the "ssd_predictor" blocks "box<k>" (anchors x 4) and "class<k>" (anchors x (num_classes + 1)),
// each a 3x3 depthwise (BN, ReLU6) and a 1x1 conv with bias. Anchors: 3 on the first map, 6 on
// the others.
void ssdlite_head(NetworkBuilder& b, std::vector<std::string> maps,
                  const std::vector<std::int64_t>& extra_depths, std::int64_t num_classes);
// The reference's extra depths (512, 256, 256, 128) at a depth multiplier: max(16, d * width).
std::vector<std::int64_t> ssdlite_extra_depths(double width);

// The Lite R-ASPP head (Howard et al. 2019), block "lraspp": from `high` (the last features), a
// 1x1 conv to `inter_channels` (BN, ReLU) gated by global pool + fully connected (sigmoid),
// bilinear upsampling to low_size x low_size (the size of `low`, the output-stride-8 features),
// a 1x1 classifier (bias) on each branch, their sum, and the bilinear upsampling "logits" to
// out_size x out_size. Returns "logits".
std::string lraspp_head(NetworkBuilder& b, const std::string& high, const std::string& low,
                        std::int64_t low_size, std::int64_t out_size, std::int64_t classes,
                        std::int64_t inter_channels = 128);

}  // namespace accelnas::wl::zoo

#endif  // ACCELNAS_WORKLOADS_ZOO_HEADS_H
