// DMA engine: executes transfer requests in the order the controller issues them, over the DRAM
// bus (rules D1-D3, hw_models/timing/dram_timing.h). Two processes: the bus process moves each
// transfer in turn; the completion process signals each transfer `latency` cycles after its last
// byte, in order. Zero-byte requests take no bus time and complete in order behind the ones before
// them.
//
// A background request (C4, the next layer's weight prefetch) is not queued behind the others: the
// bus process moves its bytes whenever no request is waiting, and stops the moment one arrives,
// so it never delays a transfer of the layer; it completes when its last byte is moved.
#ifndef ACCELNAS_HW_MODELS_DMA_ENGINE_H
#define ACCELNAS_HW_MODELS_DMA_ENGINE_H

#include <systemc>

#include "hw_models/commands.h"
#include "hw_models/dram.h"
#include "hw_models/timing/dram_timing.h"
#include "hw_models/trace_log.h"

namespace accelnas::hw {

class DmaEngine : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_in<DmaRequest> requests;
  sc_core::sc_port<DramIf> dram;

  explicit DmaEngine(sc_core::sc_module_name name);
  void set_trace(TraceLog* trace) { trace_ = trace; }
  std::int64_t busy_cycles() const { return busy_cycles_; }

 private:
  struct InFlight {
    DmaRequest req;
    std::int64_t ready_cycle = 0;
  };
  friend std::ostream& operator<<(std::ostream& os, const InFlight& f) { return os << f.req; }

  void bus_thread();
  void completion_thread();
  void move_background();  // until its bytes are moved or a request arrives

  sc_core::sc_fifo<InFlight> in_flight_;
  TraceLog* trace_ = nullptr;
  std::int64_t busy_cycles_ = 0;
  DramBusClock bus_;  // when the bus finishes its last transfer
  // The background transfer in flight, if any.
  DmaRequest background_;
  double background_left_ = 0;  // bytes still to move (fractions of a byte carry over)
  std::int64_t background_start_ = 0;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_DMA_ENGINE_H
