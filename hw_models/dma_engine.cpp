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
    if (background_left_ > 0 && requests.num_available() == 0) {
      move_background();
      continue;
    }
    const DmaRequest req = requests.read();
    if (req.background) {
      background_ = req;
      background_left_ = static_cast<double>(req.bytes);
      background_start_ = now_cycles();
      if (req.bytes <= 0) req.done->advance();
      continue;
    }
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

void DmaEngine::move_background() {
  const double per_byte = dram->bus_time(1);  // cycles per byte
  const std::int64_t start = now_cycles();
  // Whole cycles: the bus is free from `start` (the last transfer has left it, and the bus
  // process waited for that), so the bytes move from there until a request arrives.
  const std::int64_t need = dram_whole_cycle(background_left_ * per_byte);
  sc_core::wait(cycles(need), requests.data_written_event());
  const std::int64_t moved = now_cycles() - start;
  busy_cycles_ += moved;
  if (moved < need) {
    background_left_ -= static_cast<double>(moved) / per_byte;
    if (background_left_ > 1e-6) return;
  }
  background_left_ = 0;
  dram->account(background_.bytes, false);
  if (trace_ != nullptr) {
    trace_->add("dma_prefetch",
                (background_.job ? background_.job->name + " " : std::string()) + background_.what,
                background_start_, now_cycles());
  }
  background_.done->advance();
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
