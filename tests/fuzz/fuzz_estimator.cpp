// Estimator file (cal::Estimator::load): any bytes load or are refused with a UserError; a loaded
// estimator predicts a small zoo network (its trees are walked), or refuses it with a UserError.
#include "calibration/estimator/estimator.h"
#include "tests/fuzz/fuzz_common.h"
#include "workloads/zoo/zoo.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace accelnas;
  static fuzz::TempFile file(".estimator");
  static const wl::Network net = wl::build_zoo("mobilenet_v2:width=0.35,resolution=96");
  const std::string& path = file.write(data, size);
  return fuzz::user_error_or_success([&] {
    const auto estimator = cal::Estimator::load(path);
    (void)estimator.predict(net, sim::PlanOptions{});
  });
}
