#include "dram.h"

#include <cmath>

namespace accelnas::hw {

Dram::Dram(sc_core::sc_module_name name) : sc_core::sc_module(name) {}

std::int64_t Dram::bus_cycles_for(std::int64_t bytes, const HwSpec& hw) {
  if (bytes <= 0) return 0;
  // The small epsilon keeps exact ratios (e.g. 8 B over 8 B/cycle) from rounding up.
  return static_cast<std::int64_t>(
      std::ceil(static_cast<double>(bytes) / hw.dram_bytes_per_cycle() - 1e-9));
}

std::int64_t Dram::bus_cycles(std::int64_t bytes) const {
  return bus_cycles_for(bytes, *hw_);
}

std::int64_t Dram::latency_cycles() const {
  return hw_->dram_latency_cycles();
}

void Dram::account(std::int64_t bytes, bool write) {
  (write ? write_bytes_ : read_bytes_) += bytes;
}

}  // namespace accelnas::hw
