// Internal to the zoo: its entries, one per file.
#ifndef ACCELNAS_WORKLOADS_ZOO_MODELS_H
#define ACCELNAS_WORKLOADS_ZOO_MODELS_H

#include "workloads/zoo/zoo.h"

namespace accelnas::wl::zoo {

// Image classifiers.
ZooEntry mobilenet_v2_entry();
ZooEntry mobilenet_v3_large_entry();
ZooEntry mobilenet_v3_small_entry();
ZooEntry efficientnet_edgetpu_s_entry();
ZooEntry mnasnet_a1_entry();
ZooEntry resnet18_entry();
ZooEntry resnet50_entry();
// The published product studies: presence detector, robot segmenter, camera classifier.
ZooEntry ssdlite_mobilenet_v2_entry();
ZooEntry lraspp_mobilenet_v3_entry();
ZooEntry camera_classifier_entry();
// A tiny network for fast tests.
ZooEntry tiny_entry();

}  // namespace accelnas::wl::zoo

#endif  // ACCELNAS_WORKLOADS_ZOO_MODELS_H
