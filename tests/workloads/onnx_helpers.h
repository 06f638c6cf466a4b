// Importing OnnxBuilder models in the workloads tests.
#ifndef ACCELNAS_TESTS_WORKLOADS_ONNX_HELPERS_H
#define ACCELNAS_TESTS_WORKLOADS_ONNX_HELPERS_H

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/workloads/helpers.h"
#include "tests/workloads/onnx_builder.h"
#include "workloads/onnx/onnx_import.h"

namespace accelnas::onnx_test {

using test_util::contains;
using test_util::user_error;

struct Imported {
  wl::Network net;
  std::vector<std::string> warnings;
};

// Writes `b` to a scratch file named `file` and imports it, collecting the warnings.
inline Imported import_model(const OnnxBuilder& b, wl::OnnxOptions options = {},
                             const std::string& file = "model.onnx") {
  const ScratchDir dir;
  Imported r;
  options.warn = [&r](const std::string& line) { r.warnings.push_back(line); };
  r.net = wl::import_onnx(b.write(dir.file(file)), options);
  return r;
}

// The UserError message of importing `b`, or "<no error>".
inline std::string import_error(const OnnxBuilder& b, wl::OnnxOptions options = {}) {
  return test_util::user_error([&] { import_model(b, std::move(options)); });
}

// The layers other than inputs, in topological order.
inline std::vector<wl::Layer> body(const wl::Network& net) {
  std::vector<wl::Layer> out;
  for (std::size_t i : net.order()) {
    if (net.layer(i).op != wl::OpKind::Input) out.push_back(net.layer(i));
  }
  return out;
}

inline std::vector<std::string> ops_of(const wl::Network& net) {
  std::vector<std::string> out;
  for (const auto& l : body(net)) out.push_back(wl::op_name(l.op));
  return out;
}

inline std::string epilogue_text(const wl::Epilogue& e) {
  std::string s = e.bias ? "bias" : "";
  if (e.batchnorm) s += s.empty() ? "bn" : ",bn";
  if (e.activation != wl::Activation::None)
    s += (s.empty() ? "" : ",") + std::string(wl::activation_name(e.activation));
  return s;
}

// Checks that `onnx` and `zoo` have the same layers in topological order: op, output shape,
// MACs, params, epilogue, block, block type and role (names may differ).
inline void check_same_layer_table(const wl::Network& onnx, const wl::Network& zoo) {
  REQUIRE(onnx.size() == zoo.size());
  for (std::size_t k = 0; k < zoo.size(); ++k) {
    const std::size_t i = onnx.order()[k], j = zoo.order()[k];
    const wl::Layer &a = onnx.layer(i), &z = zoo.layer(j);
    INFO("layer " << k << ": imported '" << a.name << "', zoo '" << z.name << "'");
    CHECK(a.op == z.op);
    CHECK(a.out == z.out);
    CHECK(wl::layer_macs(onnx, i) == wl::layer_macs(zoo, j));
    CHECK(wl::layer_params(onnx, i) == wl::layer_params(zoo, j));
    CHECK(epilogue_text(a.epilogue) == epilogue_text(z.epilogue));
    CHECK(a.block == z.block);
    CHECK(a.block_type == z.block_type);
    CHECK(a.role == z.role);
  }
  CHECK(wl::total_macs(onnx) == wl::total_macs(zoo));
  CHECK(wl::total_params(onnx) == wl::total_params(zoo));
}

}  // namespace accelnas::onnx_test

#endif  // ACCELNAS_TESTS_WORKLOADS_ONNX_HELPERS_H
