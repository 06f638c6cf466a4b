// Evaluation: objectives, constraints with units, rewards, the evaluators and the exact worker
// line format.
#include <doctest/doctest.h>

#include <cmath>

#include "hw_models/hw_spec.h"
#include "nas/evaluate.h"
#include "tests/common/test_util.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using test_util::user_error;

namespace {

nas::Metrics metrics(double latency, std::int64_t params, std::int64_t peak) {
  nas::Metrics m;
  m.latency_ms = latency;
  m.params = params;
  m.peak_activation_bytes = peak;
  m.macs = 10 * params;
  m.accuracy = 0.75;
  return m;
}

}  // namespace

TEST_CASE(
    "nas: objectives parse in order, accuracy is maximised by negation, bad lists are refused") {
  const auto o = nas::parse_objectives("latency,params,peak,accuracy");
  REQUIRE(o.size() == 4);
  CHECK(nas::objectives_text(o) == "latency,params,peak,accuracy");
  const nas::Metrics m = metrics(1.5, 2000, 300);
  CHECK(nas::objective_values(o, m) == std::vector<double>{1.5, 2000, 300, -0.75});
  CHECK(user_error([] { nas::parse_objectives("latency,latncy"); }) ==
        "--objectives: unknown objective 'latncy' (did you mean: latency?); expected a "
        "comma-separated list of: latency, params, peak, accuracy, macs, energy");
  CHECK(user_error([] { nas::parse_objectives("params,params"); }) ==
        "--objectives: 'params' is listed twice");
  CHECK(test_util::contains(user_error([] { nas::parse_objectives(""); }), "--objectives"));
}

TEST_CASE("nas: constraint limits take units and violation is the summed relative excess") {
  CHECK(nas::parse_latency_limit_ms("1.5ms", "--max-latency") == doctest::Approx(1.5));
  CHECK(nas::parse_latency_limit_ms("250us", "--max-latency") == doctest::Approx(0.25));
  CHECK(nas::parse_count_limit("2M", "--max-params") == 2e6);
  CHECK(nas::parse_bytes_limit("512KiB", "--max-peak-activation") == 524288.0);
  CHECK(user_error([] { nas::parse_latency_limit_ms("1.5", "--max-latency"); }) ==
        "--max-latency: missing unit in '1.5' (write e.g. 30ns)");
  CHECK(user_error([] { nas::parse_count_limit("0", "--max-params"); }) ==
        "--max-params: expected a positive limit, got '0'");
  CHECK(user_error([] { nas::parse_bytes_limit("-1KiB", "--max-peak-activation"); }) ==
        "--max-peak-activation: must not be negative, got '-1KiB'");

  const hw::HwSpec hw = hw::load_hw("npu-pf32");
  nas::Constraints c;
  CHECK(!c.any());
  CHECK(c.text() == "none");
  CHECK(nas::violation(c, metrics(100, 1e9, 1e9), hw) == 0);
  c.max_latency_ms = 2.0;
  c.max_params = 1000;
  CHECK(nas::violation(c, metrics(2.0, 1000, 1), hw) == 0);  // at the limit is feasible
  CHECK(nas::violation(c, metrics(3.0, 1000, 1), hw) == doctest::Approx(0.5));
  CHECK(nas::violation(c, metrics(3.0, 1500, 1), hw) == doctest::Approx(1.0));
  CHECK(c.text() == "latency <= 2 ms, params <= 1000");

  nas::Constraints sram;
  sram.sram_fit = true;
  nas::Metrics m = metrics(1, 1, hw.sram_activation_bytes);
  m.weight_bytes = hw.sram_weight_bytes;
  CHECK(nas::violation(sram, m, hw) == 0);
  m.peak_activation_bytes = hw.sram_activation_bytes * 2;
  CHECK(nas::violation(sram, m, hw) == doctest::Approx(1.0));
}

