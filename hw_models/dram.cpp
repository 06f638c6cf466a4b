#include "hw_models/dram.h"

#include "hw_models/timing/dram_timing.h"

namespace accelnas::hw {

Dram::Dram(sc_core::sc_module_name name) : sc_core::sc_module(name) {}

double Dram::bus_time(std::int64_t bytes) const {
  return dram_bus_time(bytes, *hw_);
}

std::int64_t Dram::latency_cycles() const {
  return hw_->dram_latency_cycles();
}

void Dram::account(std::int64_t bytes, bool write) {
  (write ? write_bytes_ : read_bytes_) += bytes;
}

}  // namespace accelnas::hw
