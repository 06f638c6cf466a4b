// Sampling space YAML (cal::parse_space_string): a space is accepted or a UserError; an accepted
// one samples its first units on the default hardware (a UserError is the space's sizes).
#include "calibration/labels/sampler.h"
#include "calibration/labels/space.h"
#include "hw_models/hw_spec.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace accelnas;
  static const hw::HwSpec hw = hw::load_hw(hw::kDefaultPreset);
  return fuzz::user_error_or_success([&] {
    auto space = cal::parse_space_string(fuzz::as_text(data, size), "fuzz.yaml");
    const cal::Sampler sampler(std::move(space), hw, 1);
    for (std::uint64_t i = 0; i < 2; ++i) (void)sampler.sample(i);
  });
}
