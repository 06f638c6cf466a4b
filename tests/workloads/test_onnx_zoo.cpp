// ONNX import against the zoo: torchvision-style exports written in C++ import to the same layer
// table as the zoo's model of the same network.
#include <doctest/doctest.h>

#include "tests/workloads/onnx_helpers.h"
#include "tests/workloads/onnx_models.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using namespace accelnas::onnx_test;

TEST_CASE(
    "onnx import: torchvision-style MobileNetV3-Small has the zoo's layer table, with "
    "HardSwish (opset 14) and with x * HardSigmoid(x) (opset 13)") {
  for (int opset : {13, 14}) {
    CAPTURE(opset);
    OnnxBuilder b(opset);
    mobilenet_v3_small(b);
    const Imported r = import_model(b);
    check_same_layer_table(r.net, wl::build_zoo("mobilenet_v3_small"));
    CHECK(r.warnings.empty());
  }
}

TEST_CASE(
    "onnx import: torchvision-style MobileNetV2 at 160x160 and at 32x32 (last stages on "
    "1x1 maps stay conv2d) has the zoo's layer table") {
  for (int resolution : {160, 32}) {
    CAPTURE(resolution);
    OnnxBuilder b;
    mobilenet_v2(b, resolution);
    check_same_layer_table(import_model(b).net,
                           wl::build_zoo("mobilenet_v2:resolution=" + std::to_string(resolution)));
  }
}
