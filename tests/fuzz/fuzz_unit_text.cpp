// Unit text (cal::parse_unit_text): a unit is accepted or a UserError; an accepted one round
// trips through canonical_text, and rebuilding its jobs is accepted or a UserError.
#include "calibration/estimator/unit.h"
#include "hw_models/hw_spec.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace accelnas;
  static const hw::HwSpec hw = hw::load_hw(hw::kDefaultPreset);
  return fuzz::user_error_or_success([&] {
    const cal::UnitDesc desc = cal::parse_unit_text(fuzz::as_text(data, size), "fuzz");
    fuzz::require_round_trip(
        cal::canonical_text(desc),
        [](const std::string& text) {
          return cal::canonical_text(cal::parse_unit_text(text, "canonical"));
        },
        "canonical_text(parse(canonical_text(d))) == canonical_text(d)");
    (void)cal::unit_jobs(desc, hw);
  });
}
