// The accelerator top: instantiates the blocks and wires them with SystemC channels.
//
//   controller --sc_fifo<DmaRequest>--> dma_engine --DramIf--> dram
//   controller --sc_fifo<ComputeCmd>--> dot_product_array
//   controller --sc_fifo<ComputeCmd>--> vector_unit
//   controller --SramIf--> weight_sram, activation_sram
//
// Elaborated once per process; configure() points every block at a new HwSpec between runs so
// one elaboration serves a whole sweep or label-generation job.
#ifndef ACCELNAS_HW_MODELS_ACCELERATOR_H
#define ACCELNAS_HW_MODELS_ACCELERATOR_H

#include <systemc>

#include "hw_models/controller.h"
#include "hw_models/dma_engine.h"
#include "hw_models/dot_product_array.h"
#include "hw_models/dram.h"
#include "hw_models/sram.h"
#include "hw_models/vector_unit.h"

namespace accelnas::hw {

class Accelerator : public sc_core::sc_module {
 public:
  explicit Accelerator(sc_core::sc_module_name name);
  void configure(const HwSpec* hw, TraceLog* trace);

  Controller controller;
  DmaEngine dma_engine;
  Dram dram;
  Sram weight_sram;
  Sram activation_sram;
  DotProductArray dot_product_array;
  VectorUnit vector_unit;

 private:
  void end_of_elaboration() override;

  sc_core::sc_fifo<DmaRequest> dma_queue_;
  sc_core::sc_fifo<ComputeCmd> array_queue_;
  sc_core::sc_fifo<ComputeCmd> vector_queue_;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_ACCELERATOR_H
