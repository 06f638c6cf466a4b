#include "nas/candidate.h"

#include <charconv>
#include <cstdint>
#include <cstdio>

#include "sim/runtime/sha256.h"

namespace accelnas::nas {

std::string encoding_text(const Encoding& e) {
  std::string s;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (i > 0) s += '.';
    s += std::to_string(e[i]);
  }
  return s;
}

std::optional<Encoding> parse_encoding(const std::string& text) {
  Encoding e;
  if (text.empty()) return e;
  std::size_t at = 0;
  while (true) {
    const std::size_t dot = text.find('.', at);
    const std::size_t end = dot == std::string::npos ? text.size() : dot;
    if (end == at) return std::nullopt;
    int v = 0;
    const char* first = text.data() + at;
    const char* last = text.data() + end;
    if (*first < '0' || *first > '9') return std::nullopt;  // no sign, no space
    const auto r = std::from_chars(first, last, v);
    if (r.ec != std::errc() || r.ptr != last) return std::nullopt;
    e.push_back(v);
    if (dot == std::string::npos) return e;
    at = dot + 1;
  }
}

std::string encoding_hash(const Encoding& e) {
  return runtime::sha256_hex(encoding_text(e)).substr(0, 16);
}

namespace {

// A 128-bit hash of a stream of 64-bit words: two lanes of multiply-xorshift mixing with
// different constants, finished by splitmix64. Defined by this arithmetic alone, so every
// platform gives the same key.
class Hash128 {
 public:
  void add(std::uint64_t v) {
    a_ = mix(a_ ^ v) * 0x9e3779b97f4a7c15ULL;
    b_ = mix(b_ + v * 0xc2b2ae3d27d4eb4fULL) ^ (b_ >> 29);
    ++n_;
  }
  void add(const std::string& s) {
    add(s.size());
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      w = (w << 8) | static_cast<unsigned char>(s[i]);
      if (i % 8 == 7) {
        add(w);
        w = 0;
      }
    }
    add(w);
  }
  std::string hex() const {
    const std::uint64_t x = mix(a_ ^ (n_ * 0xff51afd7ed558ccdULL)), y = mix(b_ ^ ~n_);
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(x),
                  static_cast<unsigned long long>(y));
    return buf;
  }

 private:
  static std::uint64_t mix(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t a_ = 0x243f6a8885a308d3ULL, b_ = 0x13198a2e03707344ULL, n_ = 0;
};

}  // namespace

std::string network_key(const wl::Network& net) {
  Hash128 h;
  h.add(static_cast<std::uint64_t>(net.default_precision));
  h.add(net.size());
  for (const std::size_t i : net.order()) {
    const wl::Layer& l = net.layer(i);
    // Operands by position in the execution order, not by name.
    h.add(static_cast<std::uint64_t>(l.op));
    h.add(net.producers(i).size());
    for (const std::size_t p : net.producers(i)) h.add(p);
    h.add(static_cast<std::uint64_t>(l.precision));
    h.add(l.block_type);
    h.add(l.role);
    for (const std::int64_t v : {l.input_shape.h,
                                 l.input_shape.w,
                                 l.input_shape.c,
                                 l.out.h,
                                 l.out.w,
                                 l.out.c,
                                 std::int64_t{l.kernel_h},
                                 std::int64_t{l.kernel_w},
                                 std::int64_t{l.stride_h},
                                 std::int64_t{l.stride_w},
                                 std::int64_t{l.resolved_padding.top},
                                 std::int64_t{l.resolved_padding.left},
                                 std::int64_t{l.resolved_padding.bottom},
                                 std::int64_t{l.resolved_padding.right},
                                 std::int64_t{l.groups},
                                 l.out_channels,
                                 std::int64_t{l.epilogue.bias},
                                 std::int64_t{l.epilogue.batchnorm},
                                 static_cast<std::int64_t>(l.epilogue.activation),
                                 l.out_h,
                                 l.out_w,
                                 static_cast<std::int64_t>(l.resize_mode),
                                 l.slice_begin,
                                 l.slice_end})
      h.add(static_cast<std::uint64_t>(v));
  }
  return h.hex();
}

}  // namespace accelnas::nas
