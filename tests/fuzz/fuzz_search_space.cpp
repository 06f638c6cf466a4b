// Search space YAML (nas::SearchSpace::parse): a space is accepted or a UserError; an accepted
// one samples and decodes its first candidates on the default hardware, where decode must never
// throw (a candidate that cannot be built has a reason) and arch() must equal decode().arch.
#include "hw_models/hw_spec.h"
#include "nas/space.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace accelnas;
  static const hw::HwSpec hw = hw::load_hw(hw::kDefaultPreset);
  return fuzz::user_error_or_success([&] {
    const nas::SearchSpace space =
        nas::SearchSpace::parse(fuzz::as_text(data, size), "fuzz.yaml", hw);
    runtime::Rng rng(1, 0);
    for (int i = 0; i < 2; ++i) {
      const nas::Encoding e = space.sample(rng);
      fuzz::require(space.valid(e), "a sampled encoding is valid");
      nas::Decoded d;
      try {
        d = space.decode(e);
      } catch (...) {
        fuzz::require(false, "decode never throws for a valid encoding");
      }
      fuzz::require(d.net.has_value() != !d.reason.empty(), "a network or a reason");
      fuzz::require(space.arch(e) == d.arch, "arch() equals decode().arch");
    }
  });
}
