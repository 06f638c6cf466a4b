// The validation summary names only the sources it saw: no "files -%" without network files, no
// rank correlations without random networks, in the printed lines and in summary.json.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "calibration/labels/validate.h"

namespace {

using namespace accelnas::cal;

ValidationRow row(const std::string& name, const std::string& source, double error_pct) {
  ValidationRow r;
  r.network = name;
  r.source = source;
  r.simulated_cycles = 1000;
  r.predicted_cycles = 1000 * (1 + error_pct / 100);
  r.error_pct = error_pct;
  return r;
}

ValidationReport report_of(std::vector<ValidationRow> rows) {
  ValidationReport r;
  r.rows = std::move(rows);
  r.summary = summarize(r.rows, 0);
  return r;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("validate summary: a source without networks is left out of the lines and the JSON") {
  const ValidationReport zoo_random =
      report_of({row("a", "zoo", 1.0), row("r0", "random", 2.0), row("r1", "random", -3.0)});
  const std::string text = format_summary(zoo_random);
  CHECK(contains(text, "(1 zoo, 2 random)"));
  CHECK(contains(text, "(zoo 1.00%, random 2.50%)"));
  CHECK(!contains(text, "files"));
  CHECK(!contains(text, "-%"));
  const auto j = to_json(zoo_random);
  CHECK(j.contains("zoo_mape_pct"));
  CHECK(j.contains("random_mape_pct"));
  CHECK(!j.contains("file_mape_pct"));
  CHECK(j.at("file_networks").get<int>() == 0);  // the counts stay, all of them

  const ValidationReport zoo_only = report_of({row("a", "zoo", 1.0), row("b", "zoo", -1.0)});
  const std::string zoo_text = format_summary(zoo_only);
  CHECK(contains(zoo_text, "validated 2 networks (2 zoo)"));
  CHECK(!contains(zoo_text, "random"));
  CHECK(!contains(zoo_text, "Kendall"));
  CHECK(!contains(zoo_text, "-%"));
  CHECK(!to_json(zoo_only).contains("kendall_tau_b"));
  CHECK(!to_json(zoo_only).contains("random_mape_pct"));

  const ValidationReport one_file = report_of({row("a", "zoo", 1.0), row("a", "file", 1.0)});
  CHECK(contains(format_summary(one_file), "(1 zoo, 1 file)"));
  CHECK(contains(format_summary(one_file), "(zoo 1.00%, files 1.00%)"));
}

TEST_CASE("validate summary: nothing compared prints no statistics of nothing") {
  const std::string text = format_summary(report_of({}));
  CHECK(contains(text, "validated 0 networks, skipped 0 unmappable"));
  CHECK(!contains(text, "MAPE"));
  CHECK(!contains(text, "()"));
}
