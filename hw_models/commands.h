// Payloads carried by the SystemC FIFOs between blocks.
#ifndef ACCELNAS_HW_MODELS_COMMANDS_H
#define ACCELNAS_HW_MODELS_COMMANDS_H

#include <cstdint>
#include <ostream>

#include "hw_models/sync.h"
#include "hw_models/tiler.h"

namespace accelnas::hw {

struct DmaRequest {
  std::int64_t bytes = 0;
  bool write = false;        // SRAM -> DRAM
  Progress* done = nullptr;  // advanced when the transfer has completed
  const char* what = "";     // for the trace
  const LayerJob* job = nullptr;
  std::int64_t issue_cycle = 0;  // when the controller issued it
  // A weight prefetch (C4): moved only while no other request is waiting, and `done` advances
  // when its last byte has left the bus.
  bool background = false;
};

struct ComputeCmd {
  const LayerJob* job = nullptr;
  const Tile* tile = nullptr;
  Progress* done = nullptr;
};

// sc_fifo requires stream output for its print() support.
inline std::ostream& operator<<(std::ostream& os, const DmaRequest& r) {
  return os << (r.write ? "write " : "read ") << r.bytes << "B";
}
inline std::ostream& operator<<(std::ostream& os, const ComputeCmd& c) {
  return os << "tile of " << (c.job ? c.job->name : "?");
}

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_COMMANDS_H
