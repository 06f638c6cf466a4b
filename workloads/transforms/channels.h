// Width transforms: a global depth multiplier and channel alignment to the hardware's
// parallelism factor. Each returns a new, finalized network and leaves `net` untouched.
//
// Rules:
// - Channel classes: channel counts that must stay equal change together. Each conv2d
//   (except depthwise) and fully_connected layer owns its out_channels; residual adds and
//   squeeze-excite muls tie both operands' channels into one class, so both sides of a residual
//   change the same way. Depthwise convs (groups == input channels) follow their input: groups
//   and out_channels are recomputed. Pools, resize and global pools pass channels on, concat sums
//   them. An add or mul whose operands are not single classes (e.g. a concat) freezes them.
// - Network outputs keep their channels: a layer without consumers produces the classes,
//   predictor outputs or image channels that define the model's interface, so every class that
//   determines an output's channel count is frozen. Network inputs keep theirs too. So the final
//   classifier of mobilenet_v2 keeps 1000 outputs while its 1280-channel head conv scales.
// - Grouped convs (1 < groups < input channels) keep `groups`; the classes on both sides then
//   round to lcm(align, groups) so the groups still divide them.
// - depth_multiplier(m, align): a class of c channels becomes the multiple of align nearest to
//   c * m (halves round up), at least align. m = 1, align = 1 is the identity.
// - align_channels(align, Up): c rounds up to a multiple of align; Nearest: to the nearest
//   multiple (halves up), at least align.
// Errors (UserError naming the argument): m <= 0 or not finite, m > 64, align < 1 or > 65536.
#ifndef ACCELNAS_WORKLOADS_TRANSFORMS_CHANNELS_H
#define ACCELNAS_WORKLOADS_TRANSFORMS_CHANNELS_H

#include <cstdint>
#include <map>
#include <string>

#include "workloads/network.h"

namespace accelnas::wl {

enum class AlignMode { Up, Nearest };
bool parse_align_mode(const std::string& text, AlignMode& out);  // "up" | "nearest"

Network depth_multiplier(const Network& net, double m, std::int64_t align = 1);
Network align_channels(const Network& net, std::int64_t align, AlignMode mode = AlignMode::Up);

// scale_widths(m, widths, align): like depth_multiplier, with a per-class factor on top: each
//   class whose own variable belongs to a layer named in `widths` gets m * that width (the first
//   such layer in network order wins when one class holds several, e.g. blocks tied by residual
//   adds), other classes get m. A class whose factor is exactly 1 keeps its channel count (no
//   rounding), so m = 1 with every width 1 is the identity. Widths follow the same limits as m;
//   an unknown layer name is an error.
Network scale_widths(const Network& net, double m, const std::map<std::string, double>& widths,
                     std::int64_t align = 1);
// The rounding used by all three: the multiple of q nearest to `target` (halves up), at least q.
std::int64_t round_to_multiple(double target, std::int64_t q);

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_TRANSFORMS_CHANNELS_H
