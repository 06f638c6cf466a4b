// Network space YAML (cal::parse_net_space_string): a space is accepted or a UserError; an
// accepted one samples its first network (a UserError when no draw fits its limits).
#include "calibration/labels/net_space.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace accelnas;
  return fuzz::user_error_or_success([&] {
    auto space = cal::parse_net_space_string(fuzz::as_text(data, size), "fuzz.yaml");
    const cal::NetSampler sampler(std::move(space), 32, 1);
    (void)sampler.sample(0);
  });
}
