// `accelnas fit`, `estimate` and `validate`: a small end-to-end run (labels -> estimator ->
// predictions -> validation against full simulations), and the bad-input contract.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "calibration/labels/label_db.h"
#include "tests/cli/cli_helpers.h"
#include "tests/common/small_space.h"

namespace {

using json = nlohmann::json;
using namespace accelnas::cli_test;

// Random networks near the small unit space (the test checks the pipeline, not extrapolation).
const char* kSmallNets = R"(name: smallnets
resolution: {min: 32, max: 64}
stages: {min: 2, max: 3}
repeats: {min: 1, max: 2}
stem_channels: {min: 8, max: 16}
first_channels: {min: 8, max: 24}
max_channels: 64
head_channels: {min: 32, max: 64}
classes: 10
expansion: [1, 3, 6]
kernel: [3, 5]
fused: 0
se: {probability: 0}
precision: [int8, int16]
mixed_precision: {probability: 0.5}
)";

// Labels `count` small units into `db` and fits `est` from them.
void label_and_fit(const TempDir& dir, const std::string& db, const std::string& est, int count,
                   const std::string& rounds) {
  const std::string space = dir.write("small.yaml", accelnas::test_util::kSmallSpace);
  REQUIRE(run_cli({"label", "--space", space, "--count", std::to_string(count), "--seed", "7",
                   "--db", db, "-q"})
              .exit_code == 0);
  const auto fit = run_cli({"fit", "--db", db, "-o", est, "--rounds", rounds});
  INFO(fit.err);
  REQUIRE(fit.exit_code == 0);
}

}  // namespace

