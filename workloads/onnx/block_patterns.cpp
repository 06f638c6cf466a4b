#include "workloads/onnx/block_patterns.h"

#include <string>
#include <utility>
#include <vector>

namespace accelnas::wl {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

struct Match {
  std::string type;
  std::vector<std::pair<std::size_t, const char*>> roles;  // layer, role
};

class BlockFinder {
 public:
  explicit BlockFinder(const Network& net) : net_(net), taken_(net.size(), false) {
    for (std::size_t i = 0; i < net.size(); ++i) taken_[i] = !net.layer(i).block.empty();
  }

  std::vector<Match> find() {
    std::vector<Match> found;
    for (std::size_t v : net_.order()) {
      if (taken_[v]) continue;
      Match m;
      if (!ibn(v, m)) {
        m = Match{};
        if (!fused_ibn(v, m)) continue;
      }
      for (const auto& [i, role] : m.roles) taken_[i] = true;
      found.push_back(std::move(m));
    }
    return found;
  }

 private:
  const Layer& at(std::size_t i) const { return net_.layer(i); }

  // The one consumer of i, if it has exactly one and it is not in a block yet.
  std::size_t sole_consumer(std::size_t i) const {
    const auto c = net_.consumers(i);
    return c.size() == 1 && !taken_[c[0]] ? c[0] : kNone;
  }

  bool pointwise(std::size_t i) const {
    const Layer& l = at(i);
    return l.op == OpKind::Conv2d && l.kernel_h == 1 && l.kernel_w == 1 && l.groups == 1;
  }

  bool linear(std::size_t i) const { return at(i).epilogue.activation == Activation::None; }

  // 1x1 conv or fully connected (squeeze-excite layers act on a 1x1xC vector).
  bool channel_mix(std::size_t i) const {
    return i != kNone && !taken_[i] && (pointwise(i) || at(i).op == OpKind::FullyConnected);
  }

  // After `x` (a depthwise or fused expand conv): the layer whose output feeds the project,
  // which is x itself or, with a squeeze-excite tapping x, its scaling mul.
  std::size_t through_se(std::size_t x, Match& m) const {
    const auto c = net_.consumers(x);
    if (c.size() == 1) return x;
    if (c.size() != 2) return kNone;
    const bool pool_first = at(c[0]).op == OpKind::GlobalAvgPool;
    const std::size_t pool = pool_first ? c[0] : c[1], mul = pool_first ? c[1] : c[0];
    if (taken_[pool] || taken_[mul] || at(pool).op != OpKind::GlobalAvgPool ||
        at(mul).op != OpKind::Mul)
      return kNone;
    const std::size_t reduce = sole_consumer(pool);
    if (!channel_mix(reduce)) return kNone;
    const std::size_t expand = sole_consumer(reduce);
    if (!channel_mix(expand) || net_.consumers(expand) != std::vector<std::size_t>{mul} ||
        net_.producers(mul) != std::vector<std::size_t>{x, expand})
      return kNone;
    m.roles.insert(
        m.roles.end(),
        {{pool, "se_pool"}, {reduce, "se_reduce"}, {expand, "se_expand"}, {mul, "se_scale"}});
    return mul;
  }

  // The linear 1x1 projection after `tail`, then an optional residual add of `block_in`.
  bool project(std::size_t tail, std::size_t block_in, Match& m) const {
    const std::size_t p = sole_consumer(tail);
    if (p == kNone || !pointwise(p) || !linear(p)) return false;
    m.roles.emplace_back(p, "project");
    const std::size_t add = sole_consumer(p);
    if (add != kNone && at(add).op == OpKind::Add) {
      const auto in = net_.producers(add);
      const bool residual = in.size() == 2 && ((in[0] == block_in && in[1] == p) ||
                                               (in[1] == block_in && in[0] == p));
      if (residual) m.roles.emplace_back(add, "residual_add");
    }
    return true;
  }

  bool ibn(std::size_t v, Match& m) const {
    std::size_t dw = v;
    if (pointwise(v) && !linear(v)) {
      dw = sole_consumer(v);
      if (dw == kNone || !is_depthwise(net_, dw)) return false;
      m.roles.emplace_back(v, "expand");
    } else if (!is_depthwise(net_, v)) {
      return false;
    }
    m.roles.emplace_back(dw, "depthwise");
    const std::size_t tail = through_se(dw, m);
    if (tail == kNone || !project(tail, net_.producers(v)[0], m)) return false;
    m.type = "ibn";
    return true;
  }

  bool fused_ibn(std::size_t v, Match& m) const {
    const Layer& l = at(v);
    if (l.op != OpKind::Conv2d || l.groups != 1 || (l.kernel_h == 1 && l.kernel_w == 1) ||
        linear(v) || l.out_channels <= input_channels(net_, v))
      return false;
    m.roles.emplace_back(v, "expand");
    const std::size_t tail = through_se(v, m);
    if (tail == kNone || !project(tail, net_.producers(v)[0], m)) return false;
    m.type = "fused_ibn";
    return true;
  }

  const Network& net_;
  std::vector<bool> taken_;
};

}  // namespace

void annotate_blocks(Network& net) {
  const std::vector<Match> found = BlockFinder(net).find();
  int index = 0;
  for (const Match& m : found) {
    const std::string id = "ibn" + std::to_string(++index);
    for (const auto& [i, role] : m.roles) {
      Layer& l = net.mutable_layer(i);
      l.block = id;
      l.block_type = m.type;
      l.role = role;
    }
  }
  if (!found.empty()) net.finalize();
}

}  // namespace accelnas::wl
