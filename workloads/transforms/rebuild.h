// Internal helpers shared by the transforms: every transform edits a copy of the layer list and
// builds a new, finalized network from it.
#ifndef ACCELNAS_WORKLOADS_TRANSFORMS_REBUILD_H
#define ACCELNAS_WORKLOADS_TRANSFORMS_REBUILD_H

#include <map>
#include <string>
#include <vector>

#include "workloads/network.h"

namespace accelnas::wl {

std::vector<Layer> copy_layers(const Network& net);

// A finalized network with `src`'s name and default precision. A layer list that does not
// finalize is reported as "<context>: the transformed network is invalid: <reason>".
Network rebuild(const Network& src, std::vector<Layer> layers, const std::string& context);

// `base`, or `base_2`, `base_3`, ... : the first name no layer in `layers` has.
std::string unique_name(const std::vector<Layer>& layers, const std::string& base);

// Replaces every input name found in `renames`.
void rename_inputs(std::vector<Layer>& layers, const std::map<std::string, std::string>& renames);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_TRANSFORMS_REBUILD_H
