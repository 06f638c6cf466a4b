// The accelerator top: instantiates the blocks and wires them with SystemC channels.
//
//   controller --sc_fifo<DmaRequest>--> dma_engine --DramIf--> dram
//   controller --sc_fifo<ComputeCmd>--> units[k], one per compute kind k
//                                       (dot_product_array, vector_unit, ...)
//   controller --SramIf--> weight_sram, activation_sram
//
// Elaborated once per process; configure() points every block at a new HwSpec between runs so
// one elaboration serves a whole sweep or label-generation job. The compute blocks are those of
// the kinds registered at elaboration (hw_models/timing/compute_kinds.h), indexed by kind id;
// the HwSpec's `compute.kind` picks which of them runs array jobs.
#ifndef ACCELNAS_HW_MODELS_ACCELERATOR_H
#define ACCELNAS_HW_MODELS_ACCELERATOR_H

#include <memory>
#include <systemc>
#include <vector>

#include "hw_models/compute_unit.h"
#include "hw_models/controller.h"
#include "hw_models/dma_engine.h"
#include "hw_models/dram.h"
#include "hw_models/sram.h"

namespace accelnas::hw {

class Accelerator : public sc_core::sc_module {
 public:
  explicit Accelerator(sc_core::sc_module_name name);
  // Throws (a bug, not a user error) when `hw` picks a kind registered after elaboration.
  void configure(const HwSpec* hw, TraceLog* trace);

  Controller controller;
  DmaEngine dma_engine;
  Dram dram;
  Sram weight_sram;
  Sram activation_sram;
  std::vector<std::unique_ptr<ComputeUnit>> units;  // indexed by compute kind id

 private:
  void end_of_elaboration() override;

  sc_core::sc_fifo<DmaRequest> dma_queue_;
  std::vector<std::unique_ptr<sc_core::sc_fifo<ComputeCmd>>> unit_queues_;  // as units
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_ACCELERATOR_H
