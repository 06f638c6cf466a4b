// DRAM: one bus that moves bytes continuously at `dram.bandwidth`, plus a fixed latency.
// Timing rule (docs/HARDWARE_MODEL.md, D1-D2): a transfer of b bytes occupies the bus for
// b / (bandwidth / clock) cycles, starting when it is issued or when the previous transfer has
// left the bus, whichever is later (fractions of a cycle carry over, so splitting a transfer in
// two never changes when its last byte arrives); it completes `dram.latency` after the first
// whole cycle at or after its last byte.
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

  // Pure timing rules, shared with tests.
  static double bus_time_for(std::int64_t bytes, const HwSpec& hw);
  // The first whole cycle at or after a fractional time (exact ratios do not round up).
  static std::int64_t whole_cycle(double t);

  // The bus's continuous clock (D1). Fractions of a cycle are kept relative to the start of the
  // current busy period: a transfer issued when the bus is idle restarts the count from its
  // (whole) issue cycle. So a transfer's timing depends on the busy period it belongs to and
  // never on the absolute simulated time: a double holding an absolute cycle count loses the
  // fraction's precision as the count grows, which made a layer a cycle slower late in a long
  // run than early in it. Shared by the DMA engine and the estimator's analytical replay.
  class BusClock {
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

 private:
  const HwSpec* hw_ = nullptr;
  std::int64_t read_bytes_ = 0;
  std::int64_t write_bytes_ = 0;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_DRAM_H
