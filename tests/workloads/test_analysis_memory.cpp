// Activation memory (analysis/memory.h): liveness, peak and the min-peak order search.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <random>

#include "tests/workloads/helpers.h"
#include "workloads/analysis/memory.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

// 1x1 tensors make byte counts equal channel counts at int8.
Layer pw(const std::string& name, const std::string& in, std::int64_t c) {
  return make_conv(name, in, c, 1);
}

Layer concat(const std::string& name, std::vector<std::string> ins) {
  return make_layer(name, OpKind::Concat, std::move(ins));
}

std::vector<std::size_t> by_names(const Network& net, const std::vector<std::string>& names) {
  std::vector<std::size_t> order;
  for (const auto& n : names) order.push_back(net.index_of(n));
  return order;
}

std::vector<std::string> names_of(const Network& net, const std::vector<std::size_t>& order) {
  std::vector<std::string> names;
  for (std::size_t i : order) names.push_back(net.layer(i).name);
  return names;
}

// Two branches that each grow to 1000 channels and shrink to 10; indices put both big layers
// first, so the default order holds both at once.
Network two_branch() {
  return make_net({make_input("x", 1, 1, 16), pw("a1", "x", 1000), pw("b1", "x", 1000),
                   pw("a2", "a1", 10), pw("b2", "b1", 10), concat("cat", {"a2", "b2"})});
}

// The smallest peak over every topological order, by enumeration.
std::int64_t brute_force_min_peak(const Network& net) {
  std::vector<std::size_t> order;
  std::vector<bool> done(net.size(), false);
  std::int64_t best = -1;
  std::function<void()> rec = [&]() {
    if (order.size() == net.size()) {
      const std::int64_t p = peak_activation_bytes(net, order);
      if (best < 0 || p < best) best = p;
      return;
    }
    for (std::size_t v = 0; v < net.size(); ++v) {
      if (done[v]) continue;
      const auto prods = net.producers(v);
      if (!std::all_of(prods.begin(), prods.end(), [&](std::size_t p) { return done[p]; })) {
        continue;
      }
      done[v] = true;
      order.push_back(v);
      rec();
      order.pop_back();
      done[v] = false;
    }
  };
  rec();
  return best;
}

// A random DAG of 1x1 convs and concats over 1..2 inputs, deterministic in `seed`.
Network random_dag(unsigned seed, int layers) {
  std::mt19937 rng(seed);
  std::vector<Layer> ls = {make_input("in0", 1, 1, 8)};
  if (rng() % 2 == 0) ls.push_back(make_input("in1", 1, 1, 4));
  for (int k = 0; static_cast<int>(ls.size()) < layers; ++k) {
    const std::string name = "n" + std::to_string(k);
    const std::string a = ls[rng() % ls.size()].name;
    if (rng() % 3 == 0) {
      const std::string b = ls[rng() % ls.size()].name;
      ls.push_back(concat(name, {a, b}));
    } else {
      ls.push_back(pw(name, a, 1 + static_cast<std::int64_t>(rng() % 64)));
    }
  }
  return make_net(ls);
}

}  // namespace

TEST_CASE("analysis bytes per element: int8 is 1 byte, int16 / fp16 / bf16 are 2") {
  CHECK(analysis_bytes_per_element(Precision::Int8) == 1);
  CHECK(analysis_bytes_per_element(Precision::Int16) == 2);
  CHECK(analysis_bytes_per_element(Precision::Fp16) == 2);
  CHECK(analysis_bytes_per_element(Precision::Bf16) == 2);
}

TEST_CASE("liveness: a chain holds each layer's input and output, nothing older") {
  const Network net = make_net(
      {make_input("image", 8, 8, 4), make_conv("a", "image", 8, 3), make_conv("b", "a", 2, 3)});
  CHECK(live_bytes_per_step(net, net.order()) == std::vector<std::int64_t>{256, 768, 640});
  CHECK(peak_activation_bytes(net) == 768);
}

TEST_CASE("liveness: a residual skip tensor stays live across its whole block") {
  const Network net = make_net({make_input("in", 8, 8, 8), make_conv("expand", "in", 32, 1),
                                make_conv("project", "expand", 8, 1),
                                make_layer("add", OpKind::Add, {"in", "project"})});
  // in 512, expand 2048, project 512, add 512: `in` is held until the add.
  CHECK(live_bytes_per_step(net, net.order()) == std::vector<std::int64_t>{512, 2560, 3072, 1536});
  CHECK(peak_activation_bytes(net) == 3072);
}

