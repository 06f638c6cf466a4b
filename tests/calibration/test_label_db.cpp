// The label store (calibration/labels/label_db.h): what it refuses when a stored value is corrupt.
#include <doctest/doctest.h>

#include <string>

#include "calibration/labels/label_db.h"
#include "sim/runtime/sqlite.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/test_util.h"

using namespace accelnas;

TEST_CASE("label store: a run seed that is not a decimal uint64 is one error naming the store") {
  // Found by fuzz_label_db: std::stoull threw std::invalid_argument out of LabelDb::runs().
  const test::ProcessTempDir dir("label-db");
  const std::string path = (dir.path / "labels.db").string();
  {
    cal::LabelDb db(path, cal::LabelDb::Mode::Create);
    db.add_run({"hw", "space", 18446744073709551615ull, "mobilenet", "text", 10});
    REQUIRE(db.runs().at(0).seed == 18446744073709551615ull);  // the largest seed round-trips
  }
  for (const char* bad : {"x", "", "12x", "-1", "18446744073709551616", " 7"}) {
    CAPTURE(bad);
    {
      runtime::sql::Database raw(path, runtime::sql::Database::Mode::Create, "test database");
      raw.exec(std::string("UPDATE runs SET seed = '") + bad + "'");
    }
    const cal::LabelDb db(path, cal::LabelDb::Mode::ReadOnly);
    CHECK(test_util::user_error([&] { db.runs(); }) ==
          path + ": runs table: seed '" + bad +
              "' is not a decimal integer from 0 to 2^64-1 (corrupt label store?)");
  }
}
