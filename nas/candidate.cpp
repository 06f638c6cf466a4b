#include "nas/candidate.h"

#include <charconv>

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

void put(std::string& s, std::int64_t v) {
  s += std::to_string(v);
  s += ',';
}

}  // namespace

std::string network_key(const wl::Network& net) {
  std::string s;
  s.reserve(net.size() * 96);
  put(s, static_cast<int>(net.default_precision));
  s += '\n';
  for (const std::size_t i : net.order()) {
    const wl::Layer& l = net.layer(i);
    // Operands by position in the execution order, not by name.
    s += wl::op_name(l.op);
    s += '|';
    for (const std::size_t p : net.producers(i)) put(s, static_cast<std::int64_t>(p));
    s += '|';
    put(s, static_cast<int>(l.precision));
    s += l.block_type;
    s += '/';
    s += l.role;
    s += '|';
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
      put(s, v);
    s += '\n';
  }
  return runtime::sha256_hex(s);
}

}  // namespace accelnas::nas
