// A compute block fed with tiles through an sc_fifo<ComputeCmd>: it holds each tile for the
// cycles its timing rule gives, records the busy interval and signals completion in order.
// The model holds one ComputeUnit per registered compute kind (hw_models/timing/compute_kinds.h),
// indexed by kind id. This generic module times tiles with its kind's registered tile_cycles, so
// a new kind needs no module of its own; the dot-product array and the vector unit are named
// subclasses that call their timing rules directly.
#ifndef ACCELNAS_HW_MODELS_COMPUTE_UNIT_H
#define ACCELNAS_HW_MODELS_COMPUTE_UNIT_H

#include <cstddef>
#include <cstdint>
#include <systemc>

#include "hw_models/commands.h"
#include "hw_models/hw_spec.h"
#include "hw_models/trace_log.h"

namespace accelnas::hw {

class ComputeUnit : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_in<ComputeCmd> commands;

  // The block of compute kind `kind` (an id of compute_kinds.h), traced under the kind's name.
  ComputeUnit(sc_core::sc_module_name name, std::size_t kind);

  void configure(const HwSpec* hw, TraceLog* trace) {
    hw_ = hw;
    trace_ = trace;
  }
  std::size_t kind_id() const { return kind_; }
  std::int64_t busy_cycles() const { return busy_cycles_; }
  // Contract: a pure function of (job, tile, current HwSpec), >= 0, equal to the kind's
  // registered tile_cycles (the estimator uses that one).
  virtual std::int64_t cycles_for(const LayerJob& job, const Tile& tile) const;

 protected:
  const HwSpec& hw() const { return *hw_; }

 private:
  void run();
  std::size_t kind_;
  const char* trace_block_;
  const HwSpec* hw_ = nullptr;
  TraceLog* trace_ = nullptr;
  std::int64_t busy_cycles_ = 0;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_COMPUTE_UNIT_H