TEST_CASE(
    "nas: the MnasNet and TuNAS rewards follow their papers' formulas, and without one the score "
    "is the first objective") {
  const std::vector<nas::Objective> obj = {nas::Objective::Latency, nas::Objective::Accuracy};
  nas::Metrics m = metrics(2.0, 1, 1);
  m.accuracy = 0.8;
  nas::Reward none;
  CHECK(nas::score(none, obj, m) == 2.0);
  nas::Reward mnas{nas::RewardKind::Mnas, 1.0, -0.07};
  CHECK(nas::score(mnas, obj, m) == doctest::Approx(-0.8 * std::pow(2.0, -0.07)));
  nas::Reward tunas{nas::RewardKind::Tunas, 1.0, -0.07};
  CHECK(nas::score(tunas, obj, m) == doctest::Approx(-(0.8 - 0.07 * 1.0)));
  m.latency_ms = 0.5;  // TuNAS punishes being under the target as much as over it
  CHECK(nas::score(tunas, obj, m) == doctest::Approx(-(0.8 - 0.07 * 0.5)));
  CHECK(nas::parse_reward("tunas") == nas::RewardKind::Tunas);
  CHECK(test_util::contains(user_error([] { nas::parse_reward("mnsa"); }), "did you mean"));
}

TEST_CASE(
    "nas: the params and macs evaluators grow with the network, and none gives no evaluator") {
  const auto p = nas::make_evaluator("params");
  const auto m = nas::make_evaluator("macs");
  REQUIRE(p);
  REQUIRE(m);
  CHECK(nas::make_evaluator("none") == nullptr);
  const wl::Network small = wl::build_zoo("mobilenet_v2:width=0.5");
  const wl::Network large = wl::build_zoo("mobilenet_v2");
  CHECK(p->evaluate(small, 1) < p->evaluate(large, 1));
  CHECK(m->evaluate(small, 1) < m->evaluate(large, 1));
  CHECK(p->evaluate(large, 1) == p->evaluate(large, 2));
  CHECK(p->evaluate(large, 1) == doctest::Approx(std::log10(double(wl::total_params(large)))));
  CHECK(user_error([] { nas::make_evaluator("flops"); }) ==
        "--evaluator: unknown evaluator 'flops'; expected one of: params, macs, none");
}

TEST_CASE("nas: an evaluation's worker line round-trips exactly, NaN included") {
  nas::Evaluation e;
  e.metrics = metrics(0.1 + 0.2, 123456789, 42);
  e.metrics.cycles = 1.0 / 3.0;
  e.metrics.weight_bytes = 7;
  const nas::Evaluation back = nas::parse_evaluation_line(nas::evaluation_line(e));
  CHECK(back.status == nas::Status::Ok);
  CHECK(back.metrics.latency_ms == e.metrics.latency_ms);
  CHECK(back.metrics.cycles == e.metrics.cycles);
  CHECK(back.metrics.params == e.metrics.params);
  CHECK(back.metrics.weight_bytes == 7);
  CHECK(std::isnan(back.metrics.energy_uj));
  CHECK(back.metrics.accuracy == 0.75);
  nas::Evaluation f;
  f.status = nas::Status::Failed;
  f.reason = "no\nnewline";
  const nas::Evaluation fb = nas::parse_evaluation_line(nas::evaluation_line(f));
  CHECK(fb.status == nas::Status::Failed);
  CHECK(fb.reason == "no newline");
  CHECK(test_util::contains(user_error([] { nas::parse_evaluation_line("ok\t1"); }), "malformed"));
}

TEST_CASE(
    "nas: evaluating by simulation gives the simulator's cycles and energy, and analysis "
    "metrics equal the workload analysis") {
  const hw::HwSpec hw = hw::load_hw("npu-pf32");
  const wl::Network net = wl::build_zoo("tiny");
  nas::EvalContext ctx;
  ctx.mode = nas::ScoreMode::Sim;
  ctx.hw = &hw;
  const auto acc = nas::make_evaluator("params");
  ctx.accuracy = acc.get();
  const auto out = nas::evaluate_batch({&net, &net}, ctx);
  REQUIRE(out.size() == 2);
  REQUIRE(out[0].status == nas::Status::Ok);
  CHECK(out[0].metrics.cycles > 0);
  CHECK(out[0].metrics.energy_uj > 0);
  CHECK(out[0].metrics.params == wl::total_params(net));
  CHECK(out[0].metrics.macs == wl::total_macs(net));
  CHECK(out[1].metrics.cycles == out[0].metrics.cycles);
  ctx.workers = 2;  // forked workers give the same, exactly
  const auto forked = nas::evaluate_batch({&net, &net}, ctx);
  CHECK(nas::evaluation_line(forked[0]) == nas::evaluation_line(out[0]));
  CHECK(nas::evaluation_line(forked[1]) == nas::evaluation_line(out[1]));
}
