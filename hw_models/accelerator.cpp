#include "hw_models/accelerator.h"

#include <string>

#include "hw_models/dot_product_array.h"
#include "hw_models/timing/compute_kinds.h"
#include "hw_models/vector_unit.h"
#include "workloads/config/error.h"

namespace accelnas::hw {
namespace {

// The SystemC module of compute kind `id`, named after the kind: its own block where it has one,
// otherwise the generic ComputeUnit, which times tiles with the kind's registered rule.
std::unique_ptr<ComputeUnit> make_compute_unit(std::size_t id) {
  const char* name = compute_kind(id).name.c_str();
  if (id == kDotProductArrayKind) return std::make_unique<DotProductArray>(name);
  if (id == kVectorUnitKind) return std::make_unique<VectorUnit>(name);
  return std::make_unique<ComputeUnit>(name, id);
}

}  // namespace

Accelerator::Accelerator(sc_core::sc_module_name name)
    : sc_core::sc_module(name),
      controller("controller"),
      dma_engine("dma_engine"),
      dram("dram"),
      weight_sram("weight_sram"),
      activation_sram("activation_sram"),
      dma_queue_("dma_queue", 4) {
  for (std::size_t id = 0; id < compute_kind_count(); ++id) {
    units.push_back(make_compute_unit(id));
    const std::string queue = compute_kind(id).name + "_queue";
    unit_queues_.push_back(std::make_unique<sc_core::sc_fifo<ComputeCmd>>(queue.c_str(), 2));
  }
  controller.dma(dma_queue_);
  dma_engine.requests(dma_queue_);
  dma_engine.dram(dram);
  for (std::size_t id = 0; id < units.size(); ++id) {
    controller.units(*unit_queues_[id]);  // bound in id order: units[id] behind port index id
    units[id]->commands(*unit_queues_[id]);
  }
  controller.weight_sram(weight_sram);
  controller.activation_sram(activation_sram);
}

void Accelerator::end_of_elaboration() {
  // SystemC has already checked that every port is bound; check our own topology invariants.
  ACCELNAS_CHECK(dma_queue_.num_free() == 4, "DMA queue must start empty");
  ACCELNAS_CHECK(controller.units.size() == static_cast<int>(units.size()),
                 "one controller port per compute unit");
}

void Accelerator::configure(const HwSpec* hw, TraceLog* trace) {
  ACCELNAS_CHECK(engine_kind(Engine::Array, *hw) < units.size() &&
                     engine_kind(Engine::Vector, *hw) < units.size(),
                 "compute kind '" + compute_kind(engine_kind(Engine::Array, *hw)).name +
                     "' was registered after the model was elaborated");
  dram.configure(hw);
  weight_sram.set_capacity(hw->sram_weight_bytes);
  activation_sram.set_capacity(hw->sram_activation_bytes);
  BlockCounters counters{&dram, {}};
  for (const auto& u : units) {
    u->configure(hw, trace);
    counters.units.push_back(u.get());
  }
  dma_engine.set_trace(trace);
  controller.configure(hw, trace, std::move(counters));
}

}  // namespace accelnas::hw
