// A compute block fed with tiles through an sc_fifo<ComputeCmd>: it holds each tile for the
// cycles its timing rule gives, records the busy interval and signals completion in order.
// The dot-product array and the vector unit are ComputeUnits; a systolic-array variant would be
// another one, with its own cycles_for().
#ifndef ACCELNAS_HW_MODELS_COMPUTE_UNIT_H
#define ACCELNAS_HW_MODELS_COMPUTE_UNIT_H

#include <cstdint>
#include <systemc>

#include "hw_models/commands.h"
#include "hw_models/hw_spec.h"
#include "hw_models/trace_log.h"

namespace accelnas::hw {

class ComputeUnit : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_in<ComputeCmd> commands;

  void configure(const HwSpec* hw, TraceLog* trace) {
    hw_ = hw;
    trace_ = trace;
  }
  std::int64_t busy_cycles() const { return busy_cycles_; }
  // Contract: a pure function of (job, tile, current HwSpec), >= 0.
  virtual std::int64_t cycles_for(const LayerJob& job, const Tile& tile) const = 0;

 protected:
  ComputeUnit(sc_core::sc_module_name name, const char* trace_block);
  const HwSpec& hw() const { return *hw_; }

 private:
  void run();
  const char* trace_block_;
  const HwSpec* hw_ = nullptr;
  TraceLog* trace_ = nullptr;
  std::int64_t busy_cycles_ = 0;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_COMPUTE_UNIT_H
