// Shape rules of Network::finalize() (shape_inference.h), NHWC with the batch left out.
#include <doctest/doctest.h>

#include "tests/workloads/helpers.h"
#include "workloads/shape_inference.h"

using namespace accelnas::wl;
using namespace accelnas::wl::test;

TEST_CASE("shape inference: SAME padding gives ceil(in/stride)") {
  for (std::int64_t in : {55, 56, 57, 224}) {
    for (int stride : {1, 2, 3}) {
      const Network net =
          make_net({make_input("x", in, in, 8), make_conv("c", "x", 16, 3, stride)});
      const Shape& s = out_of(net, "c");
      CHECK(s.h == (in + stride - 1) / stride);
      CHECK(s.w == (in + stride - 1) / stride);
      CHECK(s.c == 16);
    }
  }
}

TEST_CASE("shape inference: SAME puts the extra pad row at the bottom and right") {
  // in 56, k 3, s 2: out 28, total pad (27*2 + 3 - 56) = 1 -> top/left 0, bottom/right 1.
  Network net = make_net({make_input("x", 56, 56, 8), make_conv("c", "x", 8, 3, 2)});
  Padding p = net.layer(1).resolved_padding;
  CHECK(p.top == 0);
  CHECK(p.left == 0);
  CHECK(p.bottom == 1);
  CHECK(p.right == 1);
  // in 57: out 29, total 2 -> 1 on each side.
  net = make_net({make_input("x", 57, 57, 8), make_conv("c", "x", 8, 3, 2)});
  p = net.layer(1).resolved_padding;
  CHECK(p.top == 1);
  CHECK(p.bottom == 1);
}

TEST_CASE("shape inference: SAME padding is never negative") {
  // A 1x1 stride-2 window over 56 needs (27*2 + 1 - 56) = -1 -> 0 padding.
  const WindowAxis a = window_axis(56, 1, 2, true, 0, 0);
  CHECK(a.out == 28);
  CHECK(a.pad_lo == 0);
  CHECK(a.pad_hi == 0);
}

TEST_CASE("shape inference: explicit padding gives floor((in + pads - k) / stride) + 1") {
  Layer c = make_conv("c", "x", 64, 7, 2);
  c.same_padding = false;
  c.padding = Padding{3, 3, 3, 3};
  const Network net = make_net({make_input("x", 224, 224, 3), c});
  CHECK(out_of(net, "c") == Shape{112, 112, 64});
  CHECK(net.layer(1).resolved_padding.top == 3);
  CHECK(net.layer(1).resolved_padding.right == 3);
}

TEST_CASE("shape inference: asymmetric kernels and strides act per axis") {
  Layer c = make_conv("c", "x", 4, 1, 1);
  c.kernel_h = 1;
  c.kernel_w = 7;
  c.stride_h = 1;
  c.stride_w = 2;
  c.same_padding = false;  // valid
  const Network net = make_net({make_input("x", 17, 17, 4), c});
  CHECK(out_of(net, "c") == Shape{17, 6, 4});
}

TEST_CASE("shape inference: a window larger than the padded input is rejected") {
  Layer c = make_conv("c", "x", 4, 5, 1);
  c.same_padding = false;
  const std::string msg = user_error([&] { make_net({make_input("x", 3, 3, 4), c}); });
  INFO(msg);
  CHECK(contains(msg, "test: c: kernel 5x5 does not fit the padded 3x3 input"));
}

TEST_CASE("shape inference: kernel and stride must be >= 1, padding >= 0") {
  Layer k0 = make_conv("c", "x", 4, 0, 1);
  CHECK(contains(user_error([&] {
                   make_net({make_input("x", 8, 8, 4), k0});
                 }),
                 "kernel must be >= 1"));
  Layer s0 = make_conv("c", "x", 4, 3, 0);
  CHECK(contains(user_error([&] {
                   make_net({make_input("x", 8, 8, 4), s0});
                 }),
                 "stride must be >= 1"));
  Layer neg = make_conv("c", "x", 4, 3, 1);
  neg.same_padding = false;
  neg.padding.left = -1;
  CHECK(contains(user_error([&] {
                   make_net({make_input("x", 8, 8, 4), neg});
                 }),
                 "padding must not be negative"));
}

