#include "workloads/transforms/rebuild.h"

#include <algorithm>

#include "workloads/config/error.h"

namespace accelnas::wl {

std::vector<Layer> copy_layers(const Network& net) {
  std::vector<Layer> layers;
  layers.reserve(net.size());
  for (std::size_t i = 0; i < net.size(); ++i) layers.push_back(net.layer(i));
  return layers;
}

Network rebuild(const Network& src, std::vector<Layer> layers, const std::string& context) {
  Network out;
  out.name = src.name;
  out.default_precision = src.default_precision;
  try {
    for (Layer& l : layers) out.add_layer(std::move(l));
    out.finalize();
  } catch (const UserError& e) {
    throw UserError(context + ": the transformed network is invalid: " + e.what());
  }
  return out;
}

std::string unique_name(const std::vector<Layer>& layers, const std::string& base) {
  auto taken = [&](const std::string& name) {
    return std::any_of(layers.begin(), layers.end(),
                       [&](const Layer& l) { return l.name == name; });
  };
  std::string name = base;
  for (int k = 2; taken(name); ++k) name = base + "_" + std::to_string(k);
  return name;
}

void rename_inputs(std::vector<Layer>& layers, const std::map<std::string, std::string>& renames) {
  for (Layer& l : layers) {
    for (std::string& in : l.inputs) {
      const auto it = renames.find(in);
      if (it != renames.end()) in = it->second;
    }
  }
}

}  // namespace accelnas::wl
