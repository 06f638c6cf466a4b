// The sampler: deterministic per (space, hw, seed, index), units of the drawn type that rebuild,
// every space option honoured; and strict, located errors for bad sampling spaces.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "calibration/labels/sampler.h"
#include "calibration/labels/space.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/test_util.h"
#include "workloads/config/error.h"

using namespace accelnas;

namespace {

std::vector<std::string> texts(const cal::Sampler& s, const std::vector<std::uint64_t>& indices) {
  std::vector<std::string> out;
  for (std::uint64_t i : indices) out.push_back(cal::canonical_text(s.sample(i)));
  return out;
}

std::vector<std::uint64_t> iota(std::uint64_t n) {
  std::vector<std::uint64_t> v(n);
  for (std::uint64_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

// The error text of parsing `yaml` as "bad.yaml", or "" when it parses.
std::string space_error(const std::string& yaml) {
  try {
    cal::parse_space_string(yaml, "bad.yaml");
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("sampler: the same seed draws the same units, another seed draws others") {
  const auto space = cal::load_space("mobilenet");
  const cal::Sampler a(space, test::pf32(), 7), b(space, test::pf32(), 7),
      c(space, test::pf32(), 8);
  const auto ta = texts(a, iota(200));
  CHECK(ta == texts(b, iota(200)));
  const auto tc = texts(c, iota(200));
  int same = 0;
  for (std::size_t i = 0; i < ta.size(); ++i) same += ta[i] == tc[i];
  CHECK(same < 20);
  CHECK(std::set<std::string>(ta.begin(), ta.end()).size() > 150);
}

TEST_CASE("sampler: sample(i) depends on i alone, not on the order or the other indices drawn") {
  const cal::Sampler s(cal::load_space("zoo"), test::pf32(), 3);
  const auto forward = texts(s, iota(100));
  std::vector<std::uint64_t> backward = iota(100);
  std::reverse(backward.begin(), backward.end());
  auto reversed = texts(s, backward);
  std::reverse(reversed.begin(), reversed.end());
  CHECK(reversed == forward);
  const cal::Sampler fresh(cal::load_space("zoo"), test::pf32(), 3);
  CHECK(cal::canonical_text(fresh.sample(57)) == forward[57]);
  CHECK(cal::canonical_text(fresh.sample(1000000007)) == cal::canonical_text(s.sample(1000000007)));
}

TEST_CASE("sampler: every sample of the shipped spaces rebuilds and is a unit of a drawn type") {
  for (const std::string& name : cal::space_names()) {
    INFO("space " << name);
    const cal::Space space = cal::load_space(name);
    std::set<cal::UnitType> kinds;
    for (const auto& k : space.units) kinds.insert(k.type);
    const cal::Sampler s(space, test::pf32(), 1);
    std::map<cal::UnitType, int> seen;
    for (std::uint64_t i = 0; i < 2000; ++i) {
      const cal::UnitDesc d = s.sample(i);
      INFO("sample " << i << ": " << cal::canonical_text(d));
      REQUIRE(kinds.count(d.type) == 1);
      ++seen[d.type];
      const auto jobs = cal::unit_jobs(d, test::pf32());
      REQUIRE(jobs.size() == d.layers.size());
    }
    for (cal::UnitType t : kinds) {
      INFO("unit type " << cal::unit_type_name(t));
      CHECK(seen[t] > 0);
    }
  }
}

TEST_CASE("sampler: channel draws land both on and off multiples of the parallelism factor") {
  const cal::Sampler s(cal::load_space("mobilenet"), test::pf32(), 1);
  int aligned = 0, unaligned = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const cal::UnitDesc d = s.sample(i);
    for (const auto& l : d.layers) {
      if (l.op != wl::OpKind::Conv2d || l.groups != 1) continue;
      (l.out_channels % 32 == 0 ? aligned : unaligned) += 1;
    }
  }
  CHECK(aligned > 100);
  CHECK(unaligned > 100);
}

TEST_CASE("sampler: a space's kernel, precision, batch, resolution and ops are honoured") {
  const cal::Space space = cal::parse_space_string(
      "units:\n"
      "  - {type: conv}\n"
      "  - {type: ibn, se: {probability: 1}}\n"
      "  - {type: vector, ops: [maxpool]}\n"
      "kernel: 5\n"
      "precision: [bf16]\n"
      "batch: [2]\n"
      "resolution: [9, 17]\n"
      "in_channels: {min: 16, max: 16}\n",
      "only5.yaml");
  CHECK(space.name == "only5");
  const cal::Sampler s(space, test::pf32(), 5);
  std::set<std::int64_t> resolutions;
  for (std::uint64_t i = 0; i < 300; ++i) {
    const cal::UnitDesc d = s.sample(i);
    INFO(cal::canonical_text(d));
    CHECK(d.batch == 2);
    resolutions.insert(d.inputs.at(0).shape.h);
    CHECK(d.inputs.at(0).shape.c == 16);
    for (const auto& l : d.layers) {
      CHECK(l.precision == Precision::Bf16);
      const bool windowed =
          l.op == wl::OpKind::MaxPool ||
          (l.op == wl::OpKind::Conv2d && (d.type == cal::UnitType::Conv || l.groups > 1));
      if (windowed) CHECK(l.kernel_h * 10 + l.kernel_w == 55);
      CHECK(l.op != wl::OpKind::AvgPool);
    }
    if (d.type == cal::UnitType::Ibn) {
      const bool has_se = std::any_of(d.layers.begin(), d.layers.end(), [](const auto& l) {
        return l.op == wl::OpKind::FullyConnected;
      });
      CHECK(has_se);
    }
  }
  CHECK(resolutions == std::set<std::int64_t>{9, 17});
}

TEST_CASE("sampler: contexts with inputs on chip and from DRAM, outputs kept and written, occur") {
  const cal::Sampler s(cal::load_space("mobilenet"), test::pf32(), 1);
  int in_chip = 0, in_dram = 0, out_chip = 0, out_dram = 0, reserved = 0;
  for (std::uint64_t i = 0; i < 500; ++i) {
    const cal::UnitDesc d = s.sample(i);
    (d.inputs.at(0).on_chip ? in_chip : in_dram) += 1;
    (d.layers.back().output_on_chip ? out_chip : out_dram) += 1;
    reserved += d.layers.front().other_reserved_bytes > 0;
  }
  CHECK(in_chip > 50);
  CHECK(in_dram > 50);
  CHECK(out_chip > 50);
  CHECK(out_dram > 50);
  CHECK(reserved > 50);
}

TEST_CASE("sampler: a standalone se unit is pool, two fully-connected layers and a scale") {
  const cal::Space space = cal::parse_space_string("units: [{type: se}]\n", "se.yaml");
  const cal::UnitDesc d = cal::Sampler(space, test::pf32(), 1).sample(0);
  CHECK(d.type == cal::UnitType::Se);
  REQUIRE(d.layers.size() == 4);
  CHECK(d.layers[0].op == wl::OpKind::GlobalAvgPool);
  CHECK(d.layers[1].op == wl::OpKind::FullyConnected);
  CHECK(d.layers[2].op == wl::OpKind::FullyConnected);
  CHECK(d.layers[3].op == wl::OpKind::Mul);
}

TEST_CASE("sampling space: each mistake is one line naming the file, the line and the key") {
  struct Case {
    std::string yaml, expect;
  };
  const std::vector<Case> cases = {
      {"units: [{type: conv}]\nkernal: 3\n", "bad.yaml:2: kernal: unknown key"},
      {"units: [{type: conv}]\nkernel: []\n", "bad.yaml:2: kernel: empty list"},
      {"units: [{type: conv}]\nresolution: {min: 9, max: 3}\n",
       "bad.yaml:2: resolution: empty range: min 9 > max 3"},
      {"units:\n  - {type: convv}\n", "bad.yaml:2: units[0].type: unknown unit type 'convv'"},
      {"units: [{type: conv}]\nin_channels: {min: -4, max: 8}\n",
       "bad.yaml:2: in_channels.min: expected an integer from 1"},
      {"units: [{type: conv}]\nout_channels: 0\n", "bad.yaml:2: out_channels: expected an integer"},
      {"units: [{type: conv}]\nprecision: [int4]\n", "bad.yaml:2: precision[0]: unknown value"},
      {"units: [{type: conv, ops: [add]}]\n", "bad.yaml:1: units[0].ops: applies to vector"},
      {"units: [{type: vector, ops: [conv2d]}]\n", "units[0].ops[0]: unknown value 'conv2d'"},
      {"units: [{type: conv}]\ncontext: {input_on_chip: 1.5}\n",
       "bad.yaml:2: context.input_on_chip: expected a number from 0 to 1"},
      {"units: [{type: conv}]\nkernel: three\n", "bad.yaml:2: kernel:"},
      {"units: []\n", "bad.yaml:1: units: empty list"},
      {"name: x\n", "bad.yaml:1: missing key 'units'"},
  };
  for (const Case& c : cases) {
    INFO("yaml:\n" << c.yaml);
    const std::string err = space_error(c.yaml);
    CHECK(contains(err, c.expect));
    CHECK_FALSE(contains(err, "\n"));
  }
}

TEST_CASE("sampling space: presets load by name, files by path, and a missing file is an error") {
  CHECK(cal::space_names() == std::vector<std::string>{"mobilenet", "zoo"});
  CHECK(cal::load_space("mobilenet").name == "mobilenet");
  const std::string path = std::string(ACCELNAS_SOURCE_DIR) + "/calibration/spaces/zoo.yaml";
  CHECK(cal::load_space(path).units.size() == cal::load_space("zoo").units.size());
  try {
    cal::load_space("/nonexistent/space.yaml");
    FAIL("no error");
  } catch (const UserError& e) {
    CHECK(contains(e.what(), "/nonexistent/space.yaml"));
    CHECK(contains(e.what(), "no such file"));
  }
  try {
    cal::load_space("mobilenett");
    FAIL("no error");
  } catch (const UserError& e) {
    CHECK(contains(e.what(), "did you mean: mobilenet"));
  }
}

TEST_CASE("sampler: max_tensor_elements bounds every unit's largest tensor, batch included") {
  const cal::Space space = cal::parse_space_string(
      "units: [{type: ibn}, {type: conv}]\nresolution: {min: 7, max: 224}\n"
      "in_channels: {min: 8, max: 320}\nexpansion: [1, 6]\nbatch: [1, 2]\n"
      "max_tensor_elements: 300000\n",
      "limit.yaml");
  const cal::Sampler s(space, test::pf32(), 2);
  bool large = false;
  for (std::uint64_t i = 0; i < 300; ++i) {
    const cal::UnitDesc d = s.sample(i);
    const wl::Network net = cal::unit_network(d);
    std::int64_t most = 0;
    for (std::size_t l = 0; l < net.size(); ++l)
      most = std::max(most, net.layer(l).out.elements() * d.batch);
    CHECK(most <= 300000);
    large = large || most > 150000;  // the limit trims, it does not shrink everything
  }
  CHECK(large);
  CHECK(contains(space_error("units: [{type: conv}]\nmax_tensor_elements: 0\n"),
                 "bad.yaml:2: max_tensor_elements"));
  // A limit no draw can meet is an error naming the space, not an endless loop.
  const cal::Space tight = cal::parse_space_string(
      "name: tight\nunits: [{type: conv}]\nresolution: [64]\nin_channels: [64]\n"
      "max_tensor_elements: 10\n",
      "tight.yaml");
  const std::string err =
      accelnas::test_util::user_error([&] { cal::Sampler(tight, test::pf32(), 1).sample(0); });
  CHECK(contains(err, "sampling space 'tight'"));
  CHECK(contains(err, "max_tensor_elements 10"));
}

TEST_CASE(
    "sampler: a channel_slice vector unit keeps the first w channels of its input, w at most all") {
  const cal::Space space = cal::parse_space_string(
      "units:\n"
      "  - {type: vector, ops: [channel_slice]}\n"
      "precision: [int8]\n"
      "in_channels: {min: 16, max: 64}\n"
      "out_channels: {min: 8, max: 96}\n",
      "slices.yaml");
  const cal::Sampler s(space, test::pf32(), 3);
  int whole = 0, part = 0;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const cal::UnitDesc d = s.sample(i);
    INFO(cal::canonical_text(d));
    REQUIRE(d.type == cal::UnitType::Vector);
    REQUIRE(d.layers.size() == 1);
    CHECK(d.layers[0].op == wl::OpKind::ChannelSlice);
    const wl::Shape in = d.inputs.at(0).shape;
    const std::int64_t width = d.layers[0].out_channels;
    CHECK(width >= 1);
    CHECK(width <= in.c);
    (width == in.c ? whole : part) += 1;
    // Rule M2: the job reads the slice's channels of the input, one byte each in int8.
    const std::vector<hw::LayerJob> jobs = cal::unit_jobs(d, test::pf32());
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].inputs.at(0).bytes == in.h * in.w * width * d.batch);
  }
  CHECK(whole > 0);
  CHECK(part > 0);
}
