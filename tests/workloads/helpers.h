// Small helpers shared by the workloads tests.
#ifndef ACCELNAS_TESTS_WORKLOADS_HELPERS_H
#define ACCELNAS_TESTS_WORKLOADS_HELPERS_H

#include <string>
#include <vector>

#include "tests/common/test_util.h"
#include "workloads/config/error.h"
#include "workloads/network.h"

namespace accelnas::wl::test {

using test_util::contains;
using test_util::user_error;

inline Layer make_layer(const std::string& name, OpKind op, std::vector<std::string> inputs) {
  Layer l;
  l.name = name;
  l.op = op;
  l.inputs = std::move(inputs);
  l.origin = "test: " + name;
  return l;
}

inline Layer make_input(const std::string& name, std::int64_t h, std::int64_t w, std::int64_t c) {
  Layer l = make_layer(name, OpKind::Input, {});
  l.input_shape = Shape{h, w, c};
  return l;
}

// A conv2d (or, with another op, a pool) with square kernel and stride and SAME padding.
inline Layer make_window(const std::string& name, OpKind op, const std::string& in, int kernel,
                         int stride, std::int64_t out_channels = 0, int groups = 1) {
  Layer l = make_layer(name, op, {in});
  l.kernel_h = l.kernel_w = kernel;
  l.stride_h = l.stride_w = stride;
  l.same_padding = true;
  l.out_channels = out_channels;
  l.groups = groups;
  return l;
}

inline Layer make_conv(const std::string& name, const std::string& in, std::int64_t out_channels,
                       int kernel, int stride = 1, int groups = 1) {
  return make_window(name, OpKind::Conv2d, in, kernel, stride, out_channels, groups);
}

inline Network make_net(const std::vector<Layer>& layers) {
  Network net;
  for (const Layer& l : layers) net.add_layer(l);
  net.finalize();
  return net;
}

inline const Shape& out_of(const Network& net, const std::string& name) {
  return net.layer(net.index_of(name)).out;
}

}  // namespace accelnas::wl::test

#endif  // ACCELNAS_TESTS_WORKLOADS_HELPERS_H