TEST_CASE("shape inference: conv groups must divide input and output channels") {
  const std::string msg = user_error([] {
    make_net({make_input("x", 8, 8, 12), make_conv("c", "x", 16, 3, 1, 8)});
  });
  CHECK(contains(
      msg, "test: c: groups (8) must divide both the input channels (12) and out_channels (16)"));
  const Network ok = make_net({make_input("x", 8, 8, 12), make_conv("c", "x", 24, 3, 1, 4)});
  CHECK(out_of(ok, "c").c == 24);
}

TEST_CASE("shape inference: conv out_channels must be >= 1") {
  CHECK(contains(user_error([] {
                   make_net({make_input("x", 8, 8, 4), make_conv("c", "x", 0, 3)});
                 }),
                 "out_channels must be >= 1, got 0"));
}

TEST_CASE("shape inference: depthwise is groups == in channels == out channels") {
  const Network net = make_net({make_input("x", 8, 8, 32), make_conv("dw", "x", 32, 3, 1, 32),
                                make_conv("g", "x", 32, 3, 1, 16), make_conv("pw", "x", 32, 1)});
  CHECK(is_depthwise(net, net.index_of("dw")));
  CHECK_FALSE(is_depthwise(net, net.index_of("g")));
  CHECK_FALSE(is_depthwise(net, net.index_of("pw")));
  CHECK_FALSE(is_depthwise(net, net.index_of("x")));
}

TEST_CASE("shape inference: fully_connected flattens h*w*c to 1x1xout") {
  Layer fc = make_layer("fc", OpKind::FullyConnected, {"x"});
  fc.out_channels = 10;
  const Network net = make_net({make_input("x", 7, 7, 64), fc});
  CHECK(out_of(net, "fc") == Shape{1, 1, 10});
  fc.out_channels = 0;
  CHECK(contains(user_error([&] {
                   make_net({make_input("x", 7, 7, 64), fc});
                 }),
                 "out_channels must be >= 1"));
}

TEST_CASE("shape inference: add of equal shapes keeps the shape") {
  const Network net = make_net({make_input("a", 56, 56, 24), make_input("b", 56, 56, 24),
                                make_layer("s", OpKind::Add, {"a", "b"})});
  CHECK(out_of(net, "s") == Shape{56, 56, 24});
}

TEST_CASE("shape inference: add/mul broadcast a 1x1xC second operand") {
  const Network net = make_net({make_input("a", 14, 14, 96), make_input("se", 1, 1, 96),
                                make_layer("m", OpKind::Mul, {"a", "se"}),
                                make_layer("s", OpKind::Add, {"a", "se"})});
  CHECK(out_of(net, "m") == Shape{14, 14, 96});
  CHECK(out_of(net, "s") == Shape{14, 14, 96});
}

TEST_CASE("shape inference: only the second add/mul operand may broadcast") {
  const std::string msg = user_error([] {
    make_net({make_input("a", 14, 14, 96), make_input("se", 1, 1, 96),
              make_layer("m", OpKind::Mul, {"se", "a"})});
  });
  CHECK(contains(msg, "shape mismatch: input 'se' is 1x1x96 but input 'a' is 14x14x96"));
}

TEST_CASE("shape inference: add of different shapes is a shape mismatch naming both inputs") {
  const std::string msg = user_error([] {
    make_net({make_input("a", 56, 56, 24), make_input("b", 28, 28, 24),
              make_layer("s", OpKind::Add, {"a", "b"})});
  });
  CHECK(msg == "test: s: shape mismatch: input 'a' is 56x56x24 but input 'b' is 28x28x24");
}

TEST_CASE("shape inference: add and mul take exactly 2 inputs") {
  const std::string msg = user_error([] {
    make_net({make_input("a", 4, 4, 4), make_layer("s", OpKind::Add, {"a"})});
  });
  CHECK(msg == "test: s: add takes exactly 2 inputs, got 1");
  CHECK(contains(
      user_error([] {
        make_net({make_input("a", 4, 4, 4), make_layer("m", OpKind::Mul, {"a", "a", "a"})});
      }),
      "mul takes exactly 2 inputs, got 3"));
}

