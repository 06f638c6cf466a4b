// canonical_text(): nlohmann::json keeps object keys in a std::map, so dump() sorts them; with
// no indentation the text is one deterministic line. Only the fields that matter for the layer's
// op are written, so two descriptions that rebuild the same jobs serialise the same.
#include <nlohmann/json.hpp>

#include "unit.h"

namespace accelnas::cal {
namespace {

using nlohmann::json;

json shape_json(const wl::Shape& s) {
  return json::array({s.h, s.w, s.c});
}

json window_json(const LayerDesc& d) {
  return json{{"kernel", {d.kernel_h, d.kernel_w}},
              {"stride", {d.stride_h, d.stride_w}},
              {"padding", {d.padding.top, d.padding.left, d.padding.bottom, d.padding.right}}};
}

json layer_json(const LayerDesc& d) {
  json j;
  j["op"] = wl::op_name(d.op);
  j["precision"] = precision_name(d.precision);
  json inputs = json::array();
  for (const TensorRef& r : d.inputs)
    inputs.push_back((r.external ? "in" : "l") + std::to_string(r.index));
  j["inputs"] = inputs;
  switch (d.op) {
    case wl::OpKind::Conv2d:
      j.update(window_json(d));
      j["groups"] = d.groups;
      j["out_channels"] = d.out_channels;
      j["bias"] = d.bias;
      break;
    case wl::OpKind::FullyConnected:
      j["out_channels"] = d.out_channels;
      j["bias"] = d.bias;
      break;
    case wl::OpKind::MaxPool:
    case wl::OpKind::AvgPool:
      j.update(window_json(d));
      break;
    case wl::OpKind::Resize:
      j["out"] = {d.out_h, d.out_w};
      j["mode"] = d.resize_mode == wl::ResizeMode::Bilinear ? "bilinear" : "nearest";
      break;
    default:
      break;
  }
  j["output_on_chip"] = d.output_on_chip;
  j["output_to_dram"] = d.output_to_dram;
  j["other_reserved_bytes"] = d.other_reserved_bytes;
  return j;
}

}  // namespace

std::string canonical_text(const UnitDesc& desc) {
  json inputs = json::array();
  for (const ExternalInput& in : desc.inputs) {
    inputs.push_back(json{{"shape", shape_json(in.shape)},
                          {"precision", precision_name(in.precision)},
                          {"on_chip", in.on_chip}});
  }
  json layers = json::array();
  for (const LayerDesc& d : desc.layers) layers.push_back(layer_json(d));
  const json j{{"type", unit_type_name(desc.type)},
               {"batch", desc.batch},
               {"inputs", inputs},
               {"layers", layers}};
  return j.dump();
}

}  // namespace accelnas::cal
