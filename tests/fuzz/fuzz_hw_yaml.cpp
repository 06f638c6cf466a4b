// Hardware YAML (hw::load_hw_string): a description is accepted or a UserError; an accepted one
// has a canonical text (what labels are keyed by).
#include "calibration/estimator/hw_text.h"
#include "hw_models/hw_spec.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return accelnas::fuzz::user_error_or_success([&] {
    const auto hw = accelnas::hw::load_hw_string(accelnas::fuzz::as_text(data, size), "fuzz.yaml");
    (void)accelnas::cal::hw_canonical_text(hw);
  });
}
