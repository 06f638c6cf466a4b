// Random networks for validation: deterministic per (seed, index), built from zoo blocks so that
// every block is one IBN or fused-IBN unit, and covering the space's choices.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "calibration/estimator/unit.h"
#include "calibration/labels/net_space.h"
#include "tests/calibration/cal_helpers.h"
#include "workloads/config/error.h"

namespace {

using accelnas::UserError;
using namespace accelnas::cal;
using accelnas::wl::Network;
using accelnas::wl::OpKind;

std::string describe(const Network& net) {
  std::string s;
  for (std::size_t i = 0; i < net.size(); ++i) {
    const auto& l = net.layer(i);
    s += l.name + ":" + accelnas::wl::to_string(l.out) + ":" +
         accelnas::precision_name(l.precision) + ":" + l.block_type + ";";
  }
  return s;
}

}  // namespace

TEST_CASE("net space: network i is a pure function of (space, pf, seed, i)") {
  const NetSampler a(net_space_preset("mobilenet"), 32, 7), b(net_space_preset("mobilenet"), 32, 7);
  CHECK(describe(a.sample(3)) == describe(b.sample(3)));
  CHECK(describe(a.sample(3)) == describe(a.sample(3)));
  CHECK(describe(a.sample(3)) != describe(a.sample(4)));
  const NetSampler other_seed(net_space_preset("mobilenet"), 32, 8);
  CHECK(describe(a.sample(3)) != describe(other_seed.sample(3)));
  CHECK(a.sample(3).name == "mobilenet_7_3");
}

TEST_CASE("net space: every sampled block decomposes into exactly one ibn or fused_ibn unit") {
  const NetSampler s(net_space_preset("mobilenet"), 32, 1);
  for (std::uint64_t i = 0; i < 12; ++i) {
    const Network net = s.sample(i);
    INFO(net.name);
    std::set<std::string> blocks;
    for (std::size_t k = 0; k < net.size(); ++k)
      if (!net.layer(k).block.empty()) blocks.insert(net.layer(k).block);
    const auto units = decompose(net, accelnas::test::pf32(), accelnas::sim::PlanOptions{});
    std::size_t block_units = 0;
    for (const auto& u : units) {
      if (u.desc.type == UnitType::Ibn || u.desc.type == UnitType::FusedIbn) ++block_units;
      CHECK(u.desc.type != UnitType::Se);
    }
    CHECK(block_units == blocks.size());
  }
}

TEST_CASE(
    "net space: mobilenet covers kernels 3/5/7, fused IBNs, SE, PF-aligned and unaligned "
    "channels and mixed precision") {
  const NetSampler s(net_space_preset("mobilenet"), 32, 1);
  std::set<int> kernels;
  bool fused = false, se = false, aligned = false, unaligned = false, mixed = false;
  for (std::uint64_t i = 0; i < 40; ++i) {
    const Network net = s.sample(i);
    const auto res = net.layer(0).out.h;
    CHECK(res >= 96);
    CHECK(res <= 320);
    std::set<accelnas::Precision> precs;
    for (std::size_t k = 1; k < net.size(); ++k) {
      const auto& l = net.layer(k);
      precs.insert(l.precision);
      if (l.role == "depthwise") kernels.insert(l.kernel_h);
      if (l.block_type == "fused_ibn") fused = true;
      if (l.role == "se_pool") se = true;
      if (l.role == "project") (l.out.c % 32 == 0 ? aligned : unaligned) = true;
    }
    if (precs.size() > 1) mixed = true;
  }
  CHECK(kernels == std::set<int>{3, 5, 7});
  CHECK(fused);
  CHECK(se);
  CHECK(aligned);
  CHECK(unaligned);
  CHECK(mixed);
}

TEST_CASE("net space: a YAML space overrides the defaults and rejects unknown keys with the line") {
  const NetSpace s = parse_net_space_string(
      "name: small\nresolution: [64]\nstages: 2\nrepeats: 1\nkernel: [3]\nfused: 0\n"
      "precision: int8\nmixed_precision: {probability: 0}\n",
      "small.yaml");
  CHECK(s.name == "small");
  const Network net = NetSampler(s, 16, 1).sample(0);
  CHECK(net.layer(0).out.h == 64);
  int blocks = 0;
  for (std::size_t k = 0; k < net.size(); ++k) {
    blocks += net.layer(k).role == "project";
    CHECK(net.layer(k).precision == accelnas::Precision::Int8);
  }
  CHECK(blocks == 2);
  CHECK_THROWS_WITH_AS(parse_net_space_string("stages: 2\nkernels: [3]\n", "bad.yaml"),
                       doctest::Contains("bad.yaml:2"), UserError);
  CHECK_THROWS_WITH_AS(net_space_preset("mobilnet"), doctest::Contains("mobilenet"), UserError);
}

TEST_CASE("net space: a directory or a missing file is named as such, not as an unknown space") {
  const std::string dir = "net_space_dir_" + std::to_string(::getpid());
  std::filesystem::create_directory(dir);
  CHECK_THROWS_WITH_AS(load_net_space(dir), (dir + ": is a directory").c_str(), UserError);
  std::filesystem::remove(dir);
  CHECK_THROWS_WITH_AS(load_net_space("/nonexistent/space.yaml"),
                       "/nonexistent/space.yaml: no such file", UserError);
}
