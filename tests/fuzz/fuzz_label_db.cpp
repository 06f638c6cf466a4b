// Label database (cal::LabelDb over SQLite): any file opens read-only or is refused with a
// UserError; an opened one is read the ways `labels export`, `labels stats` and `fit` read it
// (every row and its unit text, the canonical dump, a short fit per hardware), each of which
// either works or throws a UserError naming the file.
#include <sstream>

#include "calibration/estimator/estimator.h"
#include "calibration/estimator/unit.h"
#include "calibration/estimator/unit_summary.h"
#include "calibration/labels/label_db.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace accelnas;
  static fuzz::TempFile file(".db");
  const std::string& path = file.write(data, size);
  return fuzz::user_error_or_success([&] {
    const cal::LabelDb db(path, cal::LabelDb::Mode::ReadOnly);
    (void)db.runs();
    std::ostringstream dump;
    db.canonical_dump(dump);
    db.for_each([&](const cal::LabelRow& r) {
      if (r.status == "ok")
        (void)cal::summary_values(cal::summarize(cal::parse_unit_text(r.unit_text, path)));
    });
    if (db.count() > 500) return;  // fit's cost grows with the labels; the paths do not
    cal::FitOptions opt;
    opt.rounds = 2;
    for (const auto& hw : db.hardware()) {
      try {
        (void)cal::fit(db, hw.hash, opt);
      } catch (const UserError&) {
      }
    }
  });
}
