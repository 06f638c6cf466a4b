// Per-layer arithmetic: MACs, parameters and vector operations (batch 1).
#include "workloads/config/error.h"
#include "workloads/network.h"

namespace accelnas::wl {
namespace {

const Shape& operand_shape(const Network& net, std::size_t i, std::size_t k) {
  const auto& producers = net.producers(i);
  ACCELNAS_CHECK(k < producers.size(), "layer stats: missing operand");
  return net.layer(producers[k]).out;
}

}  // namespace

std::int64_t input_channels(const Network& net, std::size_t i) {
  if (net.layer(i).op == OpKind::Input) return 0;
  return operand_shape(net, i, 0).c;
}

bool is_depthwise(const Network& net, std::size_t i) {
  const Layer& l = net.layer(i);
  if (l.op != OpKind::Conv2d) return false;
  const std::int64_t in_c = input_channels(net, i);
  return l.groups == in_c && l.out_channels == in_c;
}

std::int64_t layer_weight_elements(const Network& net, std::size_t i) {
  const Layer& l = net.layer(i);
  switch (l.op) {
    case OpKind::Conv2d:
      return static_cast<std::int64_t>(l.kernel_h) * l.kernel_w *
             (input_channels(net, i) / l.groups) * l.out_channels;
    case OpKind::FullyConnected:
      return operand_shape(net, i, 0).elements() * l.out_channels;
    default:
      return 0;
  }
}

std::int64_t layer_bias_elements(const Network& net, std::size_t i) {
  const Layer& l = net.layer(i);
  const bool weighted = l.op == OpKind::Conv2d || l.op == OpKind::FullyConnected;
  return weighted && l.epilogue.has_bias_term() ? l.out_channels : 0;
}

std::int64_t layer_params(const Network& net, std::size_t i) {
  return layer_weight_elements(net, i) + layer_bias_elements(net, i);
}

std::int64_t layer_macs(const Network& net, std::size_t i) {
  const Layer& l = net.layer(i);
  switch (l.op) {
    case OpKind::Conv2d:
      return l.out.elements() * l.kernel_h * l.kernel_w * (input_channels(net, i) / l.groups);
    case OpKind::FullyConnected:
      return operand_shape(net, i, 0).elements() * l.out_channels;
    default:
      return 0;
  }
}

std::int64_t layer_vector_ops(const Network& net, std::size_t i) {
  const Layer& l = net.layer(i);
  switch (l.op) {
    case OpKind::Add:
    case OpKind::Mul:
    case OpKind::Concat:
    case OpKind::ChannelSlice:  // a copy of the selected channels
      return l.out.elements();
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      return l.out.elements() * l.kernel_h * l.kernel_w;
    case OpKind::GlobalAvgPool:
      return operand_shape(net, i, 0).elements();
    case OpKind::Resize:
      return l.out.elements() * (l.resize_mode == ResizeMode::Bilinear ? 4 : 1);
    default:
      return 0;
  }
}

std::int64_t total_macs(const Network& net) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < net.size(); ++i) sum += layer_macs(net, i);
  return sum;
}

std::int64_t total_params(const Network& net) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < net.size(); ++i) sum += layer_params(net, i);
  return sum;
}

void check_batch(std::int64_t batch) {
  if (batch < 1 || batch > kMaxBatch) {
    throw UserError("--batch: expected an integer from 1 to " + std::to_string(kMaxBatch) +
                    ", got " + std::to_string(batch));
  }
}

}  // namespace accelnas::wl
