// Labels from anywhere, through the CLI: export simulated units, "measure" them on another chip,
// `labels import`, `fit` on the measurements, and `validate --measured` against measured
// networks; plus fit's coverage warnings and `label --adaptive` with nothing to chase.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/cli/cli_helpers.h"
#include "tests/common/small_space.h"

namespace {

using json = nlohmann::json;
using namespace accelnas::cli_test;

std::string csv_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// unit_text,cycles rows: every ok label of the jsonl export, its cycles times 3 plus 1000.
std::string measured_csv(const std::string& jsonl) {
  std::ostringstream os;
  os << "unit_text,cycles\n";
  for (const auto& line : split_lines(jsonl)) {
    const json j = json::parse(line);
    if (j.at("status") != "ok") continue;
    os << csv_quote(j.at("unit").dump()) << "," << 3 * j.at("cycles").get<long long>() + 1000
       << "\n";
  }
  return os.str();
}

}  // namespace

TEST_CASE("labels import cli: export, measure elsewhere, import, fit, validate --measured") {
  const TempDir dir;
  const std::string space = dir.write("small.yaml", accelnas::test_util::kSmallSpace);
  const std::string sim_db = dir.file("sim.db"), db = dir.file("measured.db");
  REQUIRE(
      run_cli({"label", "--space", space, "--count", "300", "--seed", "3", "--db", sim_db, "-q"})
          .exit_code == 0);
  const auto exported = run_cli({"labels", "export", "--db", sim_db, "--format", "jsonl"});
  REQUIRE(exported.exit_code == 0);
  const std::string csv = dir.write("measured.csv", measured_csv(exported.out));

  const auto imported = run_cli({"labels", "import", "--db", db, "--csv", csv});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(contains(imported.err, "new labels on npu-pf32"));
  // A rerun adds nothing.
  const auto again = run_cli({"labels", "import", "--db", db, "--csv", csv});
  REQUIRE(again.exit_code == 0);
  CHECK(contains(again.err, ": 0 new labels"));

  // fit trains on the measurements, and warns: few labels, and unit kinds the zoo needs that the
  // small space never draws.
  const std::string est = dir.file("e.json");
  const auto fit = run_cli({"fit", "--db", db, "-o", est, "--rounds", "60"});
  INFO(fit.err);
  REQUIRE(fit.exit_code == 0);
  CHECK(contains(fit.err, "fit: warning: only "));
  CHECK(contains(fit.err, "unit kind fused_ibn"));
  CHECK(contains(fit.out, "target log-roofline-ratio"));
  CHECK(contains(fit.out, "within5%"));

  // validate --measured: the prediction is scored against the measurement.
  const std::string nets = dir.write("nets.csv", "model,latency_us\ntiny,40\n");
  const auto v = run_cli({"validate", "--estimator", est, "--measured", nets, "-o",
                          dir.file("report"), "-q", "--no-plot"});
  INFO(v.err);
  REQUIRE(v.exit_code == 0);
  const auto rows = split_lines(read_text(dir.file("report") + "/validation.csv"));
  REQUIRE(rows.size() == 2);
  CHECK(contains(rows[0], ",measured_cycles"));
  const auto f = split_csv_row(rows[1]);
  CHECK(f.at(1) == "measured");
  const double predicted = std::stod(f.at(4)), error = std::stod(f.at(5));
  CHECK(std::stod(f.back()) == 40000.0);  // 40 us at 1 GHz
  CHECK(error == doctest::Approx(100.0 * (predicted / 40000.0 - 1)).epsilon(1e-3));
  const json s = json::parse(read_text(dir.file("report") + "/summary.json"));
  CHECK(s.at("measured_networks") == 1);

  // Bad input: one line, the file and the reason.
  check_error(run_cli({"labels", "import", "--db", db, "--csv", dir.file("none.csv")}),
              {"none.csv", "no such file"});
  check_error(run_cli({"labels", "import", "--db", db, "--csv",
                       dir.write("bad.csv", "unit_text,cycles\n\"{}\",12\n")}),
              {"bad.csv:2"});
  check_error(run_cli({"validate", "--estimator", est, "--measured",
                       dir.write("n2.csv", "model,cycles,note\ntiny,5,x\n"), "-o", dir.file("r2")}),
              {"n2.csv", "unknown column note"});
  check_error(run_cli({"validate", "--estimator", est, "--measured",
                       dir.write("n3.csv", "model,cycles\nnot_a_model,5\n"), "-o", dir.file("r3")}),
              {"n3.csv:2: model:"});
}

TEST_CASE("label --adaptive: errors below --min-error leave nothing to chase, and nothing runs") {
  const TempDir dir;
  const std::string space = dir.write("small.yaml", accelnas::test_util::kSmallSpace);
  const std::string db = dir.file("l.db"), est = dir.file("e.json");
  REQUIRE(run_cli({"label", "--space", space, "--count", "120", "--db", db, "-q"}).exit_code == 0);
  REQUIRE(run_cli({"fit", "--db", db, "-o", est, "--rounds", "20"}).exit_code == 0);
  const auto before = run_cli({"labels", "stats", "--db", db, "--format", "json"});
  const auto r =
      run_cli({"label", "--adaptive", "--estimator", est, "--db", db, "--min-error", "100"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "nothing to chase"));
  CHECK(contains(r.err, "no labels simulated"));
  CHECK(run_cli({"labels", "stats", "--db", db, "--format", "json"}).out == before.out);
}
