#include "hw_models/accelerator.h"

#include "workloads/config/error.h"

namespace accelnas::hw {

Accelerator::Accelerator(sc_core::sc_module_name name)
    : sc_core::sc_module(name),
      controller("controller"),
      dma_engine("dma_engine"),
      dram("dram"),
      weight_sram("weight_sram"),
      activation_sram("activation_sram"),
      dot_product_array("dot_product_array"),
      vector_unit("vector_unit"),
      dma_queue_("dma_queue", 4),
      array_queue_("array_queue", 2),
      vector_queue_("vector_queue", 2) {
  controller.dma(dma_queue_);
  dma_engine.requests(dma_queue_);
  dma_engine.dram(dram);
  controller.array(array_queue_);
  dot_product_array.commands(array_queue_);
  controller.vector(vector_queue_);
  vector_unit.commands(vector_queue_);
  controller.weight_sram(weight_sram);
  controller.activation_sram(activation_sram);
}

void Accelerator::end_of_elaboration() {
  // SystemC has already checked that every port is bound; check our own topology invariants.
  ACCELNAS_CHECK(dma_queue_.num_free() == 4, "DMA queue must start empty");
}

void Accelerator::configure(const HwSpec* hw, TraceLog* trace) {
  dram.configure(hw);
  weight_sram.set_capacity(hw->sram_weight_bytes);
  activation_sram.set_capacity(hw->sram_activation_bytes);
  dot_product_array.configure(hw, trace);
  vector_unit.configure(hw, trace);
  dma_engine.set_trace(trace);
  controller.configure(hw, trace, BlockCounters{&dram, &dot_product_array, &vector_unit});
}

}  // namespace accelnas::hw
