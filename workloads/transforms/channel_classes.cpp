// Channel classes (rules in channel_classes.h).
#include "workloads/transforms/channel_classes.h"

#include <limits>
#include <numeric>

#include "workloads/config/error.h"
#include "workloads/transforms/rebuild.h"

namespace accelnas::wl {

ChannelClasses::ChannelClasses(const Network& net)
    : own_(net.size(), -1), expr_(net.size()), dw_k_(net.size(), 0) {
  ACCELNAS_CHECK(net.finalized(), "ChannelClasses: network not finalized");
  for (std::size_t v : net.order()) {
    const Layer& l = net.layer(v);
    const std::vector<std::size_t>& in = net.producers(v);
    switch (l.op) {
      case OpKind::Input:
        own_[v] = new_var(l.out.c, true);
        expr_[v] = {{own_[v], 1}};
        break;
      case OpKind::Conv2d: {
        const std::int64_t in_c = net.layer(in[0]).out.c;
        if (l.groups > 1 && l.groups == in_c) {
          dw_k_[v] = l.out_channels / in_c;
          expr_[v] = expr_[in[0]];
          for (Term& t : expr_[v]) t.coeff *= dw_k_[v];
          break;
        }
        own_[v] = new_var(l.out_channels, false);
        expr_[v] = {{own_[v], 1}};
        if (l.groups > 1) {
          auto& q = quantum_;
          q[static_cast<std::size_t>(own_[v])] =
              std::lcm(q[static_cast<std::size_t>(own_[v])], std::int64_t{l.groups});
          for (const Term& t : expr_[in[0]]) {
            q[static_cast<std::size_t>(t.var)] =
                std::lcm(q[static_cast<std::size_t>(t.var)], std::int64_t{l.groups});
          }
        }
        break;
      }
      case OpKind::FullyConnected:
        own_[v] = new_var(l.out_channels, false);
        expr_[v] = {{own_[v], 1}};
        break;
      case OpKind::Add:
      case OpKind::Mul:
        expr_[v] = expr_[in[0]];
        tie(expr_[in[0]], expr_[in[1]]);
        break;
      case OpKind::Concat:
        for (std::size_t p : in) {
          for (const Term& t : expr_[p]) expr_[v].push_back(t);
        }
        break;
      case OpKind::ChannelSlice:
        // The range is fixed in channels of the input: the input's classes and the slice's
        // width keep their counts, so the range stays valid whatever the other classes become.
        for (const Term& t : expr_[in[0]]) frozen_[static_cast<std::size_t>(t.var)] = true;
        expr_[v] = {{new_var(l.slice_end - l.slice_begin, true), 1}};
        break;
      default:  // pools, global pool, resize
        expr_[v] = expr_[in[0]];
        break;
    }
  }
  for (std::size_t o : net.outputs()) {
    for (const Term& t : expr_[o]) frozen_[static_cast<std::size_t>(t.var)] = true;
  }
  finish();
}

int ChannelClasses::new_var(std::int64_t channels, bool frozen) {
  parent_.push_back(static_cast<int>(parent_.size()));
  original_.push_back(channels);
  quantum_.push_back(1);
  frozen_.push_back(frozen);
  return parent_.back();
}

int ChannelClasses::root(int var) const {
  auto v = static_cast<std::size_t>(var);
  while (parent_[v] != static_cast<int>(v)) {
    parent_[v] = parent_[static_cast<std::size_t>(parent_[v])];
    v = static_cast<std::size_t>(parent_[v]);
  }
  return static_cast<int>(v);
}

void ChannelClasses::tie(const Expr& a, const Expr& b) {
  if (a.size() == 1 && b.size() == 1 && a[0].coeff == 1 && b[0].coeff == 1) {
    const int ra = root(a[0].var), rb = root(b[0].var);
    if (ra != rb) parent_[static_cast<std::size_t>(std::max(ra, rb))] = std::min(ra, rb);
    return;
  }
  for (const Term& t : a) frozen_[static_cast<std::size_t>(t.var)] = true;
  for (const Term& t : b) frozen_[static_cast<std::size_t>(t.var)] = true;
}

// Moves frozen flags and quanta to the class roots.
void ChannelClasses::finish() {
  for (std::size_t v = 0; v < parent_.size(); ++v) {
    const auto r = static_cast<std::size_t>(root(static_cast<int>(v)));
    if (r == v) continue;
    ACCELNAS_CHECK(original_[v] == original_[r], "ChannelClasses: unequal channels in a class");
    if (frozen_[v]) frozen_[r] = true;
    quantum_[r] = std::lcm(quantum_[r], quantum_[v]);
  }
}

std::vector<int> ChannelClasses::roots() const {
  std::vector<int> out;
  for (std::size_t v = 0; v < parent_.size(); ++v) {
    if (root(static_cast<int>(v)) == static_cast<int>(v)) out.push_back(static_cast<int>(v));
  }
  return out;
}

std::vector<std::size_t> ChannelClasses::members(int r) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < own_.size(); ++i) {
    if (own_[i] >= 0 && root(own_[i]) == r) out.push_back(i);
  }
  return out;
}

Network ChannelClasses::apply(const Network& net,
                              const std::function<std::int64_t(int root)>& value,
                              const std::string& context) const {
  std::vector<std::int64_t> root_value(parent_.size(), 0);
  for (int r : roots()) {
    const auto k = static_cast<std::size_t>(r);
    root_value[k] = frozen_[k] ? original_[k] : value(r);
    ACCELNAS_CHECK(root_value[k] >= 1, "ChannelClasses::apply: channel count below 1");
  }
  auto eval = [&](std::size_t layer) {
    std::int64_t c = 0;
    for (const Term& t : expr_[layer]) {
      c += t.coeff * root_value[static_cast<std::size_t>(root(t.var))];
    }
    return c;
  };
  std::vector<Layer> layers = copy_layers(net);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    Layer& l = layers[i];
    if (l.op == OpKind::Input) continue;
    if (own_[i] >= 0) {
      l.out_channels = root_value[static_cast<std::size_t>(root(own_[i]))];
    } else if (dw_k_[i] > 0) {
      const std::int64_t in_c = eval(net.producers(i)[0]);
      if (in_c > std::numeric_limits<int>::max()) {
        throw UserError(context + ": layer '" + l.name + "' would get " + std::to_string(in_c) +
                        " groups");
      }
      l.groups = static_cast<int>(in_c);
      l.out_channels = in_c * dw_k_[i];
    }
  }
  return rebuild(net, std::move(layers), context);
}

}  // namespace accelnas::wl
