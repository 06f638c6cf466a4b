#include "sim/runtime/rng.h"

#include "workloads/config/error.h"

namespace accelnas::runtime {
namespace {

using i64 = std::int64_t;
using u64 = std::uint64_t;

u64 splitmix64(u64& x) {
  u64 z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

u64 rotl(u64 x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

Rng::Rng(u64 seed, u64 index) {
  u64 a = seed;
  u64 b = index ^ 0x6a09e667f3bcc909ULL;
  u64 x = splitmix64(a) ^ rotl(splitmix64(b), 23);
  for (u64& s : s_) s = splitmix64(x);
}

u64 Rng::next() {
  const u64 result = rotl(s_[1] * 5, 7) * 9;
  const u64 t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

u64 Rng::below(u64 n) {
  ACCELNAS_CHECK(n >= 1, "Rng::below(0)");
  const u64 threshold = (0 - n) % n;  // 2^64 mod n: rejecting below it removes the bias
  for (;;) {
    const u64 r = next();
    if (r >= threshold) return r % n;
  }
}

i64 Rng::between(i64 lo, i64 hi) {
  ACCELNAS_CHECK(lo <= hi, "Rng::between: empty range");
  const u64 span = static_cast<u64>(hi) - static_cast<u64>(lo) + 1;
  if (span == 0) return static_cast<i64>(next());  // the whole 64-bit range
  return static_cast<i64>(static_cast<u64>(lo) + below(span));
}

double Rng::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

}  // namespace accelnas::runtime
