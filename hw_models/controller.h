// The controller: pops layer descriptors from its queue and runs each layer's tile program.
// Three processes share the layer:
//   main      decodes the descriptor (layer_setup cycles), allocates SRAM, starts the layer,
//             waits for the last store and gathers the layer's statistics;
//   dma_issue walks the static DMA program  P, L0, L1, L2, S0, L3, S1, ..., S(T-2), S(T-1)
//             where L(i) waits until compute i-2 has freed its input slot and S(i) waits for
//             compute i (double buffering: loads of tile i+1 run while tile i computes);
//   compute   runs tile i once P and L(i) have landed and S(i-2) has freed its output slot.
// Every dependency is a max() of earlier completions, so shortening any duration can never make
// a layer slower (the model is monotone).
#ifndef ACCELNAS_HW_MODELS_CONTROLLER_H
#define ACCELNAS_HW_MODELS_CONTROLLER_H

#include <deque>
#include <systemc>
#include <vector>

#include "hw_models/commands.h"
#include "hw_models/compute_unit.h"
#include "hw_models/dma_engine.h"
#include "hw_models/layer_stats.h"
#include "hw_models/sram.h"

namespace accelnas::hw {

struct Descriptor {
  const LayerJob* job = nullptr;
  const TilePlan* plan = nullptr;
  LayerStats* out = nullptr;
  // C4: bytes of the next layer's weights this layer moves in its idle bus time (the next job's
  // prefetched_weight_bytes), held in the weight SRAM beside this layer's weights.
  std::int64_t prefetch_bytes = 0;
};

// Read-only view of the blocks' counters, so the controller can take per-layer deltas.
struct BlockCounters {
  const Dram* dram = nullptr;
  std::vector<const ComputeUnit*> units;  // indexed by compute kind id, as Controller::units
};

class Controller : public sc_core::sc_module {
 public:
  sc_core::sc_fifo_out<DmaRequest> dma;
  // One command queue per compute kind, bound in kind id order: a layer's tiles go to the
  // kind that runs its engine on the current HwSpec (compute_kinds.h, engine_kind).
  sc_core::sc_port<sc_core::sc_fifo_out_if<ComputeCmd>, 0> units;
  sc_core::sc_port<SramIf> weight_sram;
  sc_core::sc_port<SramIf> activation_sram;

  explicit Controller(sc_core::sc_module_name name);
  void configure(const HwSpec* hw, TraceLog* trace, BlockCounters counters);
  // Called between sc_start() runs: queues a descriptor and wakes the controller.
  void enqueue(const Descriptor& d);
  std::int64_t completed() const { return completed_; }

 private:
  void main_thread();
  void dma_issue_thread();
  void compute_thread();
  void issue(std::int64_t bytes, bool write, Progress* done, const char* what);
  void finish_layer(std::int64_t start);

  const HwSpec* hw_ = nullptr;
  TraceLog* trace_ = nullptr;
  BlockCounters counters_;
  std::deque<Descriptor> queue_;
  sc_core::sc_event queue_ev_;
  std::int64_t completed_ = 0;

  // The layer in flight.
  Descriptor cur_;
  std::int64_t layer_seq_ = 0;
  sc_core::sc_event layer_start_ev_;
  Progress preload_, loads_, computes_, stores_, helpers_done_, prefetch_;
  std::int64_t dram_read0_ = 0, dram_write0_ = 0;
  std::vector<std::int64_t> busy0_;  // each unit's busy cycles at the layer's start
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_CONTROLLER_H
