// Every bad network file is one located UserError: "<file>:<line>: <where>: <reason>" (loader.h).
#include <doctest/doctest.h>

#include "tests/workloads/helpers.h"
#include "workloads/loader.h"

using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

// Loads `text` as "bad.yaml" and returns the error message.
std::string load_error(const std::string& text) {
  return user_error([&] { load_network_string(text, "bad.yaml"); });
}

const std::string kHead =
    "layers:\n"
    "  - {name: x, op: input, shape: [8, 8, 4]}\n";  // lines 1-2; the next layer is on line 3

}  // namespace

TEST_CASE("loader errors: malformed YAML gives file, line and column") {
  const std::string msg = load_error("layers:\n  - {name: x, op: input\n");
  INFO(msg);
  // The flow map is still open at the end of the file: the error points at the last line.
  CHECK(contains(msg, "bad.yaml:2: malformed YAML: "));
  CHECK(contains(msg, "(at end of file)"));
  const std::string mid = load_error("layers:\n  - {name: x, op: input}}\n  - {name: y}\n");
  INFO(mid);
  CHECK(contains(mid, "bad.yaml:2:"));
}

TEST_CASE("loader errors: an unknown top-level key is rejected at its line") {
  const std::string msg = load_error("name: n\nbatch: 4\n" + kHead);
  CHECK(contains(msg, "bad.yaml:2: batch: unknown key (allowed here: name, precision, layers)"));
}

TEST_CASE("loader errors: a key the op does not take is rejected at its line") {
  const std::string msg = load_error(kHead +
                                     "  - name: p\n"
                                     "    op: maxpool\n"
                                     "    input: x\n"
                                     "    kernel: 2\n"
                                     "    groups: 2\n");
  INFO(msg);
  CHECK(contains(msg, "bad.yaml:7: layers[1].groups: unknown key"));
  CHECK(contains(msg, "kernel, stride, padding"));
}

TEST_CASE("loader errors: an unknown op lists the valid ops") {
  const std::string msg = load_error(kHead + "  - {name: c, op: conv, input: x}\n");
  INFO(msg);
  CHECK(contains(msg, "bad.yaml:3: layers[1].op: unknown op 'conv' (did you mean: conv2d?)"));
  CHECK(contains(msg,
                 "valid ops: input, conv2d, fully_connected, add, mul, maxpool, avgpool, "
                 "global_avgpool, concat, resize, channel_slice"));
}

TEST_CASE("loader errors: wrong value types are located at the key") {
  CHECK(contains(
      load_error(kHead + "  - {name: c, op: conv2d, input: x, out_channels: 8, kernel: three}\n"),
      "bad.yaml:3: layers[1].kernel: expected an integer, got 'three'"));
  CHECK(contains(
      load_error(kHead + "  - {name: c, op: conv2d, input: x, out_channels: [8], kernel: 3}\n"),
      "bad.yaml:3: layers[1].out_channels: expected a single value"));
  CHECK(contains(load_error(kHead + "  - {name: s, op: add, inputs: x}\n"),
                 "bad.yaml:3: layers[1].inputs: expected a list of layer names"));
  CHECK(contains(load_error("layers: {x: 1}\n"), "bad.yaml:1: layers: expected a list"));
}

TEST_CASE("loader errors: zero and negative sizes are rejected with the value") {
  CHECK(contains(
      load_error(kHead + "  - {name: c, op: conv2d, input: x, out_channels: 0, kernel: 3}\n"),
      "bad.yaml:3: layers[1].out_channels: expected an integer between 1 and 16777216, got 0"));
  CHECK(contains(load_error("layers:\n  - {name: x, op: input, shape: [0, 8, 3]}\n"),
                 "bad.yaml:2: layers[0].shape[0]: expected an integer between 1"));
  CHECK(contains(
      load_error(kHead +
                 "  - {name: c, op: conv2d, input: x, out_channels: 4, kernel: 3, stride: -2}\n"),
      "bad.yaml:3: layers[1].stride: expected an integer between 1 and 16777216, got -2"));
  CHECK(contains(load_error(kHead + "  - {name: c, op: conv2d, input: x, out_channels: 4, kernel: "
                                    "3, padding: [0, -1, 0, 0]}\n"),
                 "bad.yaml:3: layers[1].padding[1]: expected an integer between 0"));
  CHECK(contains(load_error(kHead + "  - {name: r, op: resize, input: x, scale: 0}\n"),
                 "bad.yaml:3: layers[1].scale: expected a number > 0, got 0"));
}

