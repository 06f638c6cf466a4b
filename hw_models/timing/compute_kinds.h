// The compute kinds: the registry behind `compute.kind` and the one timing dispatch of compute.
// A kind names a compute block, the engine whose jobs it runs (Engine::Array: convolutions and
// fully connected layers; Engine::Vector: the rest), its timing rule and its peak rate.
// `compute.kind` picks the kind that runs array jobs (default: dot_product_array); vector jobs
// run on the vector_unit. The SystemC model (one ComputeUnit per kind, accelerator.h) and the
// estimator's features (calibration/estimator/unit_features.cpp) both time tiles through
// tile_cycles() below, so they cannot disagree. SystemC-free, as are all hw_models/timing/.
//
// A new compute kind: its timing file in hw_models/timing/, one line in builtin_kinds()
// (compute_kinds.cpp), and either the generic ComputeUnit or its own module, named in
// make_compute_unit() (accelerator.cpp).
#ifndef ACCELNAS_HW_MODELS_TIMING_COMPUTE_KINDS_H
#define ACCELNAS_HW_MODELS_TIMING_COMPUTE_KINDS_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hw_models/layer_job.h"
#include "workloads/precision.h"

namespace accelnas::hw {

struct HwSpec;
struct Tile;

// Contract: a pure function of (job, tile, hw), >= 0, never larger for less work.
using TileCyclesFn = std::int64_t (*)(const LayerJob& job, const Tile& tile, const HwSpec& hw);
// Peak work per cycle at precision p (> 0): MACs for an array kind, element operations for a
// vector kind. Layer utilisation is work / (cycles * peak).
using PeakRateFn = double (*)(Precision p, const HwSpec& hw);

struct ComputeKind {
  std::string name;  // the `compute.kind` value, the SystemC module's name and its trace block
  Engine engine = Engine::Array;
  TileCyclesFn tile_cycles = nullptr;
  PeakRateFn peak_per_cycle = nullptr;
  std::string description;
};

// The built-in kinds, first in the registry.
constexpr std::size_t kDotProductArrayKind = 0;
constexpr std::size_t kVectorUnitKind = 1;

std::size_t compute_kind_count();
// Kind `id` < compute_kind_count(); the reference stays valid for the whole process.
const ComputeKind& compute_kind(std::size_t id);
// The id of the kind called `name`, or compute_kind_count() when there is none.
std::size_t find_compute_kind(const std::string& name);
// Names of the kinds that run `engine`'s jobs, in registration order: the choices of
// `compute.kind` for Engine::Array.
std::vector<std::string> compute_kind_names(Engine engine);

// Adds a kind and returns its id. Its name must be new and made of [a-z0-9_] (it names a SystemC
// module), and both functions set; otherwise throws std::invalid_argument. Register before the
// first simulation (the model elaborates one module per kind registered by then) and before any
// other thread uses the registry (it is not locked): e.g. from a static initialiser.
std::size_t register_compute_kind(ComputeKind kind);

// The kind that runs `engine`'s jobs on `hw`.
std::size_t engine_kind(Engine engine, const HwSpec& hw);
// Cycles of one tile of `job` on the compute block that runs it on `hw`.
std::int64_t tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw);

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_TIMING_COMPUTE_KINDS_H
