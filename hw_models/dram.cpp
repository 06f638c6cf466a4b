#include "hw_models/dram.h"

#include <cmath>

namespace accelnas::hw {

Dram::Dram(sc_core::sc_module_name name) : sc_core::sc_module(name) {}

double Dram::bus_time_for(std::int64_t bytes, const HwSpec& hw) {
  if (bytes <= 0) return 0.0;
  return static_cast<double>(bytes) / hw.dram_bytes_per_cycle();
}

std::int64_t Dram::whole_cycle(double t) {
  // The epsilon absorbs floating-point error so an exact ratio (8 B at 8 B/cycle) stays exact.
  return static_cast<std::int64_t>(std::ceil(t - 1e-6));
}

Dram::BusClock::Slot Dram::BusClock::transfer(std::int64_t issue_cycle, double bus_time) {
  if (static_cast<double>(issue_cycle - origin_) >= offset_) {  // idle at issue: a new period
    origin_ = issue_cycle;
    offset_ = 0;
  }
  Slot s;
  s.start = origin_ + whole_cycle(offset_);
  offset_ += bus_time;
  s.done = origin_ + whole_cycle(offset_);
  return s;
}

double Dram::bus_time(std::int64_t bytes) const {
  return bus_time_for(bytes, *hw_);
}

std::int64_t Dram::latency_cycles() const {
  return hw_->dram_latency_cycles();
}

void Dram::account(std::int64_t bytes, bool write) {
  (write ? write_bytes_ : read_bytes_) += bytes;
}

}  // namespace accelnas::hw
