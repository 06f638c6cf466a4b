// Network: layer storage, edge resolution, cycle detection and topological order.
#include "workloads/network.h"

#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <string_view>
#include <unordered_map>

#include "workloads/config/error.h"
#include "workloads/shape_inference.h"

namespace accelnas::wl {
namespace {

using Graph = Network::Graph;

// Producers of v in operand order (each operand has exactly one in-edge).
std::vector<std::size_t> producers_in(const Graph& g, std::size_t v) {
  std::vector<std::size_t> out(boost::in_degree(v, g));
  for (auto [it, end] = boost::in_edges(v, g); it != end; ++it)
    out[static_cast<std::size_t>(g[*it].operand)] = boost::source(*it, g);
  return out;
}

// Kahn's algorithm, always taking the lowest ready index. Returns fewer than n vertices when the
// graph has a cycle.
std::vector<std::size_t> kahn_order(const Graph& g) {
  const std::size_t n = boost::num_vertices(g);
  std::vector<std::size_t> in_degree(n, 0);
  for (std::size_t v = 0; v < n; ++v) in_degree[v] = boost::in_degree(v, g);
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t v = 0; v < n; ++v) {
    if (in_degree[v] == 0) ready.push(v);
  }
  std::vector<std::size_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    const std::size_t v = ready.top();
    ready.pop();
    order.push_back(v);
    for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) {
      const std::size_t t = boost::target(*it, g);
      if (--in_degree[t] == 0) ready.push(t);
    }
  }
  return order;
}

// Every vertex left out of Kahn's order has a producer that was also left out, so walking
// producers backwards from any of them must close a loop. Returns it in data-flow order,
// starting at its lowest index.
std::vector<std::size_t> find_cycle(const Graph& g, const std::vector<std::size_t>& order) {
  std::vector<bool> done(boost::num_vertices(g), false);
  for (std::size_t v : order) done[v] = true;
  std::size_t v = 0;
  while (done[v]) ++v;
  std::vector<std::size_t> path;
  std::map<std::size_t, std::size_t> position;
  while (position.count(v) == 0) {
    position[v] = path.size();
    path.push_back(v);
    std::size_t next = boost::num_vertices(g);
    for (std::size_t p : producers_in(g, v)) {
      if (!done[p]) next = std::min(next, p);
    }
    ACCELNAS_CHECK(next < boost::num_vertices(g), "find_cycle: stuck vertex without producer");
    v = next;
  }
  std::vector<std::size_t> cycle(path.begin() + static_cast<std::ptrdiff_t>(position[v]),
                                 path.end());
  std::reverse(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  return cycle;
}

[[noreturn]] void throw_cycle(const Graph& g, const std::vector<std::size_t>& cycle) {
  std::string names;
  for (std::size_t v : cycle) names += g[v].name + " -> ";
  names += g[cycle.front()].name;
  throw UserError(layer_where(g[cycle.front()]) + ": cycle through layers " + names);
}

}  // namespace

std::size_t Network::add_layer(Layer layer) {
  if (layer.name.empty()) throw UserError(layer_where(layer) + ": layer has no name");
  if (!graph_) graph_ = GraphPtr();
  Graph& g = *graph_;
  const std::hash<std::string> hash;
  if (name_hash_.size() != size()) {
    name_hash_.clear();
    for (std::size_t i = 0; i < size(); ++i) name_hash_.push_back(hash(g[i].name));
  }
  const std::size_t h = hash(layer.name);
  for (std::size_t i = 0; i < size(); ++i) {
    if (name_hash_[i] == h && g[i].name == layer.name) {
      throw UserError(layer_where(layer) + ": duplicate layer name '" + layer.name +
                      "' (first defined at " + layer_where(g[i]) + ")");
    }
  }
  finalized_ = false;
  name_hash_.push_back(h);
  return boost::add_vertex(std::move(layer), g);
}

void Network::finalize() {
  finalize(PrepareFn());
}

void Network::finalize(const PrepareFn& prepare) {
  const std::size_t n = size();
  auto built = std::make_unique<Graph>(n);
  Graph& g = *built;
  // The layers move into the new graph, and back if anything below throws, so that a network
  // that does not finalize keeps its layers (with any attributes `prepare` derived).
  for (std::size_t i = 0; i < n; ++i) g[i] = std::move((*graph_)[i]);
  std::vector<std::size_t> order;
  std::vector<std::vector<std::size_t>> producers(n), consumers(n);
  try {
    std::unordered_map<std::string_view, std::size_t> index;
    index.reserve(n);
    for (std::size_t i = 0; i < n; ++i) index.emplace(g[i].name, i);
    for (std::size_t i = 0; i < n; ++i) {
      const Layer& l = g[i];
      for (std::size_t k = 0; k < l.inputs.size(); ++k) {
        const auto it = index.find(l.inputs[k]);
        if (it == index.end()) {
          throw UserError(layer_where(l) + ": input '" + l.inputs[k] +
                          "' is not a layer of this network");
        }
        boost::add_edge(it->second, i, Tensor{static_cast<int>(k)}, g);
      }
    }
    order = kahn_order(g);
    if (order.size() != n) throw_cycle(g, find_cycle(g, order));
    std::vector<const Layer*> in;
    for (std::size_t v : order) {
      producers[v] = producers_in(g, v);
      in.clear();
      for (std::size_t p : producers[v]) in.push_back(&g[p]);
      if (prepare) prepare(g[v], in);
      infer_layer_shape(g[v], in);
    }
    for (std::size_t v = 0; v < n; ++v) {
      auto& out = consumers[v];
      for (auto [it, end] = boost::out_edges(v, g); it != end; ++it)
        out.push_back(boost::target(*it, g));
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    }
  } catch (...) {
    for (std::size_t i = 0; i < n; ++i) (*graph_)[i] = std::move(g[i]);
    throw;
  }
  graph_.p = std::move(built);
  order_ = std::move(order);
  producers_ = std::move(producers);
  consumers_ = std::move(consumers);
  finalized_ = true;
}

Layer& Network::mutable_layer(std::size_t i) {
  ACCELNAS_CHECK(i < size(), "Network::mutable_layer: index out of range");
  finalized_ = false;
  name_hash_.clear();  // the caller may rename the layer
  return (*graph_)[i];
}

std::size_t Network::index_of(const std::string& name) const {
  for (std::size_t i = 0; i < size(); ++i) {
    if ((*graph_)[i].name == name) return i;
  }
  throw UserError("network '" + this->name + "' has no layer '" + name + "'");
}

bool Network::has(const std::string& name) const {
  for (std::size_t i = 0; i < size(); ++i) {
    if ((*graph_)[i].name == name) return true;
  }
  return false;
}

void Network::not_finalized(const char* what) {
  ACCELNAS_PANIC(std::string("Network::") + what + " before finalize()");
}

std::vector<std::size_t> Network::outputs() const {
  ACCELNAS_CHECK(finalized_, "Network::outputs before finalize()");
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < size(); ++i) {
    if (boost::out_degree(i, *graph_) == 0) out.push_back(i);
  }
  return out;
}

}  // namespace accelnas::wl
