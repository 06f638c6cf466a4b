// The model zoo: networks built in code, selected by a spec string such as
// "mobilenet_v2:width=0.75,resolution=160".
#ifndef ACCELNAS_WORKLOADS_ZOO_ZOO_H
#define ACCELNAS_WORKLOADS_ZOO_ZOO_H

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "workloads/network.h"

namespace accelnas::wl {

struct ZooParam {
  std::string key;
  double default_value;
  double min, max;  // inclusive
  std::string description;
  bool integer = false;  // only whole numbers are accepted
};

struct ZooEntry {
  std::string name;
  std::string description;
  std::vector<ZooParam> params;
  // Receives every declared parameter (defaults filled in); returns a finalized network.
  std::function<Network(const std::map<std::string, double>&)> build;
};

const std::vector<ZooEntry>& zoo_entries();

// spec: "mobilenet_v2" or "mobilenet_v2:width=0.75,resolution=160". An unknown name is a
// UserError "unknown model 'mobilnet_v2' (did you mean: mobilenet_v2?)"; an unknown or
// out-of-range parameter names it and the valid range. The network's name is the canonical spec:
// the model name plus the parameters that differ from their defaults, in declaration order.
Network build_zoo(const std::string& spec);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_ZOO_ZOO_H
