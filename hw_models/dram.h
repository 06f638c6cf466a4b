// DRAM: a bandwidth-limited bus with a fixed latency. Timing rule (docs/HARDWARE_MODEL.md, D1):
// a transfer holds the bus for ceil(bytes / (bandwidth / clock)) cycles and completes
// `dram.latency` after its bus time ends; the next transfer may use the bus meanwhile.
#ifndef ACCELNAS_HW_MODELS_DRAM_H
#define ACCELNAS_HW_MODELS_DRAM_H

#include <cstdint>
#include <systemc>

#include "hw_spec.h"

namespace accelnas::hw {

class DramIf : public virtual sc_core::sc_interface {
 public:
  virtual std::int64_t bus_cycles(std::int64_t bytes) const = 0;
  virtual std::int64_t latency_cycles() const = 0;
  virtual void account(std::int64_t bytes, bool write) = 0;
};

class Dram : public sc_core::sc_module, public DramIf {
 public:
  explicit Dram(sc_core::sc_module_name name);
  void configure(const HwSpec* hw) { hw_ = hw; }

  std::int64_t bus_cycles(std::int64_t bytes) const override;
  std::int64_t latency_cycles() const override;
  void account(std::int64_t bytes, bool write) override;

  std::int64_t read_bytes() const { return read_bytes_; }
  std::int64_t write_bytes() const { return write_bytes_; }

  // Pure timing rule, shared with tests.
  static std::int64_t bus_cycles_for(std::int64_t bytes, const HwSpec& hw);

 private:
  const HwSpec* hw_ = nullptr;
  std::int64_t read_bytes_ = 0;
  std::int64_t write_bytes_ = 0;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_DRAM_H
