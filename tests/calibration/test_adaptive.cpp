// Adaptive sampling: the neighbourhood space is built around the worst-predicted labels, its
// draws are neighbours of them, and the bad cases are clear errors.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "calibration/estimator/unit_summary.h"
#include "calibration/labels/adaptive.h"
#include "calibration/labels/label_gen.h"
#include "calibration/labels/sampler.h"
#include "calibration/labels/space.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/small_space.h"
#include "tests/common/test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace accelnas;

struct Store {
  fs::path dir = fs::temp_directory_path() / ("accelnas_adaptive_" + std::to_string(::getpid()));
  std::string db;
  Store() { db = test::make_label_store(dir, 300, 5); }
  ~Store() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

TEST_CASE("adaptive: the space samples around the worst-predicted units") {
  const Store store;
  const cal::LabelDb db(store.db, cal::LabelDb::Mode::ReadOnly);
  const std::string hw_hash = db.hardware().front().hash;
  cal::FitOptions fit;
  fit.rounds = 20;  // a deliberately rough estimator: raw target, few rounds
  fit.target = cal::Target::LogCycles;
  const cal::Estimator est = cal::fit(db, hw_hash, fit);

  cal::AdaptiveOptions opt;
  CHECK(opt.min_error > 0);  // the default chases real errors only
  opt.worst = 10;
  cal::AdaptiveReport report;
  const std::string yaml = cal::adaptive_space(db, est, opt, &report);
  REQUIRE(report.chosen.size() == 10);
  CHECK(report.max_abs_error == std::fabs(report.chosen.front().error));
  CHECK(report.scored > 200);
  for (std::size_t i = 1; i < report.chosen.size(); ++i)
    CHECK(std::fabs(report.chosen[i - 1].error) >= std::fabs(report.chosen[i].error));
  CHECK(std::fabs(report.chosen.back().error) >= report.mean_abs_error);
  // The same database and estimator give the same space.
  CHECK(cal::adaptive_space(db, est, opt) == yaml);

  // Every draw is a neighbour of a chosen unit: same type, resolution and channels within the
  // steps.
  std::vector<cal::UnitSummary> worst;
  db.for_each([&](const cal::LabelRow& r) {
    for (const auto& c : report.chosen) {
      if (c.key == r.key) worst.push_back(cal::summarize(cal::parse_unit_text(r.unit_text, "db")));
    }
  });
  REQUIRE(worst.size() == 10);
  const cal::Space space = cal::parse_space_string(yaml, "adaptive");
  REQUIRE(space.units.size() == 10);
  const cal::Sampler sampler(space, est.hw(), 1);
  for (std::uint64_t i = 0; i < 100; ++i) {
    const cal::UnitSummary s = cal::summarize(sampler.sample(i));
    bool near = false;
    for (const auto& w : worst) {
      near = near || (s.type == w.type && std::llabs(s.in_h - w.in_h) <= opt.resolution_step &&
                      std::llabs(s.in_c - w.in_c) <= opt.channel_step &&
                      s.precision == w.precision && s.batch == w.batch);
    }
    CHECK(near);
  }

  // Errors no larger than --min-error leave nothing to chase: no space, so nothing simulated.
  opt.min_error = report.max_abs_error;
  cal::AdaptiveReport none;
  CHECK(cal::adaptive_space(db, est, opt, &none).empty());
  CHECK(none.chosen.empty());
  CHECK(none.scored == report.scored);
  CHECK(none.max_abs_error == report.max_abs_error);
  opt.min_error = 0;
  opt.worst = 0;
  CHECK(test_util::contains(test_util::user_error([&] { cal::adaptive_space(db, est, opt); }),
                            "--worst"));
}
