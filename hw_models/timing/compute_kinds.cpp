#include "hw_models/timing/compute_kinds.h"

#include <deque>
#include <stdexcept>
#include <utility>

#include "hw_models/hw_spec.h"
#include "hw_models/timing/dot_product_timing.h"
#include "hw_models/timing/vector_timing.h"

namespace accelnas::hw {
namespace {

// A deque keeps every kind at its address as kinds are added.
std::deque<ComputeKind> builtin_kinds() {
  return {
      {"dot_product_array", Engine::Array, dot_product_tile_cycles, dot_product_peak_macs_per_cycle,
       "PF dot-product units, dot_width MAC lanes each (docs/HARDWARE_MODEL.md, A1-A7)"},
      {"vector_unit", Engine::Vector, vector_tile_cycles, vector_peak_ops_per_cycle,
       "vector.lanes elements per step (docs/HARDWARE_MODEL.md, V1)"},
  };
}

std::deque<ComputeKind>& registry() {
  static std::deque<ComputeKind> kinds = builtin_kinds();
  return kinds;
}

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::size_t compute_kind_count() {
  return registry().size();
}

const ComputeKind& compute_kind(std::size_t id) {
  return registry().at(id);
}

std::size_t find_compute_kind(const std::string& name) {
  const std::deque<ComputeKind>& kinds = registry();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (kinds[i].name == name) return i;
  }
  return kinds.size();
}

std::vector<std::string> compute_kind_names(Engine engine) {
  std::vector<std::string> names;
  for (const ComputeKind& k : registry()) {
    if (k.engine == engine) names.push_back(k.name);
  }
  return names;
}

std::size_t register_compute_kind(ComputeKind kind) {
  if (!valid_name(kind.name))
    throw std::invalid_argument("compute kind '" + kind.name + "': name must be [a-z0-9_]+");
  if (find_compute_kind(kind.name) != compute_kind_count())
    throw std::invalid_argument("compute kind '" + kind.name + "' is already registered");
  if (kind.tile_cycles == nullptr || kind.peak_per_cycle == nullptr)
    throw std::invalid_argument("compute kind '" + kind.name + "' without its timing functions");
  registry().push_back(std::move(kind));
  return registry().size() - 1;
}

std::size_t engine_kind(Engine engine, const HwSpec& hw) {
  return engine == Engine::Array ? hw.compute_kind : kVectorUnitKind;
}

std::int64_t tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw) {
  return registry()[engine_kind(job.engine, hw)].tile_cycles(job, tile, hw);
}

}  // namespace accelnas::hw
