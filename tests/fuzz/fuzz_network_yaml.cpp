// Network YAML (wl::load_network_string): a network is accepted or a UserError; an accepted one
// is written back (wl::to_yaml) and that text loads to the same text again.
#include "tests/fuzz/fuzz_common.h"
#include "workloads/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return accelnas::fuzz::user_error_or_success([&] {
    using namespace accelnas;
    const auto net = wl::load_network_string(fuzz::as_text(data, size), "fuzz.yaml");
    fuzz::require_round_trip(
        wl::to_yaml(net),
        [](const std::string& text) {
          return wl::to_yaml(wl::load_network_string(text, "written.yaml"));
        },
        "to_yaml(load(to_yaml(net))) == to_yaml(net)");
  });
}
