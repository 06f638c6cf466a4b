// DRAM: one bus that moves bytes continuously at `dram.bandwidth`, plus a fixed latency, with
// the timing rules of hw_models/timing/dram_timing.h (docs/HARDWARE_MODEL.md, D1-D2). The module
// answers the DMA engine's questions and counts the bytes moved.
#ifndef ACCELNAS_HW_MODELS_DRAM_H
#define ACCELNAS_HW_MODELS_DRAM_H

#include <cstdint>
#include <systemc>

#include "hw_models/hw_spec.h"

namespace accelnas::hw {

class DramIf : public virtual sc_core::sc_interface {
 public:
  virtual double bus_time(std::int64_t bytes) const = 0;  // cycles, fractional
  virtual std::int64_t latency_cycles() const = 0;
  virtual void account(std::int64_t bytes, bool write) = 0;
};

class Dram : public sc_core::sc_module, public DramIf {
 public:
  explicit Dram(sc_core::sc_module_name name);
  void configure(const HwSpec* hw) { hw_ = hw; }

  double bus_time(std::int64_t bytes) const override;
  std::int64_t latency_cycles() const override;
  void account(std::int64_t bytes, bool write) override;

  std::int64_t read_bytes() const { return read_bytes_; }
  std::int64_t write_bytes() const { return write_bytes_; }

 private:
  const HwSpec* hw_ = nullptr;
  std::int64_t read_bytes_ = 0;
  std::int64_t write_bytes_ = 0;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_DRAM_H