TEST_CASE("loader errors: an unknown precision lists the valid ones") {
  CHECK(
      contains(load_error("precision: int4\n" + kHead),
               "bad.yaml:1: precision: unknown precision 'int4' (valid: int8, int16, fp16, bf16)"));
  CHECK(contains(
      load_error(
          kHead +
          "  - {name: c, op: conv2d, input: x, out_channels: 4, kernel: 1, precision: fp8}\n"),
      "bad.yaml:3: layers[1].precision: unknown precision 'fp8'"));
}

TEST_CASE("loader errors: duplicate layer names name both lines") {
  CHECK(load_error(kHead + "  - {name: x, op: input, shape: [8, 8, 4]}\n") ==
        "bad.yaml:3: layers[1] (x): duplicate layer name 'x' (first defined at bad.yaml:2: "
        "layers[0] (x))");
}

TEST_CASE("loader errors: a cycle names the layers on it") {
  CHECK(load_error(kHead + "  - {name: a, op: add, inputs: [x, b]}\n"
                           "  - {name: b, op: conv2d, input: a, out_channels: 4, kernel: 1}\n") ==
        "bad.yaml:3: layers[1] (a): cycle through layers a -> b -> a");
}

TEST_CASE("loader errors: a dangling input names the missing layer") {
  CHECK(load_error(kHead + "  - {name: c, op: conv2d, input: img, out_channels: 4, kernel: 1}\n") ==
        "bad.yaml:3: layers[1] (c): input 'img' is not a layer of this network");
}

TEST_CASE("loader errors: a shape mismatch names both inputs and their shapes") {
  CHECK(load_error(kHead +
                   "  - {name: d, op: conv2d, input: x, out_channels: 4, kernel: 3, stride: 2}\n"
                   "  - {name: s, op: add, inputs: [x, d]}\n") ==
        "bad.yaml:4: layers[2] (s): shape mismatch: input 'x' is 8x8x4 but input 'd' is 4x4x4");
}

TEST_CASE("loader errors: the wrong number of inputs is located at the layer") {
  CHECK(load_error(kHead + "  - {name: s, op: add, inputs: [x]}\n") ==
        "bad.yaml:3: layers[1] (s): add takes exactly 2 inputs, got 1");
}

TEST_CASE("loader errors: a layer gives exactly one of input and inputs") {
  CHECK(contains(load_error(kHead + "  - {name: s, op: add, input: x, inputs: [x, x]}\n"),
                 "bad.yaml:3: layers[1]: give either 'input' or 'inputs', not both"));
  CHECK(contains(load_error(kHead + "  - {name: g, op: global_avgpool}\n"),
                 "bad.yaml:3: layers[1]: missing 'input' (or 'inputs')"));
  CHECK(contains(load_error(kHead + "  - {name: y, op: input, input: x, shape: [1, 1, 1]}\n"),
                 "bad.yaml:3: layers[1].input: unknown key"));
}

TEST_CASE("loader errors: a channel_slice range outside its input names the layer and the range") {
  CHECK(load_error(kHead + "  - {name: s, op: channel_slice, input: x, begin: 2, end: 6}\n") ==
        "bad.yaml:3: layers[1] (s): channel range [2, 6) goes past the input's 4 channels "
        "(need end <= 4)");
  CHECK(load_error(kHead + "  - {name: s, op: channel_slice, input: x, begin: 3, end: 3}\n") ==
        "bad.yaml:3: layers[1] (s): channel range [3, 3) is empty (need begin < end)");
  CHECK(contains(load_error(kHead + "  - {name: s, op: channel_slice, input: x, begin: -1, "
                                    "end: 2}\n"),
                 "bad.yaml:3: layers[1].begin: expected an integer between 0 and"));
  CHECK(
      load_error(kHead + "  - {name: s, op: channel_slice, inputs: [x, x], begin: 0, end: 2}\n") ==
      "bad.yaml:3: layers[1] (s): channel_slice takes exactly 1 input, got 2");
}

