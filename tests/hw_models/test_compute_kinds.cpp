// The compute kinds (hw_models/timing/compute_kinds.h): `compute.kind` picks the block that runs
// array jobs by a registered timing rule. A toy kind is added here the way a new kind is added:
// one timing function and one registry line, before the model is elaborated.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

#include "hw_models/simulator.h"
#include "hw_models/tiler.h"
#include "hw_models/timing/compute_kinds.h"
#include "hw_models/timing/dot_product_timing.h"
#include "tests/hw_models/jobs.h"

using namespace accelnas;
using namespace accelnas::hw;
using hw::test::contains;
using hw::test::conv_job;
using hw::test::ConvGeom;
using hw::test::hw_with;
using hw::test::user_error;

namespace {

// The toy rule: 3 cycles per output pixel per pass plus 5 per tile, whatever the channels.
std::int64_t toy_tile_cycles(const LayerJob&, const Tile& t, const HwSpec&) {
  return 3 * t.pixels * t.passes + 5;
}

const std::size_t kToyKind = register_compute_kind(
    {"toy_array", Engine::Array, toy_tile_cycles, dot_product_peak_macs_per_cycle, "toy"});

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

LayerJob add_job() {
  LayerJob j;
  j.name = "add";
  j.op = "add";
  j.engine = Engine::Vector;
  j.rows = 8;
  j.cols = 8;
  j.vector_ops = 8 * 8 * 16;
  OperandDesc in;
  in.bytes = 8 * 8 * 16;
  in.rows = 8;
  j.inputs = {in, in};
  j.output_bytes = 8 * 8 * 16;
  return j;
}

// Sum of `rule` over the tiles the tiler plans for `job` on `hw`.
std::int64_t planned_cycles(const LayerJob& job, const HwSpec& hw, TileCyclesFn rule) {
  std::int64_t sum = 0;
  for (const Tile& t : plan_layer(job, hw).tiles) sum += rule(job, t, hw);
  return sum;
}

}  // namespace

TEST_CASE(
    "compute kinds: the dot-product array runs array jobs by default, the vector unit the rest") {
  const HwSpec hw = hw_with({});
  CHECK(hw.values.at("compute.kind").text == "dot_product_array");
  CHECK(hw.values.at("compute.kind").origin == "default");
  CHECK(hw.compute_kind == kDotProductArrayKind);
  CHECK(engine_kind(Engine::Array, hw) == kDotProductArrayKind);
  CHECK(engine_kind(Engine::Vector, hw) == kVectorUnitKind);
  CHECK(compute_kind(kDotProductArrayKind).name == "dot_product_array");
  CHECK(compute_kind(kVectorUnitKind).name == "vector_unit");
  CHECK(compute_kind(kVectorUnitKind).engine == Engine::Vector);
  CHECK(compute_kind_names(Engine::Vector) == std::vector<std::string>{"vector_unit"});
}

TEST_CASE("compute.kind: a registered kind is one of the choices list hw-keys shows") {
  CHECK(compute_kind(kToyKind).name == "toy_array");
  CHECK(find_compute_kind("toy_array") == kToyKind);
  CHECK(find_compute_kind("systolic") == compute_kind_count());
  const std::vector<std::string> names = compute_kind_names(Engine::Array);
  REQUIRE(names.size() >= 2);
  CHECK(names.front() == "dot_product_array");
  CHECK(has(names, "toy_array"));
  CHECK_FALSE(has(names, "vector_unit"));  // vector_unit runs vector jobs, not a compute.kind
  const cfg::ParamDecl* d = cfg::find_decl(hw_param_decls(), "compute.kind");
  REQUIRE(d != nullptr);
  CHECK(d->kind == cfg::ParamKind::Choice);
  CHECK(d->default_text == "dot_product_array");
  CHECK(d->choices == names);
  CHECK(contains(cfg::range_text(*d), "toy_array"));
}

TEST_CASE("compute.kind: a hardware YAML selects a kind and the simulated cycles follow its rule") {
  const HwSpec dot = hw_with({});
  const HwSpec toy = load_hw_string("compute:\n  kind: toy_array\n", "toy.yaml");
  CHECK(toy.compute_kind == kToyKind);
  CHECK(toy.values.at("compute.kind").origin == "toy.yaml:2");
  CHECK(hw_with({{"compute.kind", "toy_array"}}).compute_kind == kToyKind);  // --set too

  const LayerJob conv = conv_job(ConvGeom{16, 16, 64, 96, 3, 1, 1, false});
  const std::vector<LayerJob> jobs = {conv, add_job()};
  const std::vector<LayerStats> on_dot = Simulator::instance().run(dot, jobs);
  const std::vector<LayerStats> on_toy = Simulator::instance().run(toy, jobs);
  REQUIRE(on_toy.size() == 2);

  const std::int64_t toy_cycles = planned_cycles(conv, toy, toy_tile_cycles);
  CHECK(on_toy[0].compute_cycles == toy_cycles);
  CHECK(on_dot[0].compute_cycles == planned_cycles(conv, dot, dot_product_tile_cycles));
  CHECK(on_toy[0].compute_cycles != on_dot[0].compute_cycles);
  // The dispatch the estimator uses gives the same cycles as the model.
  std::int64_t dispatched = 0;
  for (const Tile& t : plan_layer(conv, toy).tiles) dispatched += tile_cycles(conv, t, toy);
  CHECK(dispatched == toy_cycles);
  // The vector job runs on the vector unit whatever the compute kind.
  CHECK(on_toy[1].cycles == on_dot[1].cycles);
  CHECK(on_toy[1].compute_cycles == on_dot[1].compute_cycles);
}

TEST_CASE("compute.kind: an unknown kind is an error that lists the registered ones") {
  const std::string e = user_error([] { load_hw_string("compute: {kind: systolic}\n", "f.yaml"); });
  CHECK(contains(e, "f.yaml:1"));
  CHECK(contains(e, "compute.kind"));
  CHECK(contains(e, "dot_product_array"));
  // The vector unit runs vector jobs: it is no choice of compute.kind.
  CHECK(contains(user_error([] { load_hw_string("compute: {kind: vector_unit}\n", "f.yaml"); }),
                 "compute.kind"));
}

TEST_CASE("compute kinds: a new kind needs a new [a-z0-9_] name and both timing functions") {
  CHECK_THROWS_AS(register_compute_kind({"toy_array", Engine::Array, toy_tile_cycles,
                                         dot_product_peak_macs_per_cycle, ""}),
                  std::invalid_argument);
  CHECK_THROWS_AS(register_compute_kind({"Bad Name", Engine::Array, toy_tile_cycles,
                                         dot_product_peak_macs_per_cycle, ""}),
                  std::invalid_argument);
  CHECK_THROWS_AS(register_compute_kind(
                      {"no_rule", Engine::Array, nullptr, dot_product_peak_macs_per_cycle, ""}),
                  std::invalid_argument);
  CHECK(find_compute_kind("no_rule") == compute_kind_count());
}
