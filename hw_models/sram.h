// On-chip SRAM with capacity tracking. The controller allocates resident tensors and streaming
// buffers; exceeding the capacity is a bug in the tiler or planner (they guarantee the fit), so
// it panics. The peak is reported per layer.
#ifndef ACCELNAS_HW_MODELS_SRAM_H
#define ACCELNAS_HW_MODELS_SRAM_H

#include <cstdint>
#include <systemc>

namespace accelnas::hw {

class SramIf : public virtual sc_core::sc_interface {
 public:
  virtual void allocate(std::int64_t bytes) = 0;
  virtual void release(std::int64_t bytes) = 0;
  virtual std::int64_t used() const = 0;
  virtual std::int64_t peak() const = 0;
  virtual void reset_peak() = 0;
};

class Sram : public sc_core::sc_module, public SramIf {
 public:
  explicit Sram(sc_core::sc_module_name name);
  void set_capacity(std::int64_t bytes) { capacity_ = bytes; }
  std::int64_t capacity() const { return capacity_; }

  void allocate(std::int64_t bytes) override;
  void release(std::int64_t bytes) override;
  std::int64_t used() const override { return used_; }
  std::int64_t peak() const override { return peak_; }
  void reset_peak() override { peak_ = used_; }

 private:
  std::int64_t capacity_ = 0;
  std::int64_t used_ = 0;
  std::int64_t peak_ = 0;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_SRAM_H
