// Search spaces (nas/space.h): macro and base spaces resolved on the hardware, decoded into
// networks; strict YAML errors located at file:line.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "hw_models/hw_spec.h"
#include "nas/candidate.h"
#include "nas/space.h"
#include "sim/simulate.h"
#include "workloads/config/error.h"
#include "workloads/loader.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;

namespace {

const hw::HwSpec& pf32() {
  static const hw::HwSpec hw = hw::load_hw("npu-pf32");
  return hw;
}

// The UserError text of parsing `yaml` as "bad.yaml", or "" when it parses.
std::string parse_error(const std::string& yaml) {
  try {
    nas::SearchSpace::parse(yaml, "bad.yaml", pf32());
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

const std::string kMacro = R"(name: small
description: "a small macro space"
resolution: [64, 96]
depth_multiplier: [0.75, 1.0]
stem: {channels: {multiples_of: pf, values: [1]}, kernel: 3, stride: 2}
stages:
  - depth: [0, 2]
    stride: 2
    block: [ibn, fused_ibn, conv]
    kernel: [3, 5]
    expansion: [1, 4]
    se: [false, true]
    activation: [relu6, hswish]
    channels: {multiples_of: pf, values: [1, 2]}
    precision: [int8, int16]
  - depth: [1, 2]
    stride: 2
    block: ibn
    kernel: 3
    expansion: 6
    channels: [24, 40]
head: {type: classifier, channels: {multiples_of: 8, values: [20]}, classes: 10}
)";

int dim_index(const nas::SearchSpace& s, const std::string& name) {
  const auto& d = s.dimensions();
  for (std::size_t i = 0; i < d.size(); ++i)
    if (d[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace

TEST_CASE(
    "nas space: the curated default space gives channels in multiples of PF on every preset") {
  for (const hw::Preset& preset : hw::presets()) {
    const hw::HwSpec hw = hw::load_hw(preset.name);
    const std::int64_t pf = hw.parallelism_factor;
    const auto space = nas::SearchSpace::load(nas::kDefaultSearchSpace, hw);
    int channel_dims = 0;
    for (const auto* dims : {&space.dimensions(), &space.fixed_dimensions()}) {
      for (const auto& d : *dims) {
        if (d.name.find("channels") == std::string::npos) continue;
        ++channel_dims;
        for (const auto& c : d.choices) CHECK_MESSAGE(std::stoll(c) % pf == 0, d.name << " " << c);
      }
    }
    CHECK(channel_dims == 9);  // stem, seven stages, head
    // After the depth multiplier too: every conv and fully connected layer except the
    // classifier (1000 classes) and the stem's input has a multiple of pf output channels.
    runtime::Rng rng(7, 0);
    for (int i = 0; i < 30; ++i) {
      const auto d = space.decode(space.sample(rng));
      REQUIRE_MESSAGE(d.net, d.reason);
      for (std::size_t l = 0; l < d.net->size(); ++l) {
        const wl::Layer& layer = d.net->layer(l);
        if (layer.op != wl::OpKind::Conv2d || layer.name == "classifier") continue;
        if (layer.role.rfind("se_", 0) == 0) continue;  // squeeze-excite: make_divisible(x / 4, 8)
        CHECK_MESSAGE(layer.out.c % pf == 0,
                      preset.name << " " << layer.name << " " << layer.out.c);
      }
    }
  }
}

TEST_CASE("nas space: random samples of every shipped space decode, or give a reason") {
  REQUIRE(nas::search_space_names().size() >= 5);
  for (const auto& name : nas::search_space_names()) {
    const auto space = nas::SearchSpace::load(name, pf32());
    CHECK(space.name() == name);
    CHECK(!space.description().empty());
    CHECK(space.source() == "builtin:" + name);
    CHECK(space.hash().size() == 64);
    CHECK(space.log10_size() > 1);
    runtime::Rng rng(11, 0);
    int built = 0;
    for (int i = 0; i < 12; ++i) {
      const auto e = space.sample(rng);
      REQUIRE(space.valid(e));
      const auto d = space.decode(e);
      CHECK(!d.arch.empty());
      if (d.net) {
        ++built;
        CHECK(d.net->finalized());
        CHECK(d.reason.empty());
      } else {
        CHECK_MESSAGE(!d.reason.empty(), name);
      }
    }
    CHECK_MESSAGE(built > 0, name);
  }
}

TEST_CASE("nas space: the default space's networks are realistic MobileNets") {
  const auto space = nas::SearchSpace::load(nas::kDefaultSearchSpace, pf32());
  runtime::Rng rng(3, 0);
  std::int64_t lo = INT64_MAX, hi = 0;
  for (int i = 0; i < 40; ++i) {
    const auto d = space.decode(space.sample(rng));
    REQUIRE(d.net);
    const std::int64_t macs = wl::total_macs(*d.net);
    lo = std::min(lo, macs);
    hi = std::max(hi, macs);
  }
  CHECK(lo > 30'000'000);
  CHECK(hi < 1'500'000'000);
}

TEST_CASE("nas space: macro dimensions, fixed ones and channel resolution") {
  const auto space = nas::SearchSpace::parse(kMacro, "small.yaml", pf32());
  CHECK(space.name() == "small");
  std::vector<std::string> names;
  for (const auto& d : space.dimensions()) names.push_back(d.name);
  const std::vector<std::string> expected = {"resolution",
                                             "depth_multiplier",
                                             "stage1.depth",
                                             "stage1.block",
                                             "stage1.kernel",
                                             "stage1.expansion",
                                             "stage1.se",
                                             "stage1.activation",
                                             "stage1.channels",
                                             "stage1.block1.precision",
                                             "stage1.block2.precision",
                                             "stage2.depth",
                                             "stage2.channels"};
  CHECK(names == expected);
  CHECK(space.dimensions()[static_cast<std::size_t>(dim_index(space, "stage1.channels"))].choices ==
        std::vector<std::string>{"32", "64"});
  CHECK(space.dimensions()[2].choices == std::vector<std::string>{"0", "1", "2"});
  bool head_fixed = false;
  for (const auto& d : space.fixed_dimensions())
    if (d.name == "head.channels") head_fixed = d.choices == std::vector<std::string>{"160"};
  CHECK(head_fixed);
  CHECK(space.cardinalities().size() == expected.size());
  // all_dimensions(): both kinds in the file's order.
  REQUIRE(space.all_dimensions().size() ==
          space.dimensions().size() + space.fixed_dimensions().size());
  CHECK(space.all_dimensions()[2].name == "stem.channels");
  CHECK(space.all_dimensions()[2].choices == std::vector<std::string>{"32"});
  CHECK(space.all_dimensions().back().name == "head.precision");
  // pf 16 resolves the same file differently, and so hashes differently.
  const auto pf16 = nas::SearchSpace::parse(kMacro, "small.yaml", hw::load_hw("npu-pf16"));
  CHECK(pf16.dimensions()[static_cast<std::size_t>(dim_index(pf16, "stage1.channels"))].choices ==
        std::vector<std::string>{"16", "32"});
  CHECK(pf16.hash() != space.hash());
}

TEST_CASE("nas space: decode is deterministic and skipped blocks do not change the network") {
  const auto space = nas::SearchSpace::parse(kMacro, "small.yaml", pf32());
  nas::Encoding e(space.dimensions().size(), 0);
  e[static_cast<std::size_t>(dim_index(space, "stage1.depth"))] = 1;  // one block
  const auto a = space.decode(e), b = space.decode(e);
  REQUIRE(a.net);
  REQUIRE(b.net);
  CHECK(nas::network_key(*a.net) == nas::network_key(*b.net));
  CHECK(a.arch == b.arch);
  // The second block's precision does not matter with one block...
  nas::Encoding e2 = e;
  e2[static_cast<std::size_t>(dim_index(space, "stage1.block2.precision"))] = 1;
  const auto c = space.decode(e2);
  REQUIRE(c.net);
  CHECK(nas::network_key(*c.net) == nas::network_key(*a.net));
  CHECK(c.arch == a.arch);
  // ... the first one's does.
  nas::Encoding e3 = e;
  e3[static_cast<std::size_t>(dim_index(space, "stage1.block1.precision"))] = 1;
  const auto d = space.decode(e3);
  REQUIRE(d.net);
  CHECK(nas::network_key(*d.net) != nas::network_key(*a.net));
  CHECK(d.arch != a.arch);
  CHECK(d.net->layer(d.net->index_of("ibn1_dw")).precision == Precision::Int16);
  // With the stage skipped, none of its choices matter.
  nas::Encoding s0 = e, s1 = e;
  s0[static_cast<std::size_t>(dim_index(space, "stage1.depth"))] = 0;
  s1[static_cast<std::size_t>(dim_index(space, "stage1.depth"))] = 0;
  s1[static_cast<std::size_t>(dim_index(space, "stage1.kernel"))] = 1;
  s1[static_cast<std::size_t>(dim_index(space, "stage1.block"))] = 2;
  const auto k0 = space.decode(s0), k1 = space.decode(s1);
  REQUIRE(k0.net);
  REQUIRE(k1.net);
  CHECK(nas::network_key(*k0.net) == nas::network_key(*k1.net));
  CHECK(k0.arch == k1.arch);
}

TEST_CASE("nas space: blocks are the zoo's: fused, squeeze-excite, conv, depth multiplier") {
  const auto space = nas::SearchSpace::parse(kMacro, "small.yaml", pf32());
  nas::Encoding e(space.dimensions().size(), 0);
  const auto set = [&](const char* dim, int v) {
    e[static_cast<std::size_t>(dim_index(space, dim))] = v;
  };
  set("stage1.depth", 2);
  set("stage1.block", 1);      // fused_ibn
  set("stage1.expansion", 1);  // 4
  set("stage1.se", 1);
  set("stage1.kernel", 1);     // 5
  set("stage1.channels", 1);   // 64
  set("depth_multiplier", 1);  // 1.0
  auto d = space.decode(e);
  REQUIRE(d.net);
  const wl::Network& n = *d.net;
  const auto& fused = n.layer(n.index_of("ibn1_expand"));
  CHECK(fused.block_type == "fused_ibn");
  CHECK(fused.kernel_h == 5);
  CHECK(fused.stride_h == 2);
  CHECK(fused.out.c == 32 * 4);
  CHECK(n.layer(n.index_of("ibn1_se_reduce")).out.c == 32);  // make_divisible(128 / 4, 8)
  CHECK(n.has("ibn2_add"));                                  // stride 1, 64 -> 64
  CHECK(!n.has("ibn1_add"));                                 // stride 2
  CHECK(n.layer(n.index_of("head")).out.c == 160);
  set("stage1.block", 2);      // conv
  set("depth_multiplier", 0);  // 0.75: 64 -> 48 rounds to 64 (pf 32), 32 -> 32, head 160 -> 120
  d = space.decode(e);
  REQUIRE(d.net);
  const auto& conv = d.net->layer(d.net->index_of("conv1"));
  CHECK(conv.block_type == "conv");
  CHECK(conv.role == "conv");
  CHECK(conv.kernel_h == 5);
  CHECK(conv.out.c == 64);
  CHECK(d.net->layer(d.net->index_of("stem")).out.c == 32);
  CHECK(d.net->layer(d.net->index_of("head")).out.c == 120);
}

TEST_CASE("nas space: a candidate that cannot be built gets a reason, not an exception") {
  const std::string yaml = R"(resolution: [1, 64]
stem: {channels: [8], kernel: 3}
stages:
  - {depth: 1, stride: 2, block: conv, kernel: 15, channels: [8]}
head: {type: lraspp, classes: 3}
)";
  const auto space = nas::SearchSpace::parse(yaml, "tiny_space.yaml", pf32());
  CHECK(space.name() == "tiny_space");
  for (int r = 0; r < 2; ++r) {
    const auto d = space.decode({r});
    CHECK(!d.net);
    CHECK(d.reason.find("output stride 8") != std::string::npos);
  }
  const std::string ssd = R"(resolution: 64
stem: {channels: [8]}
stages: [{depth: 1, stride: 2, block: conv, kernel: 3, channels: [8]}]
head: {type: ssdlite, channels: [16]}
)";
  const auto s2 = nas::SearchSpace::parse(ssd, "ssd.yaml", pf32());
  CHECK(s2.dimensions().empty());
  const auto d = s2.decode({});
  CHECK(!d.net);
  CHECK(d.reason == "ssdlite head: no features at output stride 16 to tap");
}

TEST_CASE("nas space: base space, base_encoding decodes to the base exactly") {
  const std::string yaml = R"(base: mobilenet_v2:resolution=96
resolution: [64, 128]
depth_multiplier: [0.75, 1.25]
blocks:
  type: [ibn, fused_ibn]
  kernel: [5, 7]
  expansion: [3, 4]
  width: [0.75, 1.25]
)";
  const auto space = nas::SearchSpace::parse(yaml, "mnv2.yaml", pf32());
  const wl::Network base = wl::build_zoo("mobilenet_v2:resolution=96");
  REQUIRE(space.base_network());
  const auto be = space.base_encoding();
  REQUIRE(be);
  REQUIRE(space.valid(*be));
  const auto d = space.decode(*be);
  REQUIRE(d.net);
  REQUIRE(d.net->size() == base.size());
  for (std::size_t i = 0; i < base.size(); ++i) {
    const wl::Layer &a = d.net->layer(i), &b = base.layer(i);
    CHECK(a.name == b.name);
    CHECK(a.op == b.op);
    CHECK(a.inputs == b.inputs);
    CHECK(a.out == b.out);
    CHECK(a.kernel_h == b.kernel_h);
    CHECK(a.stride_h == b.stride_h);
    CHECK(a.groups == b.groups);
    CHECK(a.precision == b.precision);
    CHECK(a.block_type == b.block_type);
    CHECK(a.role == b.role);
  }
  CHECK(nas::network_key(*d.net) == nas::network_key(base));
  const auto& hw = pf32();
  CHECK(sim::simulate_network(*d.net, hw, {}).total.cycles ==
        sim::simulate_network(base, hw, {}).total.cycles);
  // The base's own values are choices: resolution 96, multiplier 1, ibn1 without expansion (1).
  CHECK(space.dimensions()[0].choices == std::vector<std::string>{"64", "96", "128"});
  CHECK(space.dimensions()[1].choices == std::vector<std::string>{"0.75", "1", "1.25"});
  const auto& x1 = space.dimensions()[static_cast<std::size_t>(dim_index(space, "ibn1.expansion"))];
  CHECK(x1.choices == std::vector<std::string>{"1", "3", "4"});

  // Another point: fuse ibn2, kernel 7 on ibn3, width 1.25 on ibn7's output (64 -> 80 rounds
  // to 96 with pf 32), which residual adds tie to ibn8-10's outputs.
  nas::Encoding e = *be;
  CHECK(space.dimensions()[static_cast<std::size_t>(dim_index(space, "ibn2.type"))].choices ==
        std::vector<std::string>{"ibn", "fused_ibn"});
  e[static_cast<std::size_t>(dim_index(space, "ibn2.type"))] = 1;
  e[static_cast<std::size_t>(dim_index(space, "ibn3.kernel"))] = 2;
  e[static_cast<std::size_t>(dim_index(space, "ibn7.width"))] = 2;
  // ibn8-10 are tied to ibn7 by residual adds: no width of their own.
  CHECK(dim_index(space, "ibn8.width") < 0);
  CHECK(dim_index(space, "ibn10.width") < 0);
  CHECK(dim_index(space, "ibn11.width") >= 0);
  const auto o = space.decode(e);
  REQUIRE_MESSAGE(o.net, o.reason);
  CHECK(o.net->layer(o.net->index_of("ibn2_expand")).block_type == "fused_ibn");
  CHECK(o.net->layer(o.net->index_of("ibn3_dw")).kernel_h == 7);
  CHECK(o.net->layer(o.net->index_of("ibn7_project")).out.c == 96);
  CHECK(o.net->layer(o.net->index_of("ibn10_project")).out.c == 96);
  CHECK(o.net->layer(o.net->index_of("ibn11_project")).out.c == 96);  // untouched: 96
  CHECK(nas::network_key(*o.net) != nas::network_key(base));
}

TEST_CASE("nas space: the shipped base space holds mobilenet_v2") {
  const auto space = nas::SearchSpace::load("mobilenet_v2_base", pf32());
  const auto d = space.decode(*space.base_encoding());
  REQUIRE(d.net);
  CHECK(nas::network_key(*d.net) == nas::network_key(wl::build_zoo("mobilenet_v2")));
  // ssdlite_base: ibn14's expansion feeds the predictors: fusing it is not offered.
  const auto ssd = nas::SearchSpace::load("ssdlite_base", pf32());
  CHECK(dim_index(ssd, "ibn14.type") < 0);
  CHECK(dim_index(ssd, "ibn13.type") >= 0);
  const auto sd = ssd.decode(*ssd.base_encoding());
  REQUIRE(sd.net);
  CHECK(nas::network_key(*sd.net) == nas::network_key(wl::build_zoo("ssdlite_mobilenet_v2")));
}

TEST_CASE("nas space: a base from a network file resolves against the space's folder") {
  const auto dir = std::filesystem::temp_directory_path() / "accelnas-test-space-base";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "net.yaml") << wl::to_yaml(wl::build_zoo("tiny"));
  std::ofstream(dir / "space.yaml") << "base: net.yaml\ndepth_multiplier: [1.0, 2.0]\n";
  const auto space = nas::SearchSpace::load((dir / "space.yaml").string(), pf32());
  const auto d = space.decode(*space.base_encoding());
  REQUIRE(d.net);
  CHECK(nas::network_key(*d.net) == nas::network_key(wl::build_zoo("tiny")));
  const auto& hw = pf32();
  CHECK(sim::simulate_network(*d.net, hw, {}).total.cycles ==
        sim::simulate_network(wl::build_zoo("tiny"), hw, {}).total.cycles);
  std::filesystem::remove_all(dir);
}

TEST_CASE("nas space: bad input is one located error") {
  struct Case {
    std::string yaml, expected;
  };
  const std::string stages = "stages: [{depth: 1, block: ibn, kernel: 3, channels: [16]}]\n";
  const std::string head = "head: {type: classifier, classes: 10}\n";
  const std::string stem = "stem: {channels: [16]}\n";
  const std::vector<Case> cases = {
      {"resolution: [1, 2\n", "bad.yaml:"},
      {"resolution: 224\nbogus: 1\n" + stem + stages + head, "bad.yaml:2: bogus: unknown key"},
      {"resolution: []\n" + stem + stages + head, "bad.yaml:1: resolution: expected at least one"},
      {"resolution: [0, 224]\n" + stem + stages + head, "bad.yaml:1: resolution[0]: expected an"},
      {"resolution: 224\n" + stem +
           "stages: [{depth: [3, 1], block: ibn, kernel: 3, channels: [16]}]\n" + head,
       "inverted depth range [3, 1]"},
      {"resolution: 224\n" + stem +
           "stages: [{depth: 1, block: mbconv, kernel: 3, channels: [16]}]\n" + head,
       "unknown value 'mbconv'"},
      {"resolution: 224\n" + stem +
           "stages: [{depth: 1, block: ibn, kernel: 3, activation: gelu, channels: [16]}]\n" + head,
       "unknown value 'gelu'"},
      {"resolution: 224\n" + stem +
           "stages: [{depth: 1, block: ibn, kernel: 3, precision: int4, channels: [16]}]\n" + head,
       "unknown value 'int4'"},
      {"resolution: 224\n" + stem + stages + "head: {type: yolo}\n",
       "bad.yaml:4: head.type: unknown value 'yolo'"},
      {"resolution: 224\nstem: {channels: {multiples_of: pg, values: [1]}}\n" + stages + head,
       "bad.yaml:2: stem.channels.multiples_of: expected pf or a positive integer"},
      {"resolution: 224\nstem: {channels: {multiples_of: -8, values: [1]}}\n" + stages + head,
       "expected pf or a positive integer"},
      {"base: no_such_net\n", "bad.yaml:1: base: cannot load the base network"},
      {"base: missing.onnx\n", "bad.yaml:1: base: cannot load the base network"},
      {"base: tiny\nblocks: {kernel: []}\n", "bad.yaml:2: blocks.kernel: expected at least one"},
  };
  for (const Case& c : cases) {
    const std::string err = parse_error(c.yaml);
    CHECK_MESSAGE(err.find(c.expected) != std::string::npos, err << " | expected: " << c.expected);
    CHECK(err.find('\n') == std::string::npos);
  }
  CHECK(parse_error(kMacro).empty());
  // A missing file and an unknown preset.
  CHECK_THROWS_WITH_AS(nas::SearchSpace::load("/nonexistent/space.yaml", pf32()),
                       doctest::Contains("/nonexistent/space.yaml: no such file"), UserError);
  CHECK_THROWS_WITH_AS(nas::SearchSpace::load("mobilenet_curatd", pf32()),
                       doctest::Contains("unknown search space 'mobilenet_curatd'"), UserError);
}

TEST_CASE("nas space: the detector and segmenter heads tap output strides 16 and 8") {
  runtime::Rng rng(5, 0);
  const auto seg = nas::SearchSpace::load("mobilenet_lraspp", pf32());
  for (int i = 0; i < 5; ++i) {
    const auto d = seg.decode(seg.sample(rng));
    REQUIRE_MESSAGE(d.net, d.reason);
    const wl::Network& n = *d.net;
    const std::int64_t res = n.layer(n.index_of("image")).out.h;
    CHECK(n.layer(n.index_of("logits")).out == wl::Shape{res, res, 21});
    // The low branch reads features at output stride 8.
    const auto& low = n.layer(n.producers(n.index_of("lraspp_low_classifier")).at(0));
    CHECK(low.out.h == (res + 7) / 8);
    CHECK(n.layer(n.index_of("lraspp_up")).out.h == (res + 7) / 8);
  }
  const auto det = nas::SearchSpace::load("mobilenet_ssdlite", pf32());
  for (int i = 0; i < 5; ++i) {
    const auto d = det.decode(det.sample(rng));
    REQUIRE_MESSAGE(d.net, d.reason);
    const wl::Network& n = *d.net;
    const std::int64_t res = n.layer(n.index_of("image")).out.h;
    CHECK(n.layer(n.index_of("box1_dw")).out.h == (res + 15) / 16);
    CHECK(n.layer(n.index_of("box2_dw")).out.h == (res + 31) / 32);
    CHECK(n.layer(n.index_of("class6")).out.c == 6 * 2);  // 6 anchors x (1 class + background)
  }
}

TEST_CASE("nas space: arch() is decode's arch without building, and one arch is one network") {
  for (const auto& name : nas::search_space_names()) {
    const auto space = nas::SearchSpace::load(name, pf32());
    runtime::Rng rng(13, 0);
    for (int i = 0; i < 6; ++i) {
      const auto e = space.sample(rng);
      CHECK_MESSAGE(space.arch(e) == space.decode(e).arch, name);
    }
  }
  // Many samples of a small space: encodings that share an arch share the network key, and
  // encodings that differ in an arch build different networks.
  const auto space = nas::SearchSpace::parse(kMacro, "small.yaml", pf32());
  std::map<std::string, std::string> key_of_arch, arch_of_key;
  std::set<std::string> encodings;
  runtime::Rng rng(17, 0);
  int shared = 0;
  for (int i = 0; i < 300; ++i) {
    const auto e = space.sample(rng);
    if (!encodings.insert(nas::encoding_text(e)).second) continue;
    const auto d = space.decode(e);
    REQUIRE(d.net);
    const std::string key = nas::network_key(*d.net);
    const auto [it, fresh] = key_of_arch.emplace(d.arch, key);
    if (!fresh) {
      ++shared;
      CHECK(it->second == key);
    }
    const auto [kt, kfresh] = arch_of_key.emplace(key, d.arch);
    if (!kfresh) CHECK(kt->second == d.arch);
  }
  CHECK(shared > 10);  // distinct encodings with one arch: skipped stages, unused precisions
}
