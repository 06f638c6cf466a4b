// The sampler: draws estimator units (docs/ESTIMATOR.md) from a sampling space (space.h).
//
// A sampled unit is built as a small network the way the zoo builds its blocks (block ids,
// types and roles; zoo/blocks.h for IBN and fused IBN), planned by sim::plan_network with a
// drawn context (inputs on chip, output kept on chip, activation SRAM reserved by other
// tensors: sim::PlanOptions), and decomposed by cal::decompose into exactly one unit.
//
// Contract: sample(i) is a pure function of (space, hw, seed, i). Each index has its own random
// stream (counter-based: splitmix64 of seed and index seeds a xoshiro256**), and every draw uses
// the project's own integer and real draws, never std distributions, so any process, shard or
// standard library draws the same unit for the same index. sample() is const and touches no
// shared mutable state, so it is safe to call from several threads.
#ifndef ACCELNAS_CALIBRATION_LABELS_SAMPLER_H
#define ACCELNAS_CALIBRATION_LABELS_SAMPLER_H

#include <cstdint>

#include "calibration/estimator/unit.h"
#include "calibration/labels/space.h"
#include "hw_models/hw_spec.h"
#include "sim/runtime/rng.h"

namespace accelnas::cal {

// The per-index random stream (sim/runtime/rng.h).
using runtime::Rng;

// A draw from a distribution of the space: a choice, or uniform over [min, max].
std::int64_t draw(Rng& rng, const IntDist& d);
double draw(Rng& rng, const RealDist& d);

class Sampler {
 public:
  // Throws UserError when the hardware's parallelism factor cannot serve as the alignment
  // multiple (never for a parsed HwSpec).
  Sampler(Space space, hw::HwSpec hw, std::uint64_t seed);

  // Unit `index` of this (space, hw, seed). Throws UserError only when the space's sizes make
  // every redraw an invalid network (e.g. a layer over the per-layer size limits).
  UnitDesc sample(std::uint64_t index) const;

  const Space& space() const { return space_; }
  const hw::HwSpec& hw() const { return hw_; }
  std::uint64_t seed() const { return seed_; }

 private:
  Space space_;
  hw::HwSpec hw_;
  std::uint64_t seed_;
  double total_weight_ = 0;
};

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABELS_SAMPLER_H
