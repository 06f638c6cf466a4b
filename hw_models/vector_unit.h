// The vector unit: `lanes` elements per step for elementwise ops, pooling, concat and resize.
// Timing rules (docs/HARDWARE_MODEL.md):
//   V1 cycles per tile = ceil(element_ops / lanes) * cycles_per_step(precision)
//      + vector.pipeline_latency, where pooling counts window elements per output element
#ifndef ACCELNAS_HW_MODELS_VECTOR_UNIT_H
#define ACCELNAS_HW_MODELS_VECTOR_UNIT_H

#include <cstdint>
#include <systemc>

#include "commands.h"
#include "hw_spec.h"
#include "trace_log.h"

namespace accelnas::hw {

class VectorUnit : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_in<ComputeCmd> commands;

  explicit VectorUnit(sc_core::sc_module_name name);
  void configure(const HwSpec* hw, TraceLog* trace) {
    hw_ = hw;
    trace_ = trace;
  }
  std::int64_t busy_cycles() const { return busy_cycles_; }

  static std::int64_t tile_cycles(const LayerJob& job, const Tile& tile, const HwSpec& hw);

 private:
  void run();
  const HwSpec* hw_ = nullptr;
  TraceLog* trace_ = nullptr;
  std::int64_t busy_cycles_ = 0;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_VECTOR_UNIT_H