TEST_CASE("shape inference: single-input ops take exactly 1 input") {
  for (OpKind op : {OpKind::Conv2d, OpKind::FullyConnected, OpKind::MaxPool, OpKind::AvgPool,
                    OpKind::GlobalAvgPool, OpKind::Resize}) {
    Layer l = make_window("l", op, "a", 1, 1, 4);
    l.inputs = {"a", "b"};
    l.out_h = l.out_w = 2;
    const std::string msg = user_error([&] {
      make_net({make_input("a", 4, 4, 4), make_input("b", 4, 4, 4), l});
    });
    CHECK(msg == "test: l: " + std::string(op_name(op)) + " takes exactly 1 input, got 2");
    l.inputs.clear();
    CHECK(contains(user_error([&] { make_net({make_input("a", 4, 4, 4), l}); }), "got 0"));
  }
}

TEST_CASE("shape inference: pools keep channels and follow the window rules") {
  const Network net =
      make_net({make_input("x", 112, 112, 64), make_window("max", OpKind::MaxPool, "x", 3, 2),
                make_window("avg", OpKind::AvgPool, "x", 2, 2)});
  CHECK(out_of(net, "max") == Shape{56, 56, 64});
  CHECK(out_of(net, "avg") == Shape{56, 56, 64});
}

TEST_CASE("shape inference: global_avgpool gives 1x1xC") {
  const Network net =
      make_net({make_input("x", 7, 7, 1280), make_layer("g", OpKind::GlobalAvgPool, {"x"})});
  CHECK(out_of(net, "g") == Shape{1, 1, 1280});
}

TEST_CASE("shape inference: concat sums channels of inputs with equal h and w") {
  const Network net =
      make_net({make_input("a", 28, 28, 16), make_input("b", 28, 28, 8),
                make_input("c", 28, 28, 40), make_layer("cat", OpKind::Concat, {"a", "b", "c"})});
  CHECK(out_of(net, "cat") == Shape{28, 28, 64});
  const std::string msg = user_error([] {
    make_net({make_input("a", 28, 28, 16), make_input("b", 14, 14, 8),
              make_layer("cat", OpKind::Concat, {"a", "b"})});
  });
  CHECK(contains(msg, "shape mismatch"));
  CHECK(contains(msg, "input 'b' is 14x14x8"));
  CHECK(contains(user_error([] {
                   make_net({make_input("a", 4, 4, 4), make_layer("cat", OpKind::Concat, {"a"})});
                 }),
                 "concat takes at least 2 inputs, got 1"));
}

TEST_CASE("shape inference: resize produces out_h x out_w and keeps channels") {
  Layer r = make_layer("r", OpKind::Resize, {"x"});
  r.out_h = 64;
  r.out_w = 48;
  const Network net = make_net({make_input("x", 32, 32, 5), r});
  CHECK(out_of(net, "r") == Shape{64, 48, 5});
  r.out_w = 0;
  CHECK(contains(user_error([&] {
                   make_net({make_input("x", 32, 32, 5), r});
                 }),
                 "resize output size must be >= 1, got 64x0"));
}

TEST_CASE("shape inference: an input takes no inputs and needs a positive shape") {
  Layer in = make_input("x", 4, 4, 4);
  in.inputs = {"y"};
  CHECK(contains(user_error([&] {
                   make_net({make_input("y", 4, 4, 4), in});
                 }),
                 "an input layer takes no inputs, got 1"));
  CHECK(user_error([] { make_net({make_input("x", 0, 4, 3)}); }) ==
        "test: x: input shape must be positive, got 0x4x3");
}

TEST_CASE("shape inference: epilogues belong to conv2d and fully_connected only") {
  Layer add = make_layer("s", OpKind::Add, {"a", "a"});
  add.epilogue.activation = Activation::Relu;
  CHECK(contains(user_error([&] {
                   make_net({make_input("a", 4, 4, 4), add});
                 }),
                 "an epilogue is only allowed on conv2d and fully_connected, not add"));
}

TEST_CASE("shape inference: errors without an origin name the layer") {
  Layer c = make_conv("c", "x", 0, 3);
  c.origin.clear();
  CHECK(contains(user_error([&] { make_net({make_input("x", 8, 8, 4), c}); }), "layer 'c': "));
}