TEST_CASE("estimator cli: label, fit, estimate and validate agree end to end on a small space") {
  const TempDir dir;
  const std::string db = dir.file("labels.db"), est = dir.file("est.json");
  const std::string space = dir.write("small.yaml", accelnas::test_util::kSmallSpace);
  REQUIRE(run_cli({"label", "--space", space, "--count", "600", "--seed", "7", "--db", db, "-q"})
              .exit_code == 0);

  // fit: the report per type and overall, and the estimator file.
  const auto fit = run_cli({"fit", "--db", db, "-o", est, "--format", "json"});
  INFO(fit.err);
  REQUIRE(fit.exit_code == 0);
  const json report = json::parse(fit.out).at("report");
  CHECK(report.at("labels").get<int>() > 400);
  CHECK(report.at("overall").at("count").get<int>() > 50);
  CHECK(report.at("overall").at("mape").get<double>() < 20.0);
  CHECK(report.at("per_type").contains("ibn"));
  CHECK(std::filesystem::exists(est));
  CHECK(!std::filesystem::exists(est + ".tmp"));
  const auto table = run_cli({"fit", "--db", db, "-o", dir.file("est2.json"), "--layout", "global",
                              "--target", "log-cycles", "--rounds", "50"});
  REQUIRE(table.exit_code == 0);
  CHECK(contains(table.out, "MAPE%"));
  CHECK(contains(table.out, "overall"));
  CHECK(contains(table.out, "layout global"));

  // estimate: every unit, by layer name, and the total.
  const auto tiny = run_cli({"estimate", "--estimator", est, "--model", "tiny"});
  INFO(tiny.err);
  REQUIRE(tiny.exit_code == 0);
  CHECK(contains(tiny.out, "ibn1_expand ibn1_dw ibn1_project+ibn1_add"));  // F1
  CHECK(contains(tiny.out, "total: "));
  const auto tiny_json =
      run_cli({"estimate", "--estimator", est, "--model", "tiny", "--format", "json"});
  REQUIRE(tiny_json.exit_code == 0);
  const json e = json::parse(tiny_json.out);
  REQUIRE(e.at("units").size() == 5);  // stem, ibn1, pool, gap, classifier
  double sum = 0;
  for (const auto& u : e.at("units")) sum += u.at("cycles").get<double>();
  CHECK(e.at("total").at("cycles").get<double>() == doctest::Approx(sum));
  CHECK(e.at("total").at("latency_ms").get<double>() > 0);
  CHECK(e.at("total").at("params").get<long long>() > 0);
  CHECK(e.at("total").at("peak_activation_bytes").get<long long>() > 0);
  const auto csv = run_cli({"estimate", "--estimator", est, "--model", "tiny", "--format", "csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(split_lines(csv.out).size() == 1 + 5 + 1);

  // validate: two zoo networks and five random ones, simulated and predicted.
  const std::string nets = dir.write("smallnets.yaml", kSmallNets);
  const std::string out = dir.file("report");
  const auto v = run_cli({"validate", "--estimator", est, "--models", "tiny,mobilenet_v2",
                          "--random", "5", "--net-space", nets, "--seed", "3", "-o", out});
  INFO(v.err);
  REQUIRE(v.exit_code == 0);
  CHECK(contains(v.err, "[7/7]"));
  CHECK(contains(v.out, "Kendall tau-b"));
  const auto rows = split_lines(read_text(out + "/validation.csv"));
  REQUIRE(rows.size() == 1 + 7);
  CHECK(rows[0] == "network,source,params,simulated_cycles,predicted_cycles,error_pct");
  CHECK(split_csv_row(rows[1])[0] == "tiny");
  CHECK(split_csv_row(rows[1])[1] == "zoo");
  CHECK(split_csv_row(rows[3])[1] == "random");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto f = split_csv_row(rows[i]);
    REQUIRE(f.size() == 6);
    CHECK(std::stoll(f[3]) > 0);
    CHECK(std::stod(f[4]) > 0);
  }
  const json s = json::parse(read_text(out + "/summary.json"));
  for (const char* key : {"mape_pct", "within_5pct", "within_10pct", "max_error_pct",
                          "kendall_tau_b", "spearman_rho", "skipped", "networks"}) {
    INFO(key);
    CHECK(s.contains(key));
  }
  CHECK(s.at("networks").get<int>() == 7);
  CHECK(s.at("random_networks").get<int>() == 5);
  CHECK(s.at("mape_pct").get<double>() < 50.0);  // loose: 600 labels; the benchmark is strict
  CHECK(s.at("kendall_tau_b").get<double>() >= -1.0);
  // The plot, or one warning line saying why not.
  CHECK((std::filesystem::exists(out + "/validation.png") ||
         contains(v.err, "skipping validation.png")));

  // The same seed gives the same random networks and the same numbers.
  const auto again = run_cli({"validate", "--estimator", est, "--random", "5", "--net-space", nets,
                              "--seed", "3", "-o", dir.file("again"), "-q", "--no-plot"});
  REQUIRE(again.exit_code == 0);
  CHECK(again.err.empty());
  const auto rows2 = split_lines(read_text(dir.file("again") + "/validation.csv"));
  REQUIRE(rows2.size() == 6);
  for (std::size_t i = 1; i < rows2.size(); ++i) CHECK(rows2[i] == rows[i + 2]);

  // A network file is reported as "file"; --timing adds the two time columns and the medians.
  const std::string tiny_yaml = dir.file("tiny.yaml");
  REQUIRE(run_cli({"transform", "--model", "tiny", "-o", tiny_yaml}).exit_code == 0);
  const auto timed = run_cli({"validate", "--estimator", est, "--models", tiny_yaml + ",tiny",
                              "--timing", "-o", dir.file("timed"), "-q", "--no-plot"});
  INFO(timed.err);
  REQUIRE(timed.exit_code == 0);
  CHECK(contains(timed.out, "median per network: predict "));
  const auto trows = split_lines(read_text(dir.file("timed") + "/validation.csv"));
  REQUIRE(trows.size() == 3);
  CHECK(trows[0] ==
        "network,source,params,simulated_cycles,predicted_cycles,error_pct,predict_us,simulate_us");
  const auto file_row = split_csv_row(trows[1]), zoo_row = split_csv_row(trows[2]);
  REQUIRE(file_row.size() == 8);
  CHECK(file_row[1] == "file");
  CHECK(zoo_row[1] == "zoo");
  CHECK(file_row[3] == zoo_row[3]);  // the same network, simulated alike
  CHECK(std::stod(file_row[6]) > 0);
  CHECK(std::stod(file_row[7]) > 0);
  const json ts = json::parse(read_text(dir.file("timed") + "/summary.json"));
  CHECK(ts.at("file_networks").get<int>() == 1);
  CHECK(ts.at("zoo_networks").get<int>() == 1);
  CHECK(ts.at("timing").at("predict_us_median").get<double>() > 0);
  CHECK(ts.at("timing").at("speedup_median").get<double>() > 0);
  CHECK(!s.contains("timing"));  // only when asked: without it the report is reproducible
}

TEST_CASE("estimator cli: bad input gets one line and exit code 2") {
  const TempDir dir;
  SUBCASE("fit: a database that does not exist") {
    check_error(run_cli({"fit", "--db", dir.file("none.db"), "-o", dir.file("e.json")}),
                {"none.db"});
    CHECK(!std::filesystem::exists(dir.file("e.json")));
  }
  SUBCASE("fit: an empty database") {
    { accelnas::cal::LabelDb db(dir.file("empty.db"), accelnas::cal::LabelDb::Mode::Create); }
    check_error(run_cli({"fit", "--db", dir.file("empty.db"), "-o", dir.file("e.json")}),
                {"empty.db", "no labels"});
  }
  SUBCASE("estimate: a missing estimator file") {
    check_error(run_cli({"estimate", "--estimator", dir.file("none.json"), "--model", "tiny"}),
                {"none.json"});
  }
  SUBCASE("estimate: a corrupt estimator file") {
    const std::string est = dir.write("bad.json", "{\"format_version\": 1, \"global\": [");
    check_error(run_cli({"estimate", "--estimator", est, "--model", "tiny"}),
                {"bad.json", "corrupt"});
  }
  SUBCASE("validate: --random 0") {
    check_error(run_cli({"validate", "--estimator", dir.file("e.json"), "--random", "0", "-o",
                         dir.file("r")}),
                {"--random", "got '0'"});
  }
  SUBCASE("an estimator of other hardware, unless --force; and --hw-hash") {
    const std::string db = dir.file("l.db"), est = dir.file("e.json");
    label_and_fit(dir, db, est, 80, "20");
    check_error(run_cli({"estimate", "--estimator", est, "--model", "tiny", "--hw", "npu-pf16"}),
                {"e.json", "trained for hardware", "--force"});
    check_error(run_cli({"validate", "--estimator", est, "--hw", "npu-pf16", "--models", "tiny",
                         "-o", dir.file("r")}),
                {"trained for hardware"});
    const auto forced =
        run_cli({"estimate", "--estimator", est, "--model", "tiny", "--hw", "npu-pf16", "--force"});
    CHECK(forced.exit_code == 0);
    // Another chip's labels were never seen: the prediction says it is extrapolation.
    CHECK(contains(forced.err, "warning: the estimator was trained on labels of npu-pf32"));
    CHECK(contains(forced.err, "extrapolation"));
    check_error(run_cli({"fit", "--db", db, "-o", est, "--hw-hash", "zzzz"}),
                {"--hw-hash zzzz", "no such hardware"});
  }
  SUBCASE("fit: a database of several hardware descriptions needs --hw-hash") {
    const std::string space = dir.write("small.yaml", accelnas::test_util::kSmallSpace);
    const std::string db = dir.file("two.db");
    REQUIRE(run_cli({"label", "--space", space, "--count", "40", "--db", db, "-q"}).exit_code == 0);
    REQUIRE(run_cli({"label", "--space", space, "--count", "40", "--db", db, "-q", "--hw",
                     "npu-pf16", "--append-hw"})
                .exit_code == 0);
    check_error(run_cli({"fit", "--db", db, "-o", dir.file("e.json")}),
                {"2 hardware descriptions", "--hw-hash"});
  }
  SUBCASE("estimate: an unmappable network") {
    const std::string db = dir.file("l.db"), est = dir.file("e.json");
    label_and_fit(dir, db, est, 60, "10");
    // 1 KiB of weight SRAM holds no two one-group chunks of a pass of tiny's weights (T5, T8).
    const std::string hw = dir.write("small-sram.yaml", std::string(R"(name: small-sram
clock: 1GHz
compute: {parallelism_factor: 32, dot_width: 16, pipeline_latency: 8, depthwise: channel_parallel}
vector: {lanes: 64}
sram: {weights: 1KiB, activations: 2KiB}
dram: {bandwidth: 8GB/s, latency: 100ns}
layer_setup: 200
)"));
    const auto r =
        run_cli({"estimate", "--estimator", est, "--model", "tiny", "--hw", hw, "--force"});
    INFO(r.err);
    check_error(r, {"tiny"});
    // validate skips and reports them, and still succeeds.
    const auto v = run_cli({"validate", "--estimator", est, "--hw", hw, "--force", "--models",
                            "tiny", "--random", "2", "-o", dir.file("r"), "-q", "--no-plot"});
    INFO(v.err);
    REQUIRE(v.exit_code == 0);
    CHECK(contains(v.out, "skipped 3 unmappable"));
    const json s = json::parse(read_text(dir.file("r") + "/summary.json"));
    CHECK(s.at("skipped").get<int>() == 3);
    CHECK(s.at("skipped_networks").size() == 3);
    CHECK(split_lines(read_text(dir.file("r") + "/validation.csv")).size() == 1);
  }
}

TEST_CASE("estimator cli: fit, estimate and validate --help name every option") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"fit",
       {"--db", "--output", "--seed", "--hw-hash", "--rounds", "--target", "--layout", "--format"}},
      {"estimate",
       {"--estimator", "--model", "--hw", "--force", "--batch", "--precision", "--format",
        "--output"}},
      {"validate",
       {"--estimator", "--hw", "--models", "--zoo", "--random", "--net-space", "--seed", "--output",
        "--quiet", "--no-plot", "--timing"}}};
  for (const auto& [cmd, options] : cases) {
    const auto r = run_cli({cmd, "--help"});
    const auto& command = cmd;  // a structured binding cannot be captured (C++17)
    INFO(command);
    CHECK(r.exit_code == 0);
    for (const auto& o : options) CHECK(contains(r.out, o));
  }
  const auto top = run_cli({"--help"});
  for (const char* cmd : {"fit", "estimate", "validate"}) CHECK(contains(top.out, cmd));
}
