// Internal: which channel counts must change together (used by the width transforms).
//
// Every conv2d except depthwise-like ones (groups > 1 and groups == input channels) and every
// fully_connected layer owns a channel variable; input layers own a frozen one. Other layers'
// channels are expressions over variables: pools, resize and global pools pass their input's on,
// a depthwise conv multiplies it by out / in channels, concat sums its inputs'. add and mul need
// equal channels: when both sides are one variable the two are merged into one class, any other
// pair freezes every variable on both sides. A channel_slice freezes its input's variables and
// gets a frozen variable of its own (its range is in fixed channel numbers). A grouped conv needs
// the variables of its input and output to stay multiples of `groups` (the class's quantum). The
// variables that determine a network output's channels are frozen: frozen classes keep their
// channel count.
#ifndef ACCELNAS_WORKLOADS_TRANSFORMS_CHANNEL_CLASSES_H
#define ACCELNAS_WORKLOADS_TRANSFORMS_CHANNEL_CLASSES_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "workloads/network.h"

namespace accelnas::wl {

class ChannelClasses {
 public:
  explicit ChannelClasses(const Network& net);

  int var_of(std::size_t layer) const { return own_[layer]; }  // -1: no variable of its own
  int root(int var) const;
  std::int64_t original(int root) const { return original_[static_cast<std::size_t>(root)]; }
  bool frozen(int root) const { return frozen_[static_cast<std::size_t>(root)]; }
  std::int64_t quantum(int root) const { return quantum_[static_cast<std::size_t>(root)]; }
  std::vector<int> roots() const;                    // ascending
  std::vector<std::size_t> members(int root) const;  // layers whose own variable is in the class

  // The network with every class set to value(root) (frozen classes keep their count) and
  // depthwise convs following their inputs.
  Network apply(const Network& net, const std::function<std::int64_t(int root)>& value,
                const std::string& context) const;

 private:
  struct Term {
    int var;
    std::int64_t coeff;
  };
  using Expr = std::vector<Term>;

  int new_var(std::int64_t channels, bool frozen);
  void tie(const Expr& a, const Expr& b);
  void finish();

  std::vector<int> own_;             // per layer
  std::vector<Expr> expr_;           // per layer: its output channels
  std::vector<std::int64_t> dw_k_;   // per layer: out / in of depthwise-like convs, else 0
  mutable std::vector<int> parent_;  // union-find over variables
  std::vector<std::int64_t> original_, quantum_;
  std::vector<bool> frozen_;
};

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_TRANSFORMS_CHANNEL_CLASSES_H
