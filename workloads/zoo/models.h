// The zoo's entries, one per file (internal to the zoo).
#ifndef ACCELNAS_WORKLOADS_ZOO_MODELS_H
#define ACCELNAS_WORKLOADS_ZOO_MODELS_H

#include "zoo.h"

namespace accelnas::wl::zoo {

ZooEntry mobilenet_v2_entry();
ZooEntry tiny_entry();

}  // namespace accelnas::wl::zoo

#endif  // ACCELNAS_WORKLOADS_ZOO_MODELS_H