TEST_CASE("liveness: network inputs are live from step 0, outputs until the last step") {
  const Network net =
      make_net({make_input("a", 1, 1, 100), pw("early", "a", 30), pw("mid", "a", 40),
                make_input("b", 1, 1, 50), concat("cat", {"mid", "b"})});
  // `b` counts from step 0 although its input layer runs at step 3; the unconsumed `early` is
  // an output and stays to the end.
  CHECK(live_bytes_per_step(net, net.order()) ==
        std::vector<std::int64_t>{150, 180, 220, 120, 210});
}

TEST_CASE("liveness: bytes scale with the batch and with a wider precision") {
  const Network net = make_net({make_input("image", 8, 8, 4), make_conv("a", "image", 8, 3)});
  MemoryOptions opt;
  opt.batch = 3;
  CHECK(peak_activation_bytes(net, opt) == 3 * 768);
  opt.precision = Precision::Fp16;
  CHECK(peak_activation_bytes(net, opt) == 2 * 3 * 768);
  CHECK(tensor_bytes(net, net.index_of("a"), opt) == 2 * 3 * 512);
}

TEST_CASE("liveness: an order that is not a topological permutation is a UserError") {
  const Network net = two_branch();
  CHECK(contains(user_error([&] {
                   peak_activation_bytes(net, by_names(net, {"x", "a2"}));
                 }),
                 "lists 2 layers"));
  CHECK(contains(user_error([&] {
                   peak_activation_bytes(net, by_names(net, {"x", "a2", "a1", "b1", "b2", "cat"}));
                 }),
                 "'a2' runs before its input 'a1'"));
  CHECK(contains(user_error([&] {
                   peak_activation_bytes(net, by_names(net, {"x", "a1", "a1", "b1", "b2", "cat"}));
                 }),
                 "twice"));
}

TEST_CASE("min_peak_order: finishing one branch before starting the other lowers the peak") {
  const Network net = two_branch();
  // Default x, a1, b1, a2, b2, cat holds x + a1 + b1 at b1.
  CHECK(peak_activation_bytes(net) == 2016);
  const MinPeakOrder r = min_peak_order(net);
  CHECK(r.default_peak_bytes == 2016);
  CHECK(r.peak_bytes == 1026);  // x + a2 + b1 (or x + a1 + a2)
  CHECK(r.exact);
  CHECK(r.differs);
  CHECK(names_of(net, r.order) == std::vector<std::string>{"x", "a1", "a2", "b1", "b2", "cat"});
  CHECK(peak_activation_bytes(net, r.order) == r.peak_bytes);
  CHECK(contains(r.method(), "exact"));
}

TEST_CASE("min_peak_order: the exact search matches enumeration of all orders on random DAGs") {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    const Network net = random_dag(seed, 8);
    const MinPeakOrder r = min_peak_order(net);
    INFO("seed " << seed);
    CHECK(r.exact);
    CHECK(r.peak_bytes == brute_force_min_peak(net));
    CHECK(peak_activation_bytes(net, r.order) == r.peak_bytes);
    CHECK(r.differs == (r.order != net.order()));
  }
}

TEST_CASE("min_peak_order: past the state budget a beam search gives a valid order, no worse") {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const Network net = random_dag(seed, 9);
    OrderSearchOptions tight;
    tight.max_states = 2;
    tight.beam_width = 2;
    const MinPeakOrder r = min_peak_order(net, {}, tight);
    INFO("seed " << seed);
    CHECK(peak_activation_bytes(net, r.order) == r.peak_bytes);  // validates the order too
    CHECK(r.peak_bytes <= r.default_peak_bytes);
    CHECK(r.peak_bytes >= brute_force_min_peak(net));
    if (!r.exact) CHECK(contains(r.method(), "beam"));
  }
}

TEST_CASE("min_peak_order: is deterministic") {
  const Network net = random_dag(7, 9);
  const MinPeakOrder a = min_peak_order(net), b = min_peak_order(net);
  CHECK(a.order == b.order);
  CHECK(a.states == b.states);
}

TEST_CASE("min_peak_order: a chain-of-blocks zoo network keeps its default order, proven exact") {
  for (const auto& e : zoo_entries()) {
    INFO(e.name);
    const Network net = build_zoo(e.name);
    const MinPeakOrder r = min_peak_order(net);
    CHECK(r.peak_bytes <= r.default_peak_bytes);
    CHECK(peak_activation_bytes(net, r.order) == r.peak_bytes);
    if (e.name == "mobilenet_v2" || e.name == "tiny") {
      CHECK(r.exact);
      CHECK_FALSE(r.differs);
    }
  }
}

TEST_CASE("peak activation: mobilenet_v2 peaks at ibn2's stride-2 depthwise (112^2*96 + 56^2*96)") {
  const Network net = build_zoo("mobilenet_v2");
  CHECK(peak_activation_bytes(net) == 112 * 112 * 96 + 56 * 56 * 96);
}
