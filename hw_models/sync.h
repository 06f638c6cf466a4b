// Small synchronisation helpers shared by the blocks. The model's time unit is one accelerator
// cycle: sc_time(1, SC_NS) stands for one cycle whatever the clock, so timing stays exact in
// integers; reports convert cycles to seconds with the clock.
#ifndef ACCELNAS_HW_MODELS_SYNC_H
#define ACCELNAS_HW_MODELS_SYNC_H

#include <cstdint>
#include <systemc>

namespace accelnas::hw {

inline sc_core::sc_time cycles(std::int64_t n) {
  return sc_core::sc_time(static_cast<double>(n), sc_core::SC_NS);
}

// Exact: the simulator sets SystemC's time resolution to 1 ns (one cycle), see simulator.cpp.
inline std::int64_t now_cycles() {
  return static_cast<std::int64_t>(sc_core::sc_time_stamp().value());
}

// A monotone counter of in-order completions (tiles computed, loads landed, ...) with an event.
// Waiters loop on the count, so a notification can never be missed.
class Progress {
 public:
  void reset() { count_ = 0; }
  void advance() {
    ++count_;
    ev_.notify(sc_core::SC_ZERO_TIME);
  }
  std::int64_t count() const { return count_; }
  void wait_until(std::int64_t n) {
    while (count_ < n) sc_core::wait(ev_);
  }

 private:
  std::int64_t count_ = 0;
  sc_core::sc_event ev_;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_SYNC_H
