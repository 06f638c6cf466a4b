// The flat summary of a unit: CSV columns and the estimator's features.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

#include "calibration/estimator/unit.h"
#include "calibration/estimator/unit_summary.h"
#include "tests/calibration/cal_helpers.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using cal::UnitType;

namespace {

std::map<std::string, cal::UnitSummary> ibn_summaries(const wl::Network& net,
                                                      const sim::PlanOptions& opt = {}) {
  std::map<std::string, cal::UnitSummary> out;
  for (const auto& u : cal::decompose(net, test::pf32(), opt)) {
    if (!u.block.empty()) out[u.block] = cal::summarize(u.desc);
  }
  return out;
}

}  // namespace

TEST_CASE("unit summary: MobileNetV2 blocks have Table 2's channels, strides and expansions") {
  const auto s = ibn_summaries(wl::build_zoo("mobilenet_v2"));
  REQUIRE(s.size() == 17);

  // ibn1: t=1 (no expand conv), 32 -> 16 channels at 112x112, stride 1, no residual.
  const auto& b1 = s.at("ibn1");
  CHECK(b1.type == UnitType::Ibn);
  CHECK(b1.layers == 2);
  CHECK((b1.in_h == 112 && b1.in_w == 112 && b1.in_c == 32));
  CHECK((b1.out_h == 112 && b1.out_w == 112 && b1.out_c == 16));
  CHECK(b1.stride == 1);
  CHECK(b1.expansion == 1.0);
  CHECK(!b1.has_residual);

  // ibn2: first block of stage 2, t=6, 16 -> 24 channels, stride 2.
  const auto& b2 = s.at("ibn2");
  CHECK((b2.in_h == 112 && b2.in_c == 16 && b2.out_h == 56 && b2.out_w == 56 && b2.out_c == 24));
  CHECK(b2.stride == 2);
  CHECK(b2.expansion == 6.0);
  CHECK(!b2.has_residual);

  // ibn3: the repeat, 56x56x24 -> 56x56x24 through 144 channels, with the residual add.
  const auto& b3 = s.at("ibn3");
  CHECK(b3.layers == 3);  // the residual add is fused into the project conv (F1)
  CHECK(std::string(b3.fused) == "add");
  CHECK((b3.in_h == 56 && b3.in_c == 24 && b3.out_h == 56 && b3.out_c == 24));
  CHECK(b3.stride == 1);
  CHECK(b3.kernel == 3);
  CHECK(b3.expansion == 6.0);
  CHECK(b3.has_residual);
  CHECK(b3.depthwise);
  CHECK(!b3.has_se);
  CHECK(b3.precision == Precision::Int8);
  CHECK(!b3.mixed_precision);
  // expand 24 -> 144, depthwise 3x3 on 144, project 144 -> 24, at 56x56; batch-norm biases.
  CHECK(b3.macs == 56 * 56 * (24 * 144 + 144 * 9 + 144 * 24));
  CHECK(b3.params == (24 * 144 + 144) + (9 * 144 + 144) + (144 * 24 + 24));
  CHECK(b3.input_elements == 56 * 56 * 24);
  CHECK(b3.output_elements == 56 * 56 * 24);

  // ibn17: the last block, 7x7x160 -> 7x7x320 through 960 channels.
  const auto& b17 = s.at("ibn17");
  CHECK((b17.in_h == 7 && b17.in_c == 160 && b17.out_h == 7 && b17.out_c == 320));
  CHECK(b17.expansion == 6.0);
}

TEST_CASE("unit summary: the units' MACs, params and vector ops sum to the network's") {
  sim::PlanOptions batch2;
  batch2.batch = 2;
  for (const auto& entry : wl::zoo_entries()) {
    const wl::Network net = wl::build_zoo(entry.name);
    INFO(entry.name);
    std::int64_t vector_ops = 0;
    for (std::size_t i = 0; i < net.size(); ++i) vector_ops += wl::layer_vector_ops(net, i);
    for (const sim::PlanOptions& opt : {sim::PlanOptions{}, batch2}) {
      std::int64_t macs = 0, params = 0, ops = 0;
      for (const auto& u : cal::decompose(net, test::pf32(), opt)) {
        const cal::UnitSummary s = cal::summarize(u.desc);
        CHECK(s.batch == opt.batch);
        macs += s.macs;
        params += s.params;
        ops += s.vector_ops;
      }
      CHECK(macs == wl::total_macs(net) * opt.batch);
      CHECK(params == wl::total_params(net));
      CHECK(ops == vector_ops * opt.batch);
    }
  }
}

TEST_CASE("unit summary: squeeze-excite is seen inside IBNs and only where it is") {
  const auto s = ibn_summaries(wl::build_zoo("mobilenet_v3_large"));
  int with_se = 0;
  for (const auto& [block, summary] : s) with_se += summary.has_se ? 1 : 0;
  CHECK(with_se > 0);
  CHECK(with_se < static_cast<int>(s.size()));
  for (const auto& [block, summary] : ibn_summaries(wl::build_zoo("mobilenet_v2")))
    CHECK(!summary.has_se);
}

TEST_CASE("unit summary: forced int16 and the context show in the row") {
  sim::PlanOptions int16;
  int16.precision = Precision::Int16;
  const auto units = cal::decompose(wl::build_zoo("mobilenet_v2"), test::pf32(), int16);
  for (const auto& u : units) {
    const cal::UnitSummary s = cal::summarize(u.desc);
    CHECK(s.precision == Precision::Int16);
    CHECK(s.output_on_chip == u.desc.layers.back().output_on_chip);
    CHECK(s.output_to_dram == u.desc.layers.back().output_to_dram);
  }
  // The classifier writes the network's output to DRAM.
  const cal::UnitSummary last = cal::summarize(units.back().desc);
  CHECK(last.type == UnitType::Conv);
  CHECK(last.output_to_dram);
  CHECK(last.out_c == 1000);
}

TEST_CASE("unit summary: one value per column, CSV-safe, and deterministic") {
  const auto& columns = cal::summary_columns();
  CHECK(std::set<std::string>(columns.begin(), columns.end()).size() == columns.size());
  const auto units = cal::decompose(wl::build_zoo("mobilenet_v3_small"), test::pf32(), {});
  for (const auto& u : units) {
    const auto values = cal::summary_values(cal::summarize(u.desc));
    REQUIRE(values.size() == columns.size());
    CHECK(values == cal::summary_values(cal::summarize(u.desc)));
    for (const std::string& v : values) {
      CHECK(!v.empty());
      CHECK(v.find_first_of(",\"\n ") == std::string::npos);
    }
  }
  const auto values = cal::summary_values(cal::summarize(units.at(1).desc));
  std::map<std::string, std::string> row;
  for (std::size_t k = 0; k < columns.size(); ++k) row[columns[k]] = values[k];
  CHECK(row.at("type") == "ibn");
  CHECK(row.at("precision") == "int8");
  CHECK((row.at("has_se") == "0" || row.at("has_se") == "1"));
  CHECK(row.at("expansion").find('.') != std::string::npos);
}
