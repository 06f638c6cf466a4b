// Labels from anywhere: CSV reading, `labels import`'s contract (both row forms, all-or-nothing,
// reruns, conflicting measurements), and the round trip that shows the estimator learns its
// labels: units "measured" on a chip that is not our simulator (its cycles distorted per unit
// type, non-linearly) are imported, fitted, and predicted as that chip, not as the simulator.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "calibration/estimator/coverage.h"
#include "calibration/estimator/estimator.h"
#include "calibration/estimator/unit_features.h"
#include "calibration/labels/csv_table.h"
#include "calibration/labels/label_db.h"
#include "calibration/labels/label_import.h"
#include "calibration/labels/sampler.h"
#include "calibration/labels/space.h"
#include "sim/report.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/test_util.h"

namespace {

namespace fs = std::filesystem;
using namespace accelnas;

// The "other chip": per unit type a scale, an exponent on the simulator's cycles and a fixed
// overhead, so no single factor maps it onto the simulator.
double distorted(double sim_cycles, cal::UnitType t) {
  switch (t) {
    case cal::UnitType::Conv:
      return 1.6 * std::pow(sim_cycles, 1.05) + 3000;
    case cal::UnitType::Vector:
      return 4.0 * sim_cycles + 9000;
    case cal::UnitType::Ibn:
      return 0.55 * std::pow(sim_cycles, 1.08) + 1500;
    default:
      return 2.0 * sim_cycles + 5000;
  }
}

std::string write(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

// unit_text,cycles rows from every ok label of `db`, with the distorted cycles.
std::string distorted_csv(const std::string& db_path) {
  std::ostringstream os;
  sim::write_csv_row(os, {"unit_text", "cycles"});
  cal::LabelDb(db_path, cal::LabelDb::Mode::ReadOnly).for_each([&](const cal::LabelRow& r) {
    if (r.status != "ok") return;
    const cal::UnitDesc d = cal::parse_unit_text(r.unit_text, "db");
    const double c = distorted(static_cast<double>(r.stats.cycles), d.type);
    sim::write_csv_row(os, {r.unit_text, std::to_string(std::llround(c))});
  });
  return os.str();
}

std::string import_error(const std::string& db, const std::string& csv,
                         const cal::ImportOptions& opt = {}) {
  return test_util::user_error([&] {
    cal::LabelDb store(db, cal::LabelDb::Mode::Create);
    cal::import_labels(store, test::pf32(), csv, opt, false);
  });
}

}  // namespace

TEST_CASE("csv: quoted fields keep commas, quotes and line breaks, and rows keep their lines") {
  const cal::CsvTable t =
      cal::parse_csv("a,b\n\"x,1\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",3\n", "f");
  REQUIRE(t.rows.size() == 2);
  CHECK(t.header == std::vector<std::string>{"a", "b"});
  CHECK(t.rows[0].fields == std::vector<std::string>{"x,1", "say \"hi\""});
  CHECK(t.rows[0].line == 2);
  CHECK(t.rows[1].fields[0] == "two\nlines");
  CHECK(t.rows[1].line == 4);
}

TEST_CASE("csv: ragged rows, repeated columns and open quotes are errors naming file and line") {
  CHECK(test_util::contains(test_util::user_error([] { cal::parse_csv("a,b\n1\n", "m.csv"); }),
                            "m.csv:2: 1 fields, the header has 2"));
  CHECK(test_util::contains(test_util::user_error([] { cal::parse_csv("a,a\n1,2\n", "m.csv"); }),
                            "m.csv:1: column a given twice"));
  CHECK(test_util::contains(test_util::user_error([] { cal::parse_csv("a\n\"1\n", "m.csv"); }),
                            "m.csv:2: unterminated quoted field"));
  CHECK(test_util::contains(test_util::user_error([] { cal::read_csv_file("/nonexistent.csv"); }),
                            "/nonexistent.csv: no such file"));
}

TEST_CASE("labels import: a flat row is the unit the sampler builds from the same values") {
  const test::ProcessTempDir tmp("accelnas_import_flat");
  const std::string csv = write(tmp.path / "m.csv",
                                "type,resolution,in_channels,out_channels,kernel,stride,expansion,"
                                "precision,input_on_chip,latency_us\n"
                                "ibn,14,32,32,5,1,6,int16,1,12.5\n"
                                "vector,7,64,64,3,1,1,int8,0,2\n");
  const cal::CsvTable t = cal::read_csv_file(csv);
  cal::ImportOptions opt;
  // A vector row needs its op: left out, it would be drawn from the default list.
  CHECK(test_util::contains(
      test_util::user_error([&] { cal::read_measured_units(t, test::pf32(), opt); }),
      "m.csv:3: op: required for a vector unit in the flat form"));
  const std::string ok = write(tmp.path / "ok.csv",
                               "type,resolution,in_channels,out_channels,kernel,stride,expansion,"
                               "precision,input_on_chip,latency_us\n"
                               "ibn,14,32,32,5,1,6,int16,1,12.5\n");
  const auto units = cal::read_measured_units(cal::read_csv_file(ok), test::pf32(), opt);
  REQUIRE(units.size() == 1);
  CHECK(units[0].cycles == 12500);  // 12.5 us at 1 GHz
  const cal::UnitDesc& d = units[0].desc;
  CHECK(d.type == cal::UnitType::Ibn);
  CHECK(d.inputs.at(0).shape.h == 14);
  CHECK(d.inputs.at(0).shape.c == 32);
  CHECK(d.inputs.at(0).on_chip);
  // Stride 1, channels kept: the residual add, fused into the project conv (F1).
  CHECK(d.layers.back().fused.op == wl::OpKind::Add);
  CHECK(d.layers.front().precision == Precision::Int16);
  CHECK(d.layers.at(1).kernel_h == 5);
}

TEST_CASE("labels import: all or nothing, reruns add nothing, conflicting cycles are refused") {
  const test::ProcessTempDir tmp("accelnas_import_contract");
  const std::string src = test::make_label_store(tmp.path / "src", 60, 3);
  const std::string csv = write(tmp.path / "m.csv", distorted_csv(src));
  const std::string db = (tmp.path / "measured.db").string();
  cal::ImportReport first, again;
  {
    cal::LabelDb store(db, cal::LabelDb::Mode::Create);
    first = cal::import_labels(store, test::pf32(), csv, {}, false);
    again = cal::import_labels(store, test::pf32(), csv, {}, false);
    CHECK(store.count() == first.inserted);
  }
  CHECK(first.inserted > 40);
  CHECK(first.inserted + first.duplicates == first.rows);
  CHECK(again.inserted == 0);
  CHECK(again.already == first.inserted);

  // The stored label carries the measurement, not the simulation.
  std::map<std::string, std::int64_t> measured;
  cal::LabelDb(db, cal::LabelDb::Mode::ReadOnly).for_each([&](const cal::LabelRow& r) {
    measured[r.unit_text] = r.stats.cycles;
  });
  cal::LabelDb(src, cal::LabelDb::Mode::ReadOnly).for_each([&](const cal::LabelRow& r) {
    if (r.status != "ok") return;
    const auto d = cal::parse_unit_text(r.unit_text, "db");
    CHECK(measured.at(r.unit_text) ==
          std::llround(distorted(static_cast<double>(r.stats.cycles), d.type)));
  });

  // A bad row anywhere inserts nothing.
  const std::string fresh = (tmp.path / "fresh.db").string();
  const std::string bad = write(tmp.path / "bad.csv", distorted_csv(src) + "\"{}\",-5\n");
  CHECK(test_util::contains(import_error(fresh, bad), "bad.csv:"));
  CHECK(cal::LabelDb(fresh, cal::LabelDb::Mode::ReadOnly).count() == 0);
  // Another measurement of a unit already stored.
  std::string text = distorted_csv(src);
  const auto comma = text.rfind(',');
  text = text.substr(0, comma) + ",1\n";
  CHECK(test_util::contains(import_error(db, write(tmp.path / "c.csv", text)), "already holds"));
  // Column rules.
  CHECK(test_util::contains(import_error(fresh, write(tmp.path / "u.csv", "unit_text,cycles,x\n")),
                            "unknown column x"));
  CHECK(test_util::contains(
      import_error(fresh, write(tmp.path / "v.csv", "unit_text,cycles,latency_us\n")),
      "--value-column"));
  CHECK(test_util::contains(import_error(fresh, write(tmp.path / "w.csv", "unit_text\n")),
                            "no measurement column"));
}

TEST_CASE("labels import round trip: the estimator learns the measured chip, not the simulator") {
  const test::ProcessTempDir tmp("accelnas_import_learns");
  // Training units and held-out units of the same space, from different seeds.
  const std::string train_src = test::make_label_store(tmp.path / "train", 1500, 11);
  const std::string test_src = test::make_label_store(tmp.path / "test", 200, 12);
  const std::string csv = write(tmp.path / "measured.csv", distorted_csv(train_src));
  const std::string db = (tmp.path / "measured.db").string();
  {
    cal::LabelDb store(db, cal::LabelDb::Mode::Create);
    cal::import_labels(store, test::pf32(), csv, {}, false);
  }
  cal::FitOptions fit;
  fit.rounds = 150;
  const cal::LabelDb store(db, cal::LabelDb::Mode::ReadOnly);
  const cal::Estimator est = cal::fit(store, store.hardware().front().hash, fit);

  std::vector<double> err_measured, err_simulator;
  const std::set<std::string> trained = [&] {
    std::set<std::string> s;
    store.for_each([&](const cal::LabelRow& r) { s.insert(r.unit_text); });
    return s;
  }();
  cal::LabelDb(test_src, cal::LabelDb::Mode::ReadOnly).for_each([&](const cal::LabelRow& r) {
    if (r.status != "ok" || trained.count(r.unit_text)) return;  // held out only
    const cal::UnitDesc d = cal::parse_unit_text(r.unit_text, "db");
    const double sim = static_cast<double>(r.stats.cycles);
    const double truth = distorted(sim, d.type);
    const double pred = est.predict_unit(d);
    err_measured.push_back(std::fabs(pred / truth - 1));
    err_simulator.push_back(std::fabs(pred / sim - 1));
  });
  REQUIRE(err_measured.size() > 100);
  std::sort(err_measured.begin(), err_measured.end());
  std::sort(err_simulator.begin(), err_simulator.end());
  const double median_measured = err_measured[err_measured.size() / 2];
  const double median_simulator = err_simulator[err_simulator.size() / 2];
  INFO("median |error| against the measured chip " << median_measured << ", against the simulator "
                                                   << median_simulator);
  CHECK(median_measured < 0.05);
  CHECK(median_simulator > 0.30);
}

TEST_CASE("coverage: fit warns about few labels and about unit kinds the zoo needs") {
  const auto needed = cal::kinds_needed_by_zoo(test::pf32());
  REQUIRE(needed.count("ibn"));
  REQUIRE(needed.count("conv:conv2d"));
  CHECK(needed.at("ibn").front() == "mobilenet_v2");
  const std::map<std::string, std::int64_t> kinds = {{"ibn", 500}, {"conv:conv2d", 3}};
  const auto warnings = cal::coverage_warnings(600, kinds, needed);
  auto has = [&](const std::string& part) {
    for (const auto& w : warnings)
      if (test_util::contains(w, part)) return true;
    return false;
  };
  CHECK(has("only 600 usable labels"));
  CHECK(has("3 training labels of unit kind conv:conv2d"));
  CHECK(has("0 training labels of unit kind fused_ibn"));
  CHECK(!has("unit kind ibn "));
  // Enough of everything: no warning.
  std::map<std::string, std::int64_t> all;
  for (const auto& [kind, nets] : needed) all[kind] = cal::kFewKindLabels;
  CHECK(cal::coverage_warnings(cal::kFewLabels, all, needed).empty());
}
