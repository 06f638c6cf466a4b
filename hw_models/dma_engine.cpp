#include "hw_models/dma_engine.h"

#include <algorithm>

namespace accelnas::hw {

DmaEngine::DmaEngine(sc_core::sc_module_name name)
    : sc_core::sc_module(name), requests("requests"), dram("dram"), in_flight_("in_flight", 64) {
  SC_HAS_PROCESS(DmaEngine);
  SC_THREAD(bus_thread);
  SC_THREAD(completion_thread);
}

void DmaEngine::bus_thread() {
  for (;;) {
    const DmaRequest req = requests.read();
    if (req.bytes <= 0) {  // no bus time; completes in order behind the transfers before it
      in_flight_.write(InFlight{req, now_cycles()});
      continue;
    }
    // The bus is continuous: this transfer starts when issued or when the previous one has
    // left the bus, even if that was a fraction of a cycle before this process got here.
    const DramBusClock::Slot slot = bus_.transfer(req.issue_cycle, dram->bus_time(req.bytes));
    const std::int64_t done = slot.done;
    const std::int64_t now = now_cycles();
    if (done > now) sc_core::wait(cycles(done - now));
    busy_cycles_ += done - slot.start;
    dram->account(req.bytes, req.write);
    if (trace_ != nullptr) {
      trace_->add("dma", (req.job ? req.job->name + " " : std::string()) + req.what, slot.start,
                  done);
    }
    in_flight_.write(InFlight{req, done + dram->latency_cycles()});
  }
}

void DmaEngine::completion_thread() {
  for (;;) {
    const InFlight f = in_flight_.read();
    const std::int64_t now = now_cycles();
    if (f.ready_cycle > now) sc_core::wait(cycles(f.ready_cycle - now));
    f.req.done->advance();
  }
}

}  // namespace accelnas::hw
