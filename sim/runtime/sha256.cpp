// Written from FIPS 180-4: sections 4.1.2 (functions), 4.2.2 (constants), 5.1.1 (padding),
// 5.3.3 (initial hash value) and 6.2.2 (the hash computation).
#include "sim/runtime/sha256.h"

#include <array>
#include <cstdint>

namespace accelnas::runtime {
namespace {

using Word = std::uint32_t;
using Block = std::array<std::uint8_t, 64>;

// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
constexpr std::array<Word, 64> kRound = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// The first 32 bits of the fractional parts of the square roots of the first 8 primes.
constexpr std::array<Word, 8> kInitial = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr Word rotr(Word x, int n) {
  return (x >> n) | (x << (32 - n));
}
constexpr Word ch(Word x, Word y, Word z) {
  return (x & y) ^ (~x & z);
}
constexpr Word maj(Word x, Word y, Word z) {
  return (x & y) ^ (x & z) ^ (y & z);
}
constexpr Word big_sigma0(Word x) {
  return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22);
}
constexpr Word big_sigma1(Word x) {
  return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25);
}
constexpr Word small_sigma0(Word x) {
  return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
}
constexpr Word small_sigma1(Word x) {
  return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10);
}

void compress(std::array<Word, 8>& hash, const Block& block) {
  std::array<Word, 64> w{};
  for (int t = 0; t < 16; ++t) {  // big-endian words
    w[t] = (Word{block[4 * t]} << 24) | (Word{block[4 * t + 1]} << 16) |
           (Word{block[4 * t + 2]} << 8) | Word{block[4 * t + 3]};
  }
  for (int t = 16; t < 64; ++t)
    w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];

  Word a = hash[0], b = hash[1], c = hash[2], d = hash[3];
  Word e = hash[4], f = hash[5], g = hash[6], h = hash[7];
  for (int t = 0; t < 64; ++t) {
    const Word t1 = h + big_sigma1(e) + ch(e, f, g) + kRound[t] + w[t];
    const Word t2 = big_sigma0(a) + maj(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  hash[0] += a;
  hash[1] += b;
  hash[2] += c;
  hash[3] += d;
  hash[4] += e;
  hash[5] += f;
  hash[6] += g;
  hash[7] += h;
}

}  // namespace

std::string sha256_hex(const std::string& bytes) {
  std::array<Word, 8> hash = kInitial;
  Block block{};
  const std::size_t n = bytes.size();
  const std::size_t rest = n % 64;  // bytes after the last full block: 0 to 63
  const std::size_t full = n - rest;
  for (std::size_t i = 0; i < full; i += 64) {
    for (std::size_t k = 0; k < 64; ++k) block[k] = static_cast<std::uint8_t>(bytes[i + k]);
    compress(hash, block);
  }

  // Padding: the rest of the message, a 1 bit, zeros, then the length in bits as a 64-bit
  // big-endian integer, filling one block or, when fewer than 9 bytes are left, two.
  block.fill(0);
  for (std::size_t k = 0; k < rest; ++k) block[k] = static_cast<std::uint8_t>(bytes[full + k]);
  block[rest] = 0x80;
  if (rest + 1 > 56) {
    compress(hash, block);
    block.fill(0);
  }
  const std::uint64_t bits = static_cast<std::uint64_t>(n) * 8;
  for (int k = 0; k < 8; ++k) block[63 - k] = static_cast<std::uint8_t>(bits >> (8 * k));
  compress(hash, block);

  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (Word word : hash) {
    for (int shift = 28; shift >= 0; shift -= 4) out.push_back(kHex[(word >> shift) & 0xf]);
  }
  return out;
}

}  // namespace accelnas::runtime
