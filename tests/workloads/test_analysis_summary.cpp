// Network summary (analysis/summary.h): the per-layer figures and totals behind `accelnas info`.
#include <doctest/doctest.h>

#include "tests/workloads/helpers.h"
#include "workloads/analysis/summary.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

const LayerSummary& row(const NetworkSummary& s, const std::string& name) {
  for (const auto& l : s.layers) {
    if (l.name == name) return l;
  }
  FAIL("no row " << name);
  return s.layers.front();
}

}  // namespace

TEST_CASE("summary: totals are the sums of the layers and match the network's arithmetic") {
  for (const auto& e : zoo_entries()) {
    INFO(e.name);
    const Network net = build_zoo(e.name);
    const NetworkSummary s = summarize(net);
    REQUIRE(s.layers.size() == net.size());
    std::int64_t macs = 0, params = 0, weights = 0, peak = 0;
    for (const auto& l : s.layers) {
      macs += l.macs;
      params += l.params;
      weights += l.weight_bytes;
      peak = std::max(peak, l.live_bytes);
    }
    CHECK(s.macs == macs);
    CHECK(s.params == params);
    CHECK(s.weight_bytes == weights);
    CHECK(s.macs == total_macs(net));
    CHECK(s.params == total_params(net));
    CHECK(s.peak_activation_bytes == peak);
    CHECK(s.peak_activation_bytes == peak_activation_bytes(net));
  }
}

TEST_CASE(
    "summary: tiny's rows give shapes, bytes and block roles - the peak is at its depthwise") {
  const NetworkSummary s = summarize(build_zoo("tiny"));
  CHECK(s.layers.front().name == "image");
  const LayerSummary& add = row(s, "ibn1_add");
  REQUIRE(add.input_shapes.size() == 2);
  CHECK(add.input_shapes[0] == Shape{16, 16, 16});
  CHECK(add.output == Shape{16, 16, 16});
  CHECK(add.block == "ibn1");
  CHECK(add.block_type == "ibn");
  const LayerSummary& dw = row(s, "ibn1_dw");
  CHECK(dw.macs == 16 * 16 * 64 * 9);
  CHECK(dw.params == 64 * 9 + 64);
  CHECK(dw.weight_bytes == dw.params);
  CHECK(dw.output_bytes == 16 * 16 * 64);
  // stem (the skip, 4096) + expand (16384) + dw (16384)
  CHECK(dw.live_bytes == 36864);
  CHECK(s.peak_activation_bytes == 36864);
  CHECK(s.peak_layer == "ibn1_dw");
  CHECK_FALSE(s.min_order.differs);
}

TEST_CASE("summary: the batch scales MACs and activations, not parameters or weight bytes") {
  const Network net = build_zoo("tiny");
  MemoryOptions opt;
  opt.batch = 4;
  const NetworkSummary one = summarize(net), four = summarize(net, opt);
  CHECK(four.macs == 4 * one.macs);
  CHECK(four.params == one.params);
  CHECK(four.weight_bytes == one.weight_bytes);
  CHECK(four.peak_activation_bytes == 4 * one.peak_activation_bytes);
  CHECK(row(four, "stem").output_bytes == 4 * row(one, "stem").output_bytes);
}

TEST_CASE("summary: a 2-byte precision doubles weight and activation bytes") {
  const Network net = build_zoo("tiny");
  MemoryOptions opt;
  opt.precision = Precision::Bf16;
  const NetworkSummary s8 = summarize(net), s16 = summarize(net, opt);
  CHECK(s16.weight_bytes == 2 * s8.weight_bytes);
  CHECK(s16.peak_activation_bytes == 2 * s8.peak_activation_bytes);
  CHECK(row(s16, "stem").precision == Precision::Bf16);
}

TEST_CASE("summary: batch 0 is a UserError naming the batch") {
  MemoryOptions opt;
  opt.batch = 0;
  CHECK(contains(user_error([&] { summarize(build_zoo("tiny"), opt); }), "batch"));
}
