#include "dma_engine.h"

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
    const std::int64_t start = now_cycles();
    const std::int64_t bus = dram->bus_cycles(req.bytes);
    if (bus > 0) {
      sc_core::wait(cycles(bus));
      busy_cycles_ += bus;
      dram->account(req.bytes, req.write);
      if (trace_ != nullptr) {
        trace_->add("dma", (req.job ? req.job->name + " " : std::string()) + req.what, start,
                    now_cycles());
      }
    }
    const std::int64_t latency = req.bytes > 0 ? dram->latency_cycles() : 0;
    in_flight_.write(InFlight{req, now_cycles() + latency});
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
