// Networks from YAML files, zoo specs, and back to YAML.
//
// Format (strict: unknown keys, wrong types and bad sizes are located UserErrors):
//   name: tiny              # optional; default = the file's stem
//   precision: int8         # optional network default
//   layers:
//     - {name: image, op: input, shape: [32, 32, 3]}
//     - {name: conv1, op: conv2d, input: image, out_channels: 16, kernel: 3, stride: 2,
//        padding: same, groups: 1, epilogue: [bn, relu6], precision: int16, block: b1,
//        block_type: ibn}
//     - {name: up, op: resize, input: conv1, size: [64, 64], mode: bilinear}  # or scale: 2
// Each layer's origin is "<file>:<line>: layers[i] (<name>)".
#ifndef ACCELNAS_WORKLOADS_LOADER_H
#define ACCELNAS_WORKLOADS_LOADER_H

#include <string>

#include "workloads/network.h"

namespace accelnas::wl {

// Loads and finalizes a network. Throws UserError "<path>: cannot open file" and located errors.
Network load_network_file(const std::string& path);
Network load_network_string(const std::string& text, const std::string& source_name);

// A model named on the command line: an existing file or a *.yaml / *.yml path is loaded, a
// *.onnx path is imported with default options (see onnx/onnx_import.h), anything else is a zoo
// spec
// ("mobilenet_v2:width=0.75").
Network resolve_model(const std::string& spec);
// True when resolve_model(spec) reads a file (ONNX, or a network YAML) rather than building a
// zoo model.
bool is_model_file(const std::string& spec);

// Writes `net` in the format above, deterministically. load_network_string(to_yaml(net)) gives
// back the same layers, attributes and shapes.
std::string to_yaml(const Network& net);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_LOADER_H
