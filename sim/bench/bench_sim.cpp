// In-process simulator benchmark: the cost of one network simulation once the SystemC model is
// elaborated (what label generation and sweeps pay per configuration). Prints medians.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "hw_models/hw_spec.h"
#include "hw_models/tiler.h"
#include "sim/simulate.h"
#include "workloads/loader.h"

namespace {

template <class F>
double median_ms(int runs, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    const auto a = std::chrono::steady_clock::now();
    f();
    const auto b = std::chrono::steady_clock::now();
    t.push_back(std::chrono::duration<double, std::milli>(b - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace accelnas;
  const int runs = argc > 1 ? std::max(5, std::atoi(argv[1])) : 21;
  const std::string model = argc > 2 ? argv[2] : "mobilenet_v2";
  const wl::Network net = wl::resolve_model(model);
  const hw::HwSpec hw = hw::load_hw(hw::kDefaultPreset);
  std::int64_t layers = 0;
  sim::simulate_network(net, hw, {});  // elaborate once, warm caches
  const double one = median_ms(runs, [&] {
    hw::clear_plan_memo();  // each run maps its layers afresh, as a new network would
    layers = static_cast<std::int64_t>(sim::simulate_network(net, hw, {}).layers.size());
  });
  std::vector<hw::HwSpec> sweep;
  for (const char* pf : {"8", "16", "32", "64"}) {
    sweep.push_back(hw::load_hw(hw::kDefaultPreset, {{"compute.parallelism_factor", pf}}));
  }
  const double four = median_ms(runs, [&] {
    hw::clear_plan_memo();
    for (const auto& h : sweep) sim::simulate_network(net, h, {});
  });
  // The compiler-side mechanisms (A8 packing, F1-F2 fusion, C4 prefetch) off, measured in the
  // same run so the ratio survives a noisy machine.
  const hw::HwSpec plain =
      hw::load_hw(hw::kDefaultPreset, {{"compute.small_channel_packing", "none"},
                                       {"fusion.eltwise", "false"},
                                       {"fusion.pooling", "false"},
                                       {"dma.prefetch_weights", "false"}});
  std::int64_t plain_layers = 0;
  const double off = median_ms(runs, [&] {
    hw::clear_plan_memo();
    plain_layers = static_cast<std::int64_t>(sim::simulate_network(net, plain, {}).layers.size());
  });
  std::printf("in-process (elaborated once), %s on %s, median of %d runs\n", model.c_str(),
              hw::kDefaultPreset, runs);
  std::printf("  simulate:              %8.3f ms   %10.0f layers/s\n", one, layers / one * 1e3);
  std::printf("  simulate, no packing, fusion or prefetch: %8.3f ms (%lld layers; ratio %.2f)\n",
              off, static_cast<long long>(plain_layers), one / off);
  std::printf("  4-point PF sweep:      %8.3f ms   %10.0f layers/s\n", four,
              4 * layers / four * 1e3);
  return 0;
}
