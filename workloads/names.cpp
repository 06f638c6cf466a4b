// Text names of the enums in network.h, and Shape formatting.
#include <array>
#include <utility>

#include "workloads/network.h"

namespace accelnas::wl {
namespace {

constexpr std::array<std::pair<OpKind, const char*>, 11> kOps = {{
    {OpKind::Input, "input"},
    {OpKind::Conv2d, "conv2d"},
    {OpKind::FullyConnected, "fully_connected"},
    {OpKind::Add, "add"},
    {OpKind::Mul, "mul"},
    {OpKind::MaxPool, "maxpool"},
    {OpKind::AvgPool, "avgpool"},
    {OpKind::GlobalAvgPool, "global_avgpool"},
    {OpKind::Concat, "concat"},
    {OpKind::Resize, "resize"},
    {OpKind::ChannelSlice, "channel_slice"},
}};

constexpr std::array<std::pair<Activation, const char*>, 6> kActivations = {{
    {Activation::None, "none"},
    {Activation::Relu, "relu"},
    {Activation::Relu6, "relu6"},
    {Activation::HSwish, "hswish"},
    {Activation::Sigmoid, "sigmoid"},
    {Activation::HSigmoid, "hsigmoid"},
}};

}  // namespace

const char* op_name(OpKind op) {
  for (const auto& [kind, name] : kOps) {
    if (kind == op) return name;
  }
  return "?";
}

bool parse_op(const std::string& name, OpKind& out) {
  for (const auto& [kind, text] : kOps) {
    if (name == text) {
      out = kind;
      return true;
    }
  }
  return false;
}

// kOps lists the operators in OpKind order, so op_names()[op] is op's name.
constexpr bool ops_in_enum_order() {
  for (std::size_t i = 0; i < kOps.size(); ++i)
    if (static_cast<std::size_t>(kOps[i].first) != i) return false;
  return true;
}
static_assert(ops_in_enum_order(), "kOps must follow the order of OpKind");

const std::string& op_name_string(OpKind op) {
  return op_names().at(static_cast<std::size_t>(op));
}

const std::vector<std::string>& op_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& entry : kOps) v.emplace_back(entry.second);
    return v;
  }();
  return names;
}

const char* activation_name(Activation a) {
  for (const auto& [kind, name] : kActivations) {
    if (kind == a) return name;
  }
  return "?";
}

bool parse_activation(const std::string& name, Activation& out) {
  for (const auto& [kind, text] : kActivations) {
    if (name == text) {
      out = kind;
      return true;
    }
  }
  return false;
}

std::string to_string(const Shape& s) {
  return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
}

}  // namespace accelnas::wl
