#include "workloads/loader.h"

#include <cmath>
#include <filesystem>
#include <map>

#include "workloads/config/error.h"
#include "workloads/config/node.h"
#include "workloads/layer_parser.h"
#include "workloads/onnx/onnx_import.h"
#include "workloads/zoo/zoo.h"

namespace accelnas::wl {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Network build_network(const cfg::Node& root) {
  root.expect_keys({"name", "precision", "layers"});
  Network net;
  net.name = std::filesystem::path(root.file()).stem().string();
  if (root.has("name")) {
    const cfg::Node name = root["name"];
    if (name.is_null() || name.scalar().empty()) name.fail("must not be empty");
    net.name = name.scalar();
  }
  if (root.has("precision")) net.default_precision = parse_precision_node(root["precision"]);
  const cfg::Node layers = root["layers"];
  if (!layers.present()) layers.fail("missing (expected a list of layers)");
  if (layers.size() == 0) layers.fail("a network needs at least one layer");

  std::map<std::string, double> scales;  // resize layers given by `scale`
  for (std::size_t i = 0; i < layers.size(); ++i) {
    ParsedLayer p = parse_layer(layers.at(i), net.default_precision);
    if (p.resize_scale > 0) scales[p.layer.name] = p.resize_scale;
    net.add_layer(std::move(p.layer));
  }
  net.finalize([&scales](Layer& l, const std::vector<const Layer*>& in) {
    const auto it = scales.find(l.name);
    if (it == scales.end() || in.size() != 1) return;
    l.out_h = static_cast<std::int64_t>(std::floor(static_cast<double>(in[0]->out.h) * it->second));
    l.out_w = static_cast<std::int64_t>(std::floor(static_cast<double>(in[0]->out.w) * it->second));
  });
  return net;
}

}  // namespace

Network load_network_file(const std::string& path) {
  return build_network(cfg::Node::load_file(path));
}

Network load_network_string(const std::string& text, const std::string& source_name) {
  return build_network(cfg::Node::load_string(text, source_name));
}

bool is_model_file(const std::string& spec) {
  std::error_code ec;
  return is_onnx_path(spec) || std::filesystem::exists(spec, ec) || ends_with(spec, ".yaml") ||
         ends_with(spec, ".yml");
}

Network resolve_model(const std::string& spec) {
  if (is_onnx_path(spec)) return import_onnx(spec);
  if (is_model_file(spec)) return load_network_file(spec);  // a directory too: named as such
  return build_zoo(spec);
}

}  // namespace accelnas::wl