TEST_CASE("loader errors: a channel_slice needs begin and end and takes no other key") {
  CHECK(contains(load_error(kHead + "  - {name: s, op: channel_slice, input: x, begin: 0}\n"),
                 "bad.yaml:3: layers[1]: missing 'end'"));
  CHECK(contains(load_error(kHead + "  - {name: s, op: channel_slice, input: x, end: 2}\n"),
                 "bad.yaml:3: layers[1]: missing 'begin'"));
  const std::string msg = load_error(
      kHead + "  - {name: s, op: channel_slice, input: x, begin: 0, end: 2, channels: 2}\n");
  CHECK(contains(msg, "bad.yaml:3: layers[1].channels: unknown key"));
  CHECK(contains(msg, "begin, end"));
}

TEST_CASE("loader errors: required attributes are named when missing") {
  CHECK(contains(load_error("layers:\n  - {op: input, shape: [1, 1, 1]}\n"),
                 "bad.yaml:2: layers[0]: missing 'name'"));
  CHECK(contains(load_error("layers:\n  - {name: x}\n"), "bad.yaml:2: layers[0]: missing 'op'"));
  CHECK(contains(load_error("layers:\n  - {name: x, op: input}\n"),
                 "bad.yaml:2: layers[0]: missing 'shape'"));
  CHECK(contains(load_error(kHead + "  - {name: c, op: conv2d, input: x, kernel: 1}\n"),
                 "bad.yaml:3: layers[1]: missing 'out_channels'"));
  CHECK(contains(load_error(kHead + "  - {name: c, op: conv2d, input: x, out_channels: 4}\n"),
                 "bad.yaml:3: layers[1]: missing 'kernel'"));
  CHECK(contains(load_error(kHead + "  - {name: r, op: resize, input: x}\n"),
                 "bad.yaml:3: layers[1]: missing 'size' (or 'scale')"));
}

TEST_CASE("loader errors: an epilogue has known steps and at most one activation") {
  CHECK(contains(load_error(kHead + "  - {name: c, op: conv2d, input: x, out_channels: 4, kernel: "
                                    "1, epilogue: [bn, relu, relu6]}\n"),
                 "bad.yaml:3: layers[1].epilogue[2]: at most one activation per epilogue"));
  CHECK(contains(
      load_error(
          kHead +
          "  - {name: c, op: conv2d, input: x, out_channels: 4, kernel: 1, epilogue: [gelu]}\n"),
      "bad.yaml:3: layers[1].epilogue[0]: unknown epilogue step 'gelu'"));
  CHECK(contains(
      load_error(
          kHead +
          "  - {name: c, op: conv2d, input: x, out_channels: 4, kernel: 1, epilogue: [bn, bn]}\n"),
      "'bn' is listed twice"));
}

TEST_CASE("loader errors: padding and resize mode take only their listed words") {
  CHECK(contains(
      load_error(
          kHead +
          "  - {name: c, op: conv2d, input: x, out_channels: 4, kernel: 1, padding: SAME}\n"),
      "bad.yaml:3: layers[1].padding: expected an integer, got 'SAME'"));
  CHECK(contains(
      load_error(kHead + "  - {name: r, op: resize, input: x, size: [2, 2], mode: cubic}\n"),
      "bad.yaml:3: layers[1].mode: unknown resize mode 'cubic' (valid: nearest, bilinear)"));
  CHECK(
      contains(load_error(kHead + "  - {name: r, op: resize, input: x, size: [2, 2], scale: 2}\n"),
               "give either 'size' or 'scale', not both"));
}

TEST_CASE("loader errors: a network needs a non-empty layers list") {
  CHECK(contains(load_error("name: n\n"), "bad.yaml:1: layers: missing"));
  CHECK(contains(load_error("layers: []\n"),
                 "bad.yaml:1: layers: a network needs at least one layer"));
  CHECK(contains(load_error(""), "bad.yaml:1:"));
}

TEST_CASE("loader errors: block_type needs a block id") {
  CHECK(
      contains(load_error(kHead + "  - {name: g, op: global_avgpool, input: x, block_type: se}\n"),
               "bad.yaml:3: layers[1].block_type: needs a 'block' id as well"));
}
