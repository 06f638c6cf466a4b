// The estimator's fast prediction path keeps the contract of the reference one: features from
// the planner's jobs and the source network equal those rebuilt from each unit's description,
// the prediction cache never changes a result (cold, warm, disabled, bounded, 1 or 2 threads),
// and the network totals equal the workload analyses they replace. Behaviour only: the speed
// itself is measured by accelnas_bench_estimator.
#include <doctest/doctest.h>
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "calibration/estimator/estimator.h"
#include "calibration/estimator/unit_features.h"
#include "calibration/estimator/unit_summary.h"
#include "calibration/labels/label_gen.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/small_space.h"
#include "workloads/analysis/memory.h"
#include "workloads/config/error.h"
#include "workloads/zoo/zoo.h"

namespace {

using namespace accelnas;

// One small estimator for the file (made on first use).
test::EstimatorFixture& fixture() {
  static test::ProcessTempDir tmp("accelnas_speed");
  static test::EstimatorFixture f = [] {
    cal::FitOptions o;
    o.rounds = 40;
    o.max_depth = 5;
    o.min_type_rows = 20;
    return test::make_estimator_fixture(tmp.path, 200, 5, o);
  }();
  return f;
}

std::vector<wl::Network> zoo() {
  std::vector<wl::Network> nets;
  for (const wl::ZooEntry& e : wl::zoo_entries()) nets.push_back(wl::build_zoo(e.name));
  return nets;
}

// The zoo plus width / resolution variants that share blocks with mobilenet_v2.
std::vector<wl::Network> population() {
  std::vector<wl::Network> nets = zoo();
  for (const char* spec : {"mobilenet_v2:width=0.5", "mobilenet_v2:resolution=160",
                           "mobilenet_v2:width=0.75,resolution=192", "mobilenet_v2:width=1.4"})
    nets.push_back(wl::build_zoo(spec));
  return nets;
}

// Contexts that exercise every branch of the jobs: batch, precision override, resident inputs
// and outputs, reserved SRAM.
std::vector<sim::PlanOptions> contexts() {
  sim::PlanOptions plain;
  sim::PlanOptions batched;
  batched.batch = 2;
  batched.precision = Precision::Int16;
  sim::PlanOptions inside;
  inside.inputs_on_chip = true;
  inside.outputs_on_chip = true;
  inside.reserved_activation_bytes = 64 * 1024;
  return {plain, batched, inside};
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void check_identical(const cal::NetworkPrediction& a, const cal::NetworkPrediction& b) {
  CHECK(a.error == b.error);
  REQUIRE(a.units.size() == b.units.size());
  CHECK(same_bits(a.cycles, b.cycles));
  CHECK(same_bits(a.latency_ms, b.latency_ms));
  CHECK(a.params == b.params);
  CHECK(a.peak_activation_bytes == b.peak_activation_bytes);
  for (std::size_t u = 0; u < a.units.size(); ++u) {
    CHECK(a.units[u].type == b.units[u].type);
    CHECK(same_bits(a.units[u].cycles, b.units[u].cycles));
  }
}

void check_same_summary(const cal::UnitSummary& a, const cal::UnitSummary& b) {
  CHECK(cal::summary_values(a) == cal::summary_values(b));
  CHECK(same_bits(a.expansion, b.expansion));
}

}  // namespace

TEST_CASE("unit features: the planner's jobs and the source network give the rebuilt features") {
  const hw::HwSpec hw = hw::load_hw("npu-pf32");
  const std::size_t n = cal::feature_count();
  std::vector<float> reference(n), fast(n);
  for (const sim::PlanOptions& opt : contexts()) {
    for (const wl::Network& net : zoo()) {
      INFO(net.name << " batch " << opt.batch);
      const sim::NetworkPlan plan = sim::plan_network(net, hw, opt);
      const std::vector<cal::Unit> units = cal::decompose(net, hw, opt, plan);
      for (const cal::Unit& u : units) {
        std::vector<const hw::LayerJob*> jobs;
        for (const std::size_t j : u.jobs) jobs.push_back(&plan.jobs[j]);
        const cal::UnitSummary s = cal::summarize_in(u.desc, net, u, jobs, hw);
        check_same_summary(s, cal::summarize(u.desc));
        std::vector<cal::LayerTerms> terms;
        for (const hw::LayerJob* j : jobs) terms.push_back(cal::layer_terms(*j, hw));
        std::vector<const cal::LayerTerms*> ptrs;
        for (const cal::LayerTerms& t : terms) ptrs.push_back(&t);
        cal::assemble_features(u.desc, s, ptrs, hw, fast.data());
        cal::unit_features(u.desc, hw, reference.data());
        CHECK(std::memcmp(fast.data(), reference.data(), n * sizeof(float)) == 0);
      }
    }
  }
}

TEST_CASE("estimator: each unit's predicted cycles equal predict_unit of its description") {
  const cal::Estimator& est = *fixture().est;
  for (const sim::PlanOptions& opt : contexts()) {
    for (const wl::Network& net : zoo()) {
      INFO(net.name << " batch " << opt.batch);
      const cal::NetworkPrediction p = est.predict(net, opt);
      const std::vector<cal::Unit> units = cal::decompose(net, est.hw(), opt);
      REQUIRE(p.units.size() == units.size());
      for (std::size_t u = 0; u < units.size(); ++u)
        CHECK(same_bits(p.units[u].cycles, est.predict_unit(units[u].desc)));
    }
  }
}

TEST_CASE("estimator: params and peak activation equal the workload analyses") {
  const cal::Estimator& est = *fixture().est;
  for (const sim::PlanOptions& opt : contexts()) {
    for (const wl::Network& net : zoo()) {
      INFO(net.name << " batch " << opt.batch);
      const cal::NetworkPrediction p = est.predict(net, opt);
      CHECK(p.params == wl::total_params(net));
      CHECK(p.peak_activation_bytes ==
            wl::peak_activation_bytes(net, wl::MemoryOptions{opt.batch, opt.precision}));
    }
  }
}

TEST_CASE("prediction cache: cold, warm and disabled caches predict bit-identically") {
  cal::Estimator cached = *fixture().est;  // a copy starts with an empty cache
  cal::Estimator uncached = *fixture().est;
  uncached.set_cache_capacity(0, 0);
  CHECK(cached.cache_stats().units == 0);
  for (const sim::PlanOptions& opt : contexts()) {
    cached.clear_cache();
    const std::vector<wl::Network> nets = population();
    std::vector<cal::NetworkPrediction> cold;
    for (const wl::Network& net : nets) cold.push_back(cached.predict(net, opt));
    for (std::size_t i = 0; i < nets.size(); ++i) {
      INFO(nets[i].name << " batch " << opt.batch);
      const cal::NetworkPrediction warm = cached.predict(nets[i], opt);
      const cal::NetworkPrediction none = uncached.predict(nets[i], opt);
      check_identical(cold[i], warm);
      check_identical(cold[i], none);
      check_identical(cold[i], uncached.predict_reference(nets[i], opt));
    }
  }
  const cal::PredictionCacheStats s = cached.cache_stats();
  CHECK(s.units > 0);
  CHECK(s.layers > 0);
  CHECK(s.unit_hits > 0);
  const cal::PredictionCacheStats off = uncached.cache_stats();
  CHECK(off.units == 0);
  CHECK(off.layers == 0);
}

TEST_CASE("prediction cache: predict_batch with 1 and 2 threads gives identical predictions") {
  cal::Estimator est = *fixture().est;
  std::vector<wl::Network> nets;
  for (int k = 0; k < 2; ++k)
    for (wl::Network& n : population()) nets.push_back(std::move(n));
  const sim::PlanOptions opt;
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = est.predict_batch(nets, opt);
  est.clear_cache();
  omp_set_num_threads(2);
  const auto two_cold = est.predict_batch(nets, opt);
  const auto two_warm = est.predict_batch(nets, opt);
  omp_set_num_threads(before);
  REQUIRE(one.size() == nets.size());
  for (std::size_t i = 0; i < nets.size(); ++i) {
    INFO(nets[i].name);
    CHECK(one[i].error.empty());
    check_identical(one[i], two_cold[i]);
    check_identical(one[i], two_warm[i]);
  }
}

TEST_CASE("prediction cache: never holds more entries than its capacity") {
  cal::Estimator bounded = *fixture().est;
  cal::Estimator reference = *fixture().est;
  reference.set_cache_capacity(0, 0);
  bounded.set_cache_capacity(16, 32);  // one entry per shard for units, two for layers
  const sim::PlanOptions opt;
  for (int pass = 0; pass < 2; ++pass) {
    for (const wl::Network& net : population()) {
      INFO(net.name);
      check_identical(bounded.predict(net, opt), reference.predict(net, opt));
      const cal::PredictionCacheStats s = bounded.cache_stats();
      CHECK(s.units <= 16);
      CHECK(s.layers <= 32);
    }
  }
}

TEST_CASE("prediction cache: an unmappable unit is reported the same after a warm cache") {
  test::EstimatorFixture& f = fixture();
  const std::string path = (f.dir / "est_small_sram.json").string();
  f.est->save(path);
  const hw::HwSpec small = hw::load_hw("npu-pf32", {{"sram.weights", "1KiB"}});
  const cal::Estimator e = cal::Estimator::load(path, &small, true);
  const wl::Network net = wl::build_zoo("mobilenet_v2");
  std::string first, second;
  try {
    e.predict(net, sim::PlanOptions{});
  } catch (const UserError& ex) {
    first = ex.what();
  }
  try {
    e.predict(net, sim::PlanOptions{});
  } catch (const UserError& ex) {
    second = ex.what();
  }
  CHECK(first.find(net.name + ": unit ") == 0);
  CHECK(first == second);
  CHECK(e.predict_batch({net}, sim::PlanOptions{})[0].error == first);
}

TEST_CASE(
    "storage reuse: planning and decomposing networks of varying size into the same buffers "
    "gives what fresh calls give") {
  const hw::HwSpec& hw = test::pf32();
  std::vector<wl::Network> nets = population();
  // Long, short, long again: every slot is reused for a job or unit of another kind.
  std::reverse(nets.begin() + static_cast<std::ptrdiff_t>(nets.size() / 2), nets.end());
  sim::NetworkPlan plan;
  std::vector<cal::Unit> units;
  for (const sim::PlanOptions& opt : contexts()) {
    for (const wl::Network& net : nets) {
      INFO(net.name << ", batch " << opt.batch << ", inputs on chip " << opt.inputs_on_chip);
      const sim::NetworkPlan fresh = sim::plan_network(net, hw, opt);
      sim::plan_network(net, hw, opt, plan);
      CHECK(plan.layer_of_job == fresh.layer_of_job);
      REQUIRE(plan.jobs.size() == fresh.jobs.size());
      for (std::size_t j = 0; j < plan.jobs.size(); ++j) {
        CHECK(plan.jobs[j].name == fresh.jobs[j].name);
        test::check_same_job(plan.jobs[j], fresh.jobs[j], "job " + std::to_string(j));
      }
      const std::vector<cal::Unit> fresh_units = cal::decompose(net, hw, opt, fresh);
      cal::decompose(net, hw, opt, plan, units);
      REQUIRE(units.size() == fresh_units.size());
      for (std::size_t u = 0; u < units.size(); ++u) {
        CHECK(cal::canonical_text(units[u].desc) == cal::canonical_text(fresh_units[u].desc));
        CHECK(units[u].block == fresh_units[u].block);
        CHECK(units[u].layers == fresh_units[u].layers);
        CHECK(units[u].jobs == fresh_units[u].jobs);
      }
      const wl::MemoryOptions mem{opt.batch, opt.precision};
      CHECK(wl::peak_activation_bytes(net, mem) ==
            wl::peak_activation_bytes(net, net.order(), mem));
    }
  }
}
