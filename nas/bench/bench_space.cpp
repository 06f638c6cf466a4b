// Decode speed and network sizes of a search space: decodes N random candidates and prints the
// time per candidate and the spread of MACs. Not a test (timings vary with the machine).
//   accelnas_bench_space [space] [hw] [n] [threads]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "hw_models/hw_spec.h"
#include "nas/space.h"
#include "workloads/config/error.h"

using namespace accelnas;

int main(int argc, char** argv) {
  try {
    const std::string name = argc > 1 ? argv[1] : nas::kDefaultSearchSpace;
    const hw::HwSpec hw = hw::load_hw(argc > 2 ? argv[2] : hw::kDefaultPreset);
    const int n = argc > 3 ? std::stoi(argv[3]) : 2000;
    const int threads = argc > 4 ? std::stoi(argv[4]) : 1;
    const auto space = nas::SearchSpace::load(name, hw);
    std::vector<nas::Encoding> encodings;
    runtime::Rng rng(1, 0);
    for (int i = 0; i < n; ++i) encodings.push_back(space.sample(rng));
    const auto arch_start = std::chrono::steady_clock::now();
    std::size_t arch_chars = 0;
    for (const auto& e : encodings) arch_chars += space.arch(e).size();
    const double arch_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - arch_start).count();
    std::printf("arch(): %.2f us per candidate (%zu chars in all)\n", arch_s / n * 1e6, arch_chars);
    std::vector<std::int64_t> macs(static_cast<std::size_t>(n), -1);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (int i = t; i < n; i += threads) {
          const auto d = space.decode(encodings[static_cast<std::size_t>(i)]);
          if (d.net) macs[static_cast<std::size_t>(i)] = wl::total_macs(*d.net);
        }
      });
    }
    for (auto& th : pool) th.join();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<std::int64_t> built;
    for (auto m : macs)
      if (m >= 0) built.push_back(m);
    std::sort(built.begin(), built.end());
    std::printf("%s on %s: %d candidates, %d threads, %.1f us per decode (wall / n), %zu built\n",
                name.c_str(), hw.name.c_str(), n, threads, s / n * 1e6, built.size());
    if (!built.empty()) {
      const auto q = [&](double f) {
        return static_cast<double>(built[static_cast<std::size_t>(f * (built.size() - 1))]) / 1e6;
      };
      std::printf("MMACs: min %.0f, p10 %.0f, median %.0f, p90 %.0f, max %.0f\n", q(0), q(0.1),
                  q(0.5), q(0.9), q(1));
    }
  } catch (const UserError& e) {
    std::fprintf(stderr, "accelnas_bench_space: %s\n", e.what());
    return 2;
  }
  return 0;
}
