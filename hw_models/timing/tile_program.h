// The replay of one layer's tile program (controller rule P1, DMA D1-D3, compute through
// tile_cycles) on an analytical bus and compute unit: the cycles the SystemC model takes for the
// layer, without SystemC. The mapper ranks its candidate tilings by it (tiler.cpp), the planner
// takes each layer's idle bus time from it for the next layer's weight prefetch, and the
// estimator uses it as a feature (calibration/estimator/unit_features.cpp). Tests check that it
// equals the simulated cycles. Pure and SystemC-free.
#ifndef ACCELNAS_HW_MODELS_TIMING_TILE_PROGRAM_H
#define ACCELNAS_HW_MODELS_TIMING_TILE_PROGRAM_H

#include <cstdint>

#include "hw_models/hw_spec.h"
#include "hw_models/layer_job.h"
#include "hw_models/tiler.h"

namespace accelnas::hw {

struct ProgramTiming {
  std::int64_t cycles = 0;           // descriptor pop to the last store's completion (C2)
  std::int64_t bus_busy_cycles = 0;  // cycles the DRAM bus carries this layer's transfers
  // Cycles after the setup (C3) during which the bus carries none of them: what a prefetch of
  // the next layer's weights may use (C4).
  std::int64_t idle_bus_cycles = 0;
};

ProgramTiming replay_tile_program(const LayerJob& job, const TilePlan& plan, const HwSpec& hw);

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_TIMING_TILE_PROGRAM_H
