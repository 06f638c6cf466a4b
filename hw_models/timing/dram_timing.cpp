#include "hw_models/timing/dram_timing.h"

#include <cmath>

namespace accelnas::hw {

double dram_bus_time(std::int64_t bytes, const HwSpec& hw) {
  if (bytes <= 0) return 0.0;
  return static_cast<double>(bytes) / hw.dram_bytes_per_cycle();
}

std::int64_t dram_whole_cycle(double t) {
  // The epsilon absorbs floating-point error so an exact ratio (8 B at 8 B/cycle) stays exact.
  return static_cast<std::int64_t>(std::ceil(t - 1e-6));
}

DramBusClock::Slot DramBusClock::transfer(std::int64_t issue_cycle, double bus_time) {
  if (static_cast<double>(issue_cycle - origin_) >= offset_) {  // idle at issue: a new period
    origin_ = issue_cycle;
    offset_ = 0;
  }
  Slot s;
  s.start = origin_ + dram_whole_cycle(offset_);
  offset_ += bus_time;
  s.done = origin_ + dram_whole_cycle(offset_);
  return s;
}

}  // namespace accelnas::hw
