// Internal to the zoo: backbones shared by its classifiers, detector and segmenter.
#ifndef ACCELNAS_WORKLOADS_ZOO_BACKBONES_H
#define ACCELNAS_WORKLOADS_ZOO_BACKBONES_H

#include <cstdint>
#include <string>

#include "workloads/zoo/builder.h"

namespace accelnas::wl::zoo {

// MobileNetV2 (Sandler et al. 2018, Table 2) at a width multiplier: the stem conv "stem" and the
// 17 IBNs "ibn1".."ibn17", without the final 1x1 conv. Returns ibn17's output.
std::string mobilenet_v2_features(NetworkBuilder& b, const std::string& image, double width);
// Channels of MobileNetV2's final 1x1 conv: 1280, scaled only by widths above 1.
std::int64_t mobilenet_v2_last_channels(double width);
// The MobileNetV2 classifier under the zoo name `model`: features, 1x1 conv "head", "pool" and
// the fully connected "classifier".
Network mobilenet_v2_classifier(const std::string& model, double width, std::int64_t resolution,
                                std::int64_t classes);

enum class MobileNetV3Size { Large, Small };

// MobileNetV3 (Howard et al. 2019, Tables 1-2) at a width multiplier: "stem", IBNs "ibn1".. and
// the 1x1 conv "last_conv" (6x the last block's channels). Returns last_conv's output. With
// output_stride 16 the last stage runs at stride 1, as the segmentation reference runs it
// (there dilated by 2; Layer has no dilation, and dilation changes no shape nor MAC count).
std::string mobilenet_v3_features(NetworkBuilder& b, const std::string& image, MobileNetV3Size size,
                                  double width, int output_stride = 32);

}  // namespace accelnas::wl::zoo

#endif  // ACCELNAS_WORKLOADS_ZOO_BACKBONES_H
