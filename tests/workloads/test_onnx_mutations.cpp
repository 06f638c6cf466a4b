// ONNX import (wl::import_onnx_bytes): no file crashes the process. Seeded mutations of the
// tests' models and of the reproducers in tests/data/onnx (byte flips, truncation, deleted and
// swapped nodes, attributes and dimensions set to 0, -1 or huge values, rewired inputs) are each
// imported or refused with one UserError line. A deterministic, seconds-long stand-in for the
// fuzz target, run with every test.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>

#include "tests/workloads/onnx_helpers.h"
#include "tests/workloads/onnx_models.h"

using namespace accelnas;
using namespace accelnas::onnx_test;

namespace {

constexpr std::int64_t kExtremes[] = {0,
                                      -1,
                                      2,
                                      std::int64_t{1} << 31,
                                      std::int64_t{1} << 62,
                                      std::numeric_limits<std::int64_t>::max(),
                                      std::numeric_limits<std::int64_t>::min()};

std::vector<onnx::ModelProto> seed_models() {
  std::vector<onnx::ModelProto> seeds;
  {
    OnnxBuilder b;
    std::string x = b.input("image", {1, 3, 16, 16});
    x = b.clip(b.bn(b.conv(x, 8, 3, 2, 1)));
    const std::string skip = x;
    x = b.op("Relu", {b.dwconv(x, 3, 1)});
    x = b.op("Add", {x, skip});
    x = b.pool("AveragePool", x, 2, 2, 0, true);
    x = b.gemm(b.flatten(b.op("GlobalAveragePool", {x})), 8, 4);
    b.output(b.op("Softmax", {x}));
    seeds.push_back(b.model());
  }
  {
    OnnxBuilder b;  // Pad, Concat, Split, Reshape, Resize and shape arithmetic
    std::string x = b.input("image", {-1, 4, 8, 8}, {"N"});
    onnx::NodeProto& pad = b.node("Pad", {x, b.int_constant({0, 0, 1, 1, 0, 0, 1, 1})});
    x = b.conv(pad.output(0), 8, 3);
    onnx::NodeProto& split = b.node("Split", {x, b.int_constant({4, 4})}, 2);
    OnnxBuilder::attr(split, "axis", std::int64_t{1});
    b.set_channels(split.output(0), 4);
    b.set_channels(split.output(1), 4);
    x = b.concat({split.output(1), split.output(0)});
    const std::string shape = b.op("Shape", {x});
    x = b.op("Reshape", {x, shape});
    onnx::NodeProto& resize = b.node("Resize", {x, "", b.weight({4}, {1.0f, 1.0f, 2.0f, 2.0f})});
    OnnxBuilder::attr(resize, "mode", std::string("nearest"));
    b.output(resize.output(0));
    seeds.push_back(b.model());
  }
  {
    OnnxBuilder b;
    mobilenet_v3_small(b, 32);
    seeds.push_back(b.model());
  }
  const std::filesystem::path data = std::string(ACCELNAS_SOURCE_DIR) + "/tests/data/onnx";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(data)) files.push_back(entry);
  std::sort(files.begin(), files.end());  // directory order is not deterministic
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), {}};
    onnx::ModelProto m;
    if (m.ParseFromString(bytes)) seeds.push_back(m);
  }
  return seeds;
}

template <class T>
T pick(std::mt19937_64& rng, T n) {  // uniform in [0, n), n > 0
  return static_cast<T>(rng() % static_cast<std::uint64_t>(n));
}

