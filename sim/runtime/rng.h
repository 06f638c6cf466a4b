// A small counter-based random stream: xoshiro256** seeded by splitmix64 of (seed, index).
//
// Contract: the stream of Rng(seed, index) is a pure function of (seed, index), the same on
// every process, rank and standard library (no std distributions), so anything that draws
// "item `index` of run `seed`" (the label sampler, the network space, and later the search)
// gets the same draws however the work is shared out. Not for cryptography.
#ifndef ACCELNAS_SIM_RUNTIME_RNG_H
#define ACCELNAS_SIM_RUNTIME_RNG_H

#include <cstdint>

namespace accelnas::runtime {

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t index);
  std::uint64_t next();
  std::uint64_t below(std::uint64_t n);                    // uniform in [0, n), unbiased; n >= 1
  std::int64_t between(std::int64_t lo, std::int64_t hi);  // uniform in [lo, hi]
  double uniform();                                        // uniform in [0, 1), 53 bits
  bool chance(double p) { return uniform() < p; }

 private:
  std::uint64_t s_[4];
};

}  // namespace accelnas::runtime

#endif  // ACCELNAS_SIM_RUNTIME_RNG_H
