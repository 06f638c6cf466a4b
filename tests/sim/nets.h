// Small networks and runners shared by the simulator tests.
#ifndef ACCELNAS_TESTS_SIM_NETS_H
#define ACCELNAS_TESTS_SIM_NETS_H

#include <string>
#include <vector>

#include "hw_models/hw_spec.h"
#include "sim/simulate.h"
#include "workloads/loader.h"
#include "workloads/zoo/zoo.h"

namespace accelnas::test {

struct ConvSpec {
  int h = 56, w = 56, cin = 64, cout = 64, kernel = 3, stride = 1, groups = 1;
  std::string precision = "int8";
};

// input -> one conv2d.
inline std::string conv_yaml(const ConvSpec& c) {
  return "name: one_conv\nprecision: " + c.precision + "\nlayers:\n" +
         "  - {name: x, op: input, shape: [" + std::to_string(c.h) + ", " + std::to_string(c.w) +
         ", " + std::to_string(c.cin) + "]}\n" +
         "  - {name: conv, op: conv2d, input: x, out_channels: " + std::to_string(c.cout) +
         ", kernel: " + std::to_string(c.kernel) + ", stride: " + std::to_string(c.stride) +
         ", groups: " + std::to_string(c.groups) + ", epilogue: [bn, relu]}\n";
}

// A 3x3 inverted bottleneck (expansion e) or its fused twin (3x3 full conv expand, 1x1 project).
inline std::string ibn_yaml(int hw, int cin, int cout, int e, bool fused) {
  const std::string s = std::to_string(hw), ci = std::to_string(cin), co = std::to_string(cout),
                    ce = std::to_string(cin * e);
  std::string y =
      "name: block\nlayers:\n  - {name: x, op: input, shape: [" + s + ", " + s + ", " + ci + "]}\n";
  if (fused) {
    y += "  - {name: expand, op: conv2d, input: x, out_channels: " + ce +
         ", kernel: 3, epilogue: [bn, relu6]}\n";
    y += "  - {name: project, op: conv2d, input: expand, out_channels: " + co +
         ", kernel: 1, epilogue: [bn]}\n";
  } else {
    y += "  - {name: expand, op: conv2d, input: x, out_channels: " + ce +
         ", kernel: 1, epilogue: [bn, relu6]}\n";
    y += "  - {name: dw, op: conv2d, input: expand, out_channels: " + ce +
         ", kernel: 3, groups: " + ce + ", epilogue: [bn, relu6]}\n";
    y += "  - {name: project, op: conv2d, input: dw, out_channels: " + co +
         ", kernel: 1, epilogue: [bn]}\n";
  }
  return y;
}

inline sim::SimResult run(const std::string& yaml, const hw::HwSpec& hw,
                          sim::PlanOptions opt = {}) {
  const wl::Network net = wl::load_network_string(yaml, "test.yaml");
  return sim::simulate_network(net, hw, opt);
}

// The names of every shipped preset, and every zoo network at its defaults.
inline std::vector<std::string> preset_names() {
  std::vector<std::string> out;
  for (const auto& p : hw::presets()) out.push_back(p.name);
  return out;
}

inline std::vector<wl::Network> zoo_networks() {
  std::vector<wl::Network> out;
  for (const auto& e : wl::zoo_entries()) out.push_back(wl::build_zoo(e.name));
  return out;
}

inline hw::HwSpec preset(const std::string& name, const cfg::Overrides& o = {}) {
  return hw::load_hw(name, o);
}

inline double dram_bytes(const hw::LayerStats& l) {
  return static_cast<double>(l.dram_read_bytes + l.dram_write_bytes);
}

}  // namespace accelnas::test

#endif  // ACCELNAS_TESTS_SIM_NETS_H