// One structural mutation of `m`; false when it found nothing to change.
bool mutate_model(onnx::ModelProto& m, std::mt19937_64& rng) {
  onnx::GraphProto& g = *m.mutable_graph();
  const int nodes = g.node_size();
  if (nodes == 0) return false;
  onnx::NodeProto& n = *g.mutable_node(pick(rng, nodes));
  switch (pick(rng, 9)) {
    case 0:  // delete a node
      g.mutable_node()->DeleteSubrange(pick(rng, nodes), 1);
      return true;
    case 1:  // swap two nodes
      g.mutable_node()->SwapElements(pick(rng, nodes), pick(rng, nodes));
      return true;
    case 2: {  // an integer attribute (or one element of a list) set to an extreme
      if (n.attribute_size() == 0) return false;
      onnx::AttributeProto& a = *n.mutable_attribute(pick(rng, n.attribute_size()));
      const std::int64_t v = kExtremes[pick<std::size_t>(rng, std::size(kExtremes))];
      if (a.ints_size() > 0) {
        a.set_ints(pick(rng, a.ints_size()), v);
      } else {
        a.set_i(v);
      }
      return true;
    }
    case 3: {  // an input dropped, emptied, or read from another tensor
      if (n.input_size() == 0) return false;
      const int k = pick(rng, n.input_size());
      const int how = pick(rng, 3);
      if (how == 0) {
        n.mutable_input()->DeleteSubrange(k, n.input_size() - k);
      } else if (how == 1) {
        n.set_input(k, "");
      } else {
        const onnx::NodeProto& other = g.node(pick(rng, nodes));
        if (other.output_size() > 0) n.set_input(k, other.output(pick(rng, other.output_size())));
      }
      return true;
    }
    case 4: {  // a graph input dimension set to an extreme
      if (g.input_size() == 0) return false;
      auto* shape = g.mutable_input(pick(rng, g.input_size()))
                        ->mutable_type()
                        ->mutable_tensor_type()
                        ->mutable_shape();
      if (shape->dim_size() == 0) return false;
      shape->mutable_dim(pick(rng, shape->dim_size()))
          ->set_dim_value(kExtremes[pick<std::size_t>(rng, std::size(kExtremes))]);
      return true;
    }
    case 5: {  // an initializer dimension set to an extreme, or the initializer removed
      if (g.initializer_size() == 0) return false;
      const int i = pick(rng, g.initializer_size());
      onnx::TensorProto& t = *g.mutable_initializer(i);
      if (t.dims_size() == 0 || pick(rng, 4) == 0) {
        g.mutable_initializer()->DeleteSubrange(i, 1);
      } else {
        t.set_dims(pick(rng, t.dims_size()),
                   kExtremes[pick<std::size_t>(rng, std::size(kExtremes))]);
      }
      return true;
    }
    case 6: {  // the operator replaced by another
      static const char* kOps[] = {"Conv",    "MaxPool", "Gemm",  "MatMul",  "Reshape", "Shape",
                                   "Concat",  "Split",   "Slice", "Resize",  "Pad",     "Add",
                                   "Flatten", "Clip",    "If",    "Squeeze", "Gather",  "Erf"};
      n.set_op_type(kOps[pick<std::size_t>(rng, std::size(kOps))]);
      return true;
    }
    case 7:  // outputs removed or doubled
      if (pick(rng, 2) == 0) {
        n.clear_output();
      } else if (n.output_size() > 0) {
        n.add_output(n.output(0));
      }
      return true;
    default:  // the opset
      if (m.opset_import_size() == 0) return false;
      m.mutable_opset_import(0)->set_version(
          kExtremes[pick<std::size_t>(rng, std::size(kExtremes))]);
      return true;
  }
}

// Byte-level damage: flips, truncation or inserted bytes.
void mutate_bytes(std::string& bytes, std::mt19937_64& rng) {
  if (bytes.empty()) return;
  switch (pick(rng, 3)) {
    case 0:
      for (int k = 0, flips = 1 + pick(rng, 8); k < flips; ++k)
        bytes[pick(rng, bytes.size())] ^= static_cast<char>(1 + pick(rng, 255));
      break;
    case 1:
      bytes.resize(pick(rng, bytes.size()));
      break;
    default:
      bytes.insert(pick(rng, bytes.size()),
                   std::string(1 + pick(rng, 8), static_cast<char>(rng())));
  }
}

}  // namespace

TEST_CASE(
    "onnx import: seeded mutations of valid and reproducer models import or give one "
    "UserError line, never a crash or another exception") {
  const auto seeds = seed_models();
  REQUIRE(seeds.size() >= 7);
  // ACCELNAS_ONNX_MUTATIONS=N[,SEED] runs N cases per model (default 150, seed 12): a longer hunt.
  int cases_per_seed = 150;
  std::uint64_t seed = 12;
  if (const char* env = std::getenv("ACCELNAS_ONNX_MUTATIONS")) {
    cases_per_seed = std::atoi(env);
    if (const char* comma = std::strchr(env, ',')) seed = std::strtoull(comma + 1, nullptr, 10);
  }
  std::mt19937_64 rng(seed);
  int imported = 0, refused = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t s = 0; s < seeds.size(); ++s) {
    for (int c = 0; c < cases_per_seed; ++c) {
      onnx::ModelProto m = seeds[s];
      for (int k = 0, count = 1 + pick(rng, 3); k < count; ++k) mutate_model(m, rng);
      std::string bytes;
      m.SerializeToString(&bytes);
      if (pick(rng, 4) == 0) mutate_bytes(bytes, rng);
      CAPTURE(s);
      CAPTURE(c);
      wl::OnnxOptions options;
      options.warn = [](const std::string&) {};
      options.allow_unsupported = pick(rng, 2) == 0;
      try {
        wl::import_onnx_bytes(bytes, "mutant.onnx", options);
        ++imported;
      } catch (const UserError& e) {
        ++refused;
        const std::string what = e.what();
        CHECK(what.find('\n') == std::string::npos);
        CHECK(what.rfind("mutant.onnx", 0) == 0);
      } catch (const std::exception& e) {
        FAIL("not a UserError: " << e.what());
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(imported << " imported, " << refused << " refused in " << seconds << " s");
  CHECK(imported > 0);
  CHECK(refused > 0);
}
