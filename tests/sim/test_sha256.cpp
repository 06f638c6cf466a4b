// SHA-256 against the FIPS 180-2 / NIST example vectors and the padding boundaries. The boundary
// digests were computed with coreutils `sha256sum` when this test was written.
#include <doctest/doctest.h>

#include <string>

#include "sim/runtime/sha256.h"

using accelnas::runtime::sha256_hex;

namespace {

// Bytes (k * 37 + 11) mod 256: every byte value class, including those >= 0x80 (signed char).
std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t k = 0; k < n; ++k) s[k] = static_cast<char>((k * 37 + 11) & 0xff);
  return s;
}

}  // namespace

TEST_CASE("sha256: the NIST example messages give the published digests") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: padding spills into a second block from 56 bytes of a block's tail") {
  CHECK(sha256_hex(std::string(55, 'a')) ==
        "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) ==
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex(std::string(63, 'a')) ==
        "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  CHECK(sha256_hex(std::string(64, 'a')) ==
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  CHECK(sha256_hex(std::string(65, 'a')) ==
        "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
}

TEST_CASE("sha256: bytes above 0x7f hash as unsigned, at every padding boundary") {
  CHECK(sha256_hex(pattern(55)) ==
        "2900465fcb533e05a158fd2b3be0e5e3b03740d83060aa3580e0d98a96bf2384");
  CHECK(sha256_hex(pattern(56)) ==
        "31454ff48ef36af2f08fd511bdc37d9d5855ac23e992e5ff5445cb6b7674a674");
  CHECK(sha256_hex(pattern(63)) ==
        "5f6401b96532c36de4e65beec0409b69b1d181864c8009b7a04f43e5d56350d1");
  CHECK(sha256_hex(pattern(64)) ==
        "94eb5de4943613fd048dc93393ab06877405faa39c11f53e9386083339833e7e");
  CHECK(sha256_hex(pattern(65)) ==
        "fc518669b6eb4b4dd91827ecacef86689c725bd5bab888fd3b26dbb196eec954");
  CHECK(sha256_hex(pattern(119)) ==
        "b0dc41b1a384e2f1203f0351b38fbeaafceef577ce1191d5bfc25da39f721eae");
  CHECK(sha256_hex(pattern(120)) ==
        "5df24dd802ac26132ce608dcb5f09841eef039ee0f152acf98d26d17fe4e88e6");
}

TEST_CASE("sha256: an embedded NUL byte is hashed, not a terminator") {
  const std::string with_nul("a\0b", 3);
  CHECK(sha256_hex(with_nul) != sha256_hex("a"));
  CHECK(sha256_hex(with_nul).size() == 64);
}
