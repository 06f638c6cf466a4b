// UTF-8 validity as JSON demands it (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF). Text read from user files is checked when it is loaded, so that no later JSON dump of
// a name can fail; error lines escape what they quote with the same rule.
#ifndef ACCELNAS_WORKLOADS_CONFIG_UTF8_H
#define ACCELNAS_WORKLOADS_CONFIG_UTF8_H

#include <cstddef>
#include <string>

namespace accelnas {

// The length of the valid UTF-8 sequence that starts at text[i] (1 for ASCII), or 0 when the
// bytes there are not one. i < text.size().
std::size_t utf8_sequence_length(const std::string& text, std::size_t i);
// The offset of the first byte that does not start a valid sequence, or std::string::npos.
std::size_t invalid_utf8_offset(const std::string& text);

}  // namespace accelnas

#endif  // ACCELNAS_WORKLOADS_CONFIG_UTF8_H
