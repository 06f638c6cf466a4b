#include "workloads/zoo/builder.h"

#include <utility>

#include "workloads/config/error.h"

namespace accelnas::wl {

Epilogue bn(Activation activation) {
  Epilogue e;
  e.batchnorm = true;
  e.activation = activation;
  return e;
}

Epilogue bias(Activation activation) {
  Epilogue e;
  e.bias = true;
  e.activation = activation;
  return e;
}

NetworkBuilder::NetworkBuilder(std::string model, Precision precision)
    : model_(std::move(model)), precision_(precision) {
  net_.default_precision = precision;
}

void NetworkBuilder::begin_block(std::string id, std::string type) {
  block_ = std::move(id);
  block_type_ = std::move(type);
  role_.clear();
}

void NetworkBuilder::end_block() {
  block_.clear();
  block_type_.clear();
  role_.clear();
}

NetworkBuilder& NetworkBuilder::role(std::string role) {
  ACCELNAS_CHECK(!block_.empty(), "NetworkBuilder: role '" + role + "' outside a block");
  role_ = std::move(role);
  return *this;
}

Layer NetworkBuilder::make(const std::string& name, OpKind op,
                           std::vector<std::string> inputs) const {
  Layer l;
  l.name = name;
  l.op = op;
  l.inputs = std::move(inputs);
  l.precision = precision_;
  l.block = block_;
  l.block_type = block_type_;
  l.role = role_;
  l.origin = "zoo:" + model_ + ": " + name;
  return l;
}

std::string NetworkBuilder::push(Layer layer, std::int64_t out_channels) {
  const std::string name = layer.name;
  net_.add_layer(std::move(layer));
  channels_[name] = out_channels;
  return name;
}

std::int64_t NetworkBuilder::channels(const std::string& layer) const {
  const auto it = channels_.find(layer);
  ACCELNAS_CHECK(it != channels_.end(), "NetworkBuilder: no layer '" + layer + "' yet");
  return it->second;
}

std::string NetworkBuilder::input(const std::string& name, Shape shape) {
  Layer l = make(name, OpKind::Input, {});
  l.input_shape = shape;
  return push(std::move(l), shape.c);
}

std::string NetworkBuilder::conv(const std::string& name, const std::string& in,
                                 std::int64_t out_channels, int kernel, int stride,
                                 Epilogue epilogue, int groups) {
  Layer l = make(name, OpKind::Conv2d, {in});
  l.same_padding = true;
  l.kernel_h = l.kernel_w = kernel;
  l.stride_h = l.stride_w = stride;
  l.out_channels = out_channels;
  l.groups = groups;
  l.epilogue = epilogue;
  return push(std::move(l), out_channels);
}

std::string NetworkBuilder::dwconv(const std::string& name, const std::string& in, int kernel,
                                   int stride, Epilogue epilogue) {
  const std::int64_t c = channels(in);
  return conv(name, in, c, kernel, stride, epilogue, static_cast<int>(c));
}

std::string NetworkBuilder::pw(const std::string& name, const std::string& in,
                               std::int64_t out_channels, Epilogue epilogue) {
  return conv(name, in, out_channels, 1, 1, epilogue);
}

std::string NetworkBuilder::fc(const std::string& name, const std::string& in,
                               std::int64_t out_channels, Epilogue epilogue) {
  Layer l = make(name, OpKind::FullyConnected, {in});
  l.out_channels = out_channels;
  l.epilogue = epilogue;
  return push(std::move(l), out_channels);
}

std::string NetworkBuilder::add(const std::string& name, const std::string& a,
                                const std::string& b) {
  return push(make(name, OpKind::Add, {a, b}), channels(a));
}

std::string NetworkBuilder::mul(const std::string& name, const std::string& a,
                                const std::string& b) {
  return push(make(name, OpKind::Mul, {a, b}), channels(a));
}

std::string NetworkBuilder::window(const std::string& name, OpKind op, const std::string& in,
                                   int kernel, int stride) {
  Layer l = make(name, op, {in});
  l.same_padding = true;
  l.kernel_h = l.kernel_w = kernel;
  l.stride_h = l.stride_w = stride;
  return push(std::move(l), channels(in));
}

std::string NetworkBuilder::maxpool(const std::string& name, const std::string& in, int kernel,
                                    int stride) {
  return window(name, OpKind::MaxPool, in, kernel, stride);
}

std::string NetworkBuilder::avgpool(const std::string& name, const std::string& in, int kernel,
                                    int stride) {
  return window(name, OpKind::AvgPool, in, kernel, stride);
}

std::string NetworkBuilder::global_avgpool(const std::string& name, const std::string& in) {
  return push(make(name, OpKind::GlobalAvgPool, {in}), channels(in));
}

std::string NetworkBuilder::concat(const std::string& name, const std::vector<std::string>& ins) {
  std::int64_t c = 0;
  for (const auto& in : ins) c += channels(in);
  return push(make(name, OpKind::Concat, ins), c);
}

std::string NetworkBuilder::channel_slice(const std::string& name, const std::string& in,
                                          std::int64_t begin, std::int64_t end) {
  Layer l = make(name, OpKind::ChannelSlice, {in});
  l.slice_begin = begin;
  l.slice_end = end;
  return push(std::move(l), end - begin);
}

std::string NetworkBuilder::resize(const std::string& name, const std::string& in,
                                   std::int64_t out_h, std::int64_t out_w, ResizeMode mode) {
  Layer l = make(name, OpKind::Resize, {in});
  l.out_h = out_h;
  l.out_w = out_w;
  l.resize_mode = mode;
  return push(std::move(l), channels(in));
}

Network NetworkBuilder::build(const std::string& network_name) {
  net_.name = network_name;
  net_.finalize();
  return net_;
}

Network NetworkBuilder::take(const std::string& network_name) {
  net_.name = network_name;
  net_.finalize();
  return std::move(net_);
}

}  // namespace accelnas::wl
