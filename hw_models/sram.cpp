#include "hw_models/sram.h"

#include <string>

#include "workloads/config/error.h"

namespace accelnas::hw {

Sram::Sram(sc_core::sc_module_name name) : sc_core::sc_module(name) {}

void Sram::allocate(std::int64_t bytes) {
  ACCELNAS_CHECK(bytes >= 0, "negative SRAM allocation");
  used_ += bytes;
  ACCELNAS_CHECK(used_ <= capacity_, std::string(name()) + " over capacity: " +
                                         std::to_string(used_) + " > " + std::to_string(capacity_));
  if (used_ > peak_) peak_ = used_;
}

void Sram::release(std::int64_t bytes) {
  used_ -= bytes;
  ACCELNAS_CHECK(used_ >= 0, std::string(name()) + " released more than allocated");
}

}  // namespace accelnas::hw
