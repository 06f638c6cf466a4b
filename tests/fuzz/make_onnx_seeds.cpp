// Writes the ONNX fuzz seeds: small graphs covering the importer's operator families, built like
// the importer's tests build theirs (tests/workloads/onnx_builder.h), each a few KB.
#include <iostream>
#include <string>

#include "tests/workloads/onnx_builder.h"

using accelnas::onnx_test::OnnxBuilder;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_onnx_seeds DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  {  // Conv + BatchNormalization + Relu, a pool, Flatten and Gemm
    OnnxBuilder b;
    std::string x = b.input("image", {1, 3, 16, 16});
    x = b.op("Relu", {b.bn(b.conv(x, 8, 3, 2, 1))});
    x = b.pool("MaxPool", x, 2, 2);
    x = b.flatten(b.op("GlobalAveragePool", {x}));
    b.output(b.gemm(x, 8, 4));
    b.write(dir + "/conv_pool_gemm.onnx");
  }
  {  // an inverted residual: 1x1, depthwise 3x3 with Clip, 1x1 and an Add
    OnnxBuilder b(11);
    std::string x = b.input("input", {1, 8, 8, 8});
    std::string y = b.clip(b.bn(b.conv(x, 16, 1)));
    y = b.clip(b.bn(b.dwconv(y, 3, 1)));
    y = b.bn(b.conv(y, 8, 1));
    b.output(b.op("Add", {x, y}));
    b.write(dir + "/inverted_residual.onnx");
  }
  {  // Concat of two branches, HardSwish, Sigmoid gate (opset 14)
    OnnxBuilder b(14);
    std::string x = b.input("x", {1, 4, 8, 8});
    const std::string a = b.op("HardSwish", {b.conv(x, 4, 3, 1, 1)});
    const std::string c = b.op("Sigmoid", {b.conv(x, 4, 1)});
    b.output(b.concat({a, c}));
    b.write(dir + "/concat_activations.onnx");
  }
  return 0;
}
