// NetworkBuilder (zoo/builder.h): concise zoo networks.
#include <doctest/doctest.h>

#include "tests/workloads/helpers.h"
#include "workloads/zoo/builder.h"

using namespace accelnas::wl;
using namespace accelnas::wl::test;

TEST_CASE("builder: dwconv is depthwise over the input's channels") {
  NetworkBuilder b("m");
  std::string x = b.input("x", Shape{16, 16, 24});
  x = b.dwconv("dw", x, 5, 2, bn(Activation::Relu));
  const Network net = b.build("m");
  const Layer& dw = net.layer(1);
  CHECK(dw.groups == 24);
  CHECK(dw.out_channels == 24);
  CHECK(dw.kernel_h == 5);
  CHECK(dw.out == Shape{8, 8, 24});
  CHECK(is_depthwise(net, 1));
}

TEST_CASE("builder: layers between begin_block and end_block get the block id and type") {
  NetworkBuilder b("m");
  std::string x = b.input("x", Shape{8, 8, 8});
  b.begin_block("se1", "se");
  const std::string s = b.global_avgpool("se1_pool", x);
  const std::string f = b.pw("se1_fc", s, 8, bias(Activation::HSigmoid));
  x = b.mul("se1_scale", x, f);
  b.end_block();
  x = b.pw("after", x, 8, bn());
  const Network net = b.build("m");
  CHECK(net.layer(net.index_of("se1_scale")).block == "se1");
  CHECK(net.layer(net.index_of("se1_fc")).block_type == "se");
  CHECK(net.layer(net.index_of("after")).block.empty());
  CHECK(net.layer(net.index_of("x")).block.empty());
  CHECK(out_of(net, "se1_scale") == Shape{8, 8, 8});
}

TEST_CASE("builder: origins are zoo:<model>: <layer>, windows use SAME padding") {
  NetworkBuilder b("demo", accelnas::Precision::Int16);
  std::string x = b.input("x", Shape{15, 15, 3});
  x = b.conv("c", x, 8, 3, 2, bn(Activation::Relu6));
  x = b.avgpool("p", x, 2, 2);
  const Network net = b.build("demo:v2");
  CHECK(net.name == "demo:v2");
  CHECK(net.default_precision == accelnas::Precision::Int16);
  CHECK(net.layer(1).origin == "zoo:demo: c");
  CHECK(net.layer(1).precision == accelnas::Precision::Int16);
  CHECK(net.layer(1).same_padding);
  CHECK(out_of(net, "c") == Shape{8, 8, 8});
  CHECK(out_of(net, "p") == Shape{4, 4, 8});
}

TEST_CASE("builder: channels are tracked through every op") {
  NetworkBuilder b("m");
  const std::string x = b.input("x", Shape{8, 8, 4});
  const std::string c = b.conv("c", x, 12, 3, 1, bn());
  const std::string cat = b.concat("cat", {x, c});
  const std::string up = b.resize("up", cat, 16, 16, ResizeMode::Bilinear);
  const std::string m = b.maxpool("m", up, 2, 2);
  const std::string fc = b.fc("fc", b.global_avgpool("g", m), 5, bias());
  CHECK(b.channels(cat) == 16);
  CHECK(b.channels(up) == 16);
  CHECK(b.channels(fc) == 5);
  const Network net = b.build("m");
  CHECK(out_of(net, "up") == Shape{16, 16, 16});
  CHECK(out_of(net, "fc") == Shape{1, 1, 5});
}

TEST_CASE("builder: epilogue shorthands set batchnorm or bias plus the activation") {
  CHECK(bn().batchnorm);
  CHECK_FALSE(bn().bias);
  CHECK(bn(Activation::HSwish).activation == Activation::HSwish);
  CHECK(bias().bias);
  CHECK_FALSE(bias().batchnorm);
  CHECK(bias().activation == Activation::None);
}

TEST_CASE("builder: build reports user errors such as shape mismatches at the zoo origin") {
  NetworkBuilder b("m");
  const std::string x = b.input("x", Shape{8, 8, 4});
  const std::string c = b.conv("c", x, 4, 3, 2, bn());
  b.add("s", x, c);
  CHECK(user_error([&] { b.build("m"); }) ==
        "zoo:m: s: shape mismatch: input 'x' is 8x8x4 but input 'c' is 4x4x4");
}
