// Internal to the loader: parsing of one `layers[i]` entry of a network file.
#ifndef ACCELNAS_WORKLOADS_LAYER_PARSER_H
#define ACCELNAS_WORKLOADS_LAYER_PARSER_H

#include <string>

#include "workloads/config/node.h"
#include "workloads/network.h"

namespace accelnas::wl {

struct ParsedLayer {
  Layer layer;
  // `resize: {scale: s}` can only become out_h/out_w once the input shape is known.
  double resize_scale = 0;  // 0 when `size` was given
};

ParsedLayer parse_layer(const cfg::Node& node, Precision default_precision);

// "unknown precision 'x' (valid: int8, ...)" at `node` unless it names a precision.
Precision parse_precision_node(const cfg::Node& node);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_LAYER_PARSER_H
