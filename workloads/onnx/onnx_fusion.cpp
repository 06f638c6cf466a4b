#include "workloads/onnx/onnx_fusion.h"

namespace accelnas::wl::onnx_detail {
namespace {

bool weighted(const Layer& l) {
  return l.op == OpKind::Conv2d || l.op == OpKind::FullyConnected;
}

// Vector ops whose output stage can apply an activation as it writes.
bool vector_op(const Layer& l) {
  switch (l.op) {
    case OpKind::Add:
    case OpKind::Mul:
    case OpKind::Concat:
    case OpKind::MaxPool:
    case OpKind::AvgPool:
    case OpKind::GlobalAvgPool:
    case OpKind::Resize:
    case OpKind::ChannelSlice:
      return true;
    default:
      return false;
  }
}

}  // namespace

void apply_activation(Mapper& m, const onnx::NodeProto& node, const Value& x, Activation a) {
  Layer& producer = m.layer(x.layer);
  if (x.sole && weighted(producer) && producer.epilogue.activation == Activation::None) {
    producer.epilogue.activation = a;
    return m.alias(node, x);
  }
  if (x.sole && vector_op(producer)) return m.alias(node, x);
  m.emit_pass(node, x);
}

void apply_batchnorm(Mapper& m, const onnx::NodeProto& node, const Value& x) {
  Layer& producer = m.layer(x.layer);
  if (x.sole && weighted(producer) && !producer.epilogue.batchnorm &&
      producer.epilogue.activation == Activation::None) {
    producer.epilogue.batchnorm = true;
    return m.alias(node, x);
  }
  m.emit_pass(node, x);
}

void apply_channel_permutation(Mapper& m, const onnx::NodeProto& node, const Value& x) {
  const Layer& producer = m.layer(x.layer);
  if (x.sole && (weighted(producer) || vector_op(producer))) return m.alias(node, x);
  m.emit_pass(node, x);
}

void apply_constant_operand(Mapper& m, const onnx::NodeProto& node, const Value& x, bool additive) {
  Layer& producer = m.layer(x.layer);
  if (x.sole && weighted(producer) && producer.epilogue.activation == Activation::None) {
    if (additive && !producer.epilogue.has_bias_term()) producer.epilogue.bias = true;
    return m.alias(node, x);
  }
  m.warn(node, std::string("constant ") + (additive ? "addend" : "factor") +
                   " ignored (only graph-tensor operands are simulated)");
  m.alias(node, x);
}

}  // namespace accelnas::wl::onnx_detail
