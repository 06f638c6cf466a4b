// The DRAM bus's timing rules (docs/HARDWARE_MODEL.md, D1-D2): a transfer of b bytes occupies
// the bus for b / (bandwidth / clock) cycles, starting when it is issued or when the previous
// transfer has left the bus, whichever is later (fractions of a cycle carry over, so splitting a
// transfer in two never changes when its last byte arrives); it completes `dram.latency` after
// the first whole cycle at or after its last byte. Pure and SystemC-free: the Dram and DmaEngine
// modules and the estimator's analytical replay share them.
#ifndef ACCELNAS_HW_MODELS_TIMING_DRAM_TIMING_H
#define ACCELNAS_HW_MODELS_TIMING_DRAM_TIMING_H

#include <cstdint>

#include "hw_models/hw_spec.h"

namespace accelnas::hw {

// Cycles (fractional) that `bytes` occupy the bus; 0 for no bytes.
double dram_bus_time(std::int64_t bytes, const HwSpec& hw);
// The first whole cycle at or after a fractional time (exact ratios do not round up).
std::int64_t dram_whole_cycle(double t);

// The bus's continuous clock (D1). Fractions of a cycle are kept relative to the start of the
// current busy period: a transfer issued when the bus is idle restarts the count from its
// (whole) issue cycle. So a transfer's timing depends on the busy period it belongs to and
// never on the absolute simulated time: a double holding an absolute cycle count loses the
// fraction's precision as the count grows, which made a layer a cycle slower late in a long
// run than early in it.
class DramBusClock {
 public:
  struct Slot {
    std::int64_t start = 0;  // first whole cycle at or after the first byte
    std::int64_t done = 0;   // first whole cycle at or after the last byte
  };
  Slot transfer(std::int64_t issue_cycle, double bus_time);

 private:
  std::int64_t origin_ = 0;  // whole cycle the busy period started at
  double offset_ = 0;        // the bus is free at origin_ + offset_
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_TIMING_DRAM_TIMING_H
