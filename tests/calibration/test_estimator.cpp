// The latency estimator: features, the flat tree walker against XGBoost, fitting on a small
// label store made in-process, the estimator file's contract and pure, thread-count-free
// prediction.
#include <doctest/doctest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "calibration/estimator/estimator.h"
#include "calibration/estimator/unit_features.h"
#include "calibration/labels/label_gen.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/small_space.h"
#include "workloads/config/error.h"
#include "workloads/zoo/zoo.h"

namespace {

namespace fs = std::filesystem;
using namespace accelnas;

cal::FitOptions small_fit() {
  cal::FitOptions o;
  o.rounds = 60;
  o.max_depth = 5;
  o.eta = 0.2;
  return o;
}

// One label store and one estimator for the whole file (made on first use).
test::EstimatorFixture& fixture() {
  static test::ProcessTempDir tmp("accelnas_est");
  static test::EstimatorFixture f = test::make_estimator_fixture(tmp.path, 400, 3, small_fit());
  return f;
}

// Every usable label's features and cycles.
struct Rows {
  std::vector<float> x;
  std::vector<double> cycles;
  std::vector<cal::UnitDesc> descs;
};
Rows label_rows() {
  test::EstimatorFixture& f = fixture();
  const hw::HwSpec hw = hw::load_hw("npu-pf32");
  Rows r;
  std::vector<float> row(cal::feature_count());
  cal::LabelDb(f.db_path, cal::LabelDb::Mode::ReadOnly).for_each([&](const cal::LabelRow& l) {
    if (l.status != "ok") return;
    r.descs.push_back(cal::parse_unit_text(l.unit_text, "test"));
    cal::unit_features(r.descs.back(), hw, row.data());
    r.x.insert(r.x.end(), row.begin(), row.end());
    r.cycles.push_back(static_cast<double>(l.stats.cycles));
  });
  return r;
}

std::vector<wl::Network> zoo_nets() {
  return {wl::build_zoo("tiny"), wl::build_zoo("mobilenet_v2")};
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void check_identical(const cal::NetworkPrediction& a, const cal::NetworkPrediction& b) {
  REQUIRE(a.units.size() == b.units.size());
  CHECK(same_bits(a.cycles, b.cycles));
  for (std::size_t u = 0; u < a.units.size(); ++u)
    CHECK(same_bits(a.units[u].cycles, b.units[u].cycles));
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("features: fixed length, and the same unit gives the same vector") {
  const Rows r = label_rows();
  REQUIRE(!r.descs.empty());
  const hw::HwSpec hw = hw::load_hw("npu-pf32");
  std::vector<float> again(cal::feature_count());
  cal::unit_features(r.descs[0], hw, again.data());
  CHECK(std::memcmp(again.data(), r.x.data(), again.size() * sizeof(float)) == 0);
  CHECK(r.x.size() == r.descs.size() * cal::feature_count());
}

TEST_CASE("features: the tile-program replay gives every label's simulated cycles exactly") {
  const Rows r = label_rows();
  const std::size_t timeline = cal::feature_index("timeline_cycles");
  std::size_t exact = 0;
  for (std::size_t i = 0; i < r.cycles.size(); ++i)
    exact += static_cast<double>(r.x[i * cal::feature_count() + timeline]) == r.cycles[i];
  INFO("exact " << exact << " of " << r.cycles.size());
  CHECK(exact == r.cycles.size());
}

TEST_CASE("estimator: the fit report on a small label set is sane") {
  const cal::FitReport& rep = fixture().report;
  INFO(cal::format_report(rep));
  CHECK(rep.labels > 300);
  CHECK(rep.validation_rows > 30);
  CHECK(rep.train_rows + rep.validation_rows == rep.labels);
  CHECK(rep.overall.count == rep.validation_rows);
  CHECK(rep.overall.mape < 15.0);
  CHECK(rep.overall.within10 > 0.5);
  CHECK((rep.layout == "per-type" || rep.layout == "global"));
}

TEST_CASE("tree walker: reproduces XGBoost's own margins") {
  const Rows r = label_rows();
  std::vector<float> y;
  for (double c : r.cycles) y.push_back(static_cast<float>(std::log(c)));
  cal::FitOptions o = small_fit();
  o.rounds = 40;
  const cal::TrainedForest t = cal::train_forest(r.x, cal::feature_count(), y, o, &r.x);
  REQUIRE(t.xgboost_margins.size() == r.cycles.size());
  double worst = 0;
  for (std::size_t i = 0; i < r.cycles.size(); ++i) {
    const double ours = t.forest.margin(&r.x[i * cal::feature_count()]);
    const double theirs = t.xgboost_margins[i];
    worst = std::max(worst, std::fabs(ours - theirs) / std::max(1.0, std::fabs(theirs)));
  }
  CHECK(worst <= 1e-6);
}

TEST_CASE("estimator file: save then load predicts bit-identically") {
  test::EstimatorFixture& f = fixture();
  const std::string path = (f.dir / "est.json").string();
  f.est->save(path);
  CHECK(!fs::exists(path + ".tmp"));
  const cal::Estimator loaded = cal::Estimator::load(path);
  CHECK(loaded.hw_hash() == f.hw_hash);
  CHECK(loaded.labels() == f.est->labels());
  const sim::PlanOptions opt;
  for (const wl::Network& net : zoo_nets())
    check_identical(f.est->predict(net, opt), loaded.predict(net, opt));
  const hw::HwSpec pf32 = hw::load_hw("npu-pf32");
  const cal::Estimator checked = cal::Estimator::load(path, &pf32, false);
  check_identical(f.est->predict(wl::build_zoo("tiny"), opt),
                  checked.predict(wl::build_zoo("tiny"), opt));
}

TEST_CASE("estimator file: another hardware is refused unless forced") {
  test::EstimatorFixture& f = fixture();
  const std::string path = (f.dir / "est_hw.json").string();
  f.est->save(path);
  const hw::HwSpec pf16 = hw::load_hw("npu-pf16");
  const std::string err = error_of([&] { cal::Estimator::load(path, &pf16, false); });
  CHECK(err.find(path) != std::string::npos);
  CHECK(err.find("hardware") != std::string::npos);
  const cal::Estimator forced = cal::Estimator::load(path, &pf16, true);
  CHECK(forced.hw().parallelism_factor == pf16.parallelism_factor);
  CHECK(forced.predict(wl::build_zoo("tiny"), sim::PlanOptions{}).cycles > 0);
}

TEST_CASE("estimator file: truncated, garbage or newer files are errors naming the file") {
  test::EstimatorFixture& f = fixture();
  const std::string good = (f.dir / "est_good.json").string();
  f.est->save(good);
  std::stringstream ss;
  ss << std::ifstream(good).rdbuf();
  const std::string text = ss.str();
  auto write = [&](const std::string& name, const std::string& body) {
    const std::string p = (f.dir / name).string();
    std::ofstream(p, std::ios::trunc) << body;
    return p;
  };
  const std::string truncated = write("truncated.json", text.substr(0, text.size() / 2));
  const std::string garbage = write("garbage.json", "\x01\x02 not json at all");
  std::string newer_text = text;
  const std::string key = "\"format_version\":1";
  REQUIRE(newer_text.find(key) != std::string::npos);
  newer_text.replace(newer_text.find(key), key.size(), "\"format_version\":2");
  const std::string newer = write("newer.json", newer_text);
  const std::string missing = (f.dir / "missing.json").string();
  for (const std::string& p : {truncated, garbage, newer, missing}) {
    const std::string err = error_of([&] { cal::Estimator::load(p); });
    INFO(err);
    CHECK(err.rfind(p + ": ", 0) == 0);
  }
  CHECK(error_of([&] { cal::Estimator::load(newer); }).find("newer") != std::string::npos);
}

TEST_CASE("estimator: predictions are identical with 1 and 2 OpenMP threads") {
  test::EstimatorFixture& f = fixture();
  std::vector<wl::Network> nets;
  for (int k = 0; k < 3; ++k)
    for (wl::Network& n : zoo_nets()) nets.push_back(std::move(n));
  const sim::PlanOptions opt;
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = f.est->predict_batch(nets, opt);
  omp_set_num_threads(2);
  const auto two = f.est->predict_batch(nets, opt);
  omp_set_num_threads(before);
  REQUIRE(one.size() == nets.size());
  for (std::size_t i = 0; i < nets.size(); ++i) {
    CHECK(one[i].error.empty());
    check_identical(one[i], two[i]);
    check_identical(one[i], f.est->predict(nets[i], opt));
  }
}

TEST_CASE("estimator: a network's cycles are the sum of its units' predicted cycles") {
  test::EstimatorFixture& f = fixture();
  for (const wl::Network& net : zoo_nets()) {
    INFO(net.name);
    const cal::NetworkPrediction p = f.est->predict(net, sim::PlanOptions{});
    double sum = 0;
    for (const cal::UnitPrediction& u : p.units) {
      CHECK(u.cycles > 0);
      sum += u.cycles;
    }
    CHECK(!p.units.empty());
    CHECK(p.cycles == sum);
    CHECK(p.cycles > 0);
    CHECK(p.latency_ms == doctest::Approx(p.cycles / f.est->hw().clock_hz * 1e3));
    CHECK(p.params == wl::total_params(net));
    CHECK(p.peak_activation_bytes > 0);
  }
}

TEST_CASE("estimator: a unit that cannot be mapped makes its network an error") {
  test::EstimatorFixture& f = fixture();
  const std::string path = (f.dir / "est_small_sram.json").string();
  f.est->save(path);
  const hw::HwSpec small = hw::load_hw("npu-pf32", {{"sram.weights", "1KiB"}});
  const cal::Estimator e = cal::Estimator::load(path, &small, true);
  const wl::Network net = wl::build_zoo("mobilenet_v2");
  const std::string err = error_of([&] { e.predict(net, sim::PlanOptions{}); });
  CHECK(err.find(net.name + ": unit ") == 0);
  const auto batch = e.predict_batch({net}, sim::PlanOptions{});
  CHECK(batch[0].error == err);
}
