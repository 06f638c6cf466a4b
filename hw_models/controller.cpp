#include "hw_models/controller.h"

#include <algorithm>
#include <utility>

#include "hw_models/timing/compute_kinds.h"

namespace accelnas::hw {

Controller::Controller(sc_core::sc_module_name name)
    : sc_core::sc_module(name),
      dma("dma"),
      units("units"),
      weight_sram("weight_sram"),
      activation_sram("activation_sram") {
  SC_HAS_PROCESS(Controller);
  SC_THREAD(main_thread);
  SC_THREAD(dma_issue_thread);
  SC_THREAD(compute_thread);
}

void Controller::configure(const HwSpec* hw, TraceLog* trace, BlockCounters counters) {
  hw_ = hw;
  trace_ = trace;
  counters_ = std::move(counters);
}

void Controller::enqueue(const Descriptor& d) {
  queue_.push_back(d);
  queue_ev_.notify(sc_core::SC_ZERO_TIME);
}

void Controller::issue(std::int64_t bytes, bool write, Progress* done, const char* what) {
  dma->write(DmaRequest{bytes, write, done, what, cur_.job, now_cycles()});
}

void Controller::main_thread() {
  for (;;) {
    while (queue_.empty()) sc_core::wait(queue_ev_);
    cur_ = queue_.front();
    queue_.pop_front();
    const std::int64_t start = now_cycles();
    if (hw_->layer_setup_cycles > 0) sc_core::wait(cycles(hw_->layer_setup_cycles));
    if (trace_ != nullptr)
      trace_->add("controller", cur_.job->name + " setup", start, now_cycles());

    const TilePlan& plan = *cur_.plan;
    const std::int64_t resident =
        cur_.job->reserved_activation_bytes + plan.pinned_activation_bytes;
    activation_sram->allocate(resident);
    weight_sram->allocate(plan.weight_slot_bytes + cur_.prefetch_bytes);
    activation_sram->reset_peak();
    weight_sram->reset_peak();
    preload_.reset();
    loads_.reset();
    computes_.reset();
    stores_.reset();
    helpers_done_.reset();
    prefetch_.reset();
    dram_read0_ = counters_.dram->read_bytes();
    dram_write0_ = counters_.dram->write_bytes();
    busy0_.resize(counters_.units.size());
    for (std::size_t k = 0; k < busy0_.size(); ++k) busy0_[k] = counters_.units[k]->busy_cycles();

    ++layer_seq_;
    layer_start_ev_.notify(sc_core::SC_ZERO_TIME);
    const auto tiles = static_cast<std::int64_t>(plan.tiles.size());
    computes_.wait_until(tiles);
    stores_.wait_until(tiles);
    helpers_done_.wait_until(2);  // both helpers are back waiting for the next layer
    // The prefetch fits the layer's idle bus time (C4), so it has landed by now; were it late,
    // the layer would wait for it here.
    prefetch_.wait_until(cur_.prefetch_bytes > 0 ? 1 : 0);
    finish_layer(start);
    activation_sram->release(resident);
    weight_sram->release(plan.weight_slot_bytes + cur_.prefetch_bytes);
    ++completed_;
  }
}

void Controller::dma_issue_thread() {
  std::int64_t seen = 0;
  for (;;) {
    while (seen == layer_seq_) sc_core::wait(layer_start_ev_);
    seen = layer_seq_;
    const TilePlan& plan = *cur_.plan;
    const auto n = static_cast<std::int64_t>(plan.tiles.size());
    if (cur_.prefetch_bytes > 0) {  // C4: first, so it may use the bus during the setup too
      dma->write(DmaRequest{cur_.prefetch_bytes, false, &prefetch_, "prefetch next weights",
                            cur_.job, now_cycles(), true});
    }
    issue(plan.preload_bytes, false, &preload_, "preload");
    // Input buffers are released once the last tile reading them has computed; only this
    // thread allocates them, so the activation SRAM never holds more than the tiler planned.
    std::int64_t released = 0;
    auto release_inputs = [&](std::int64_t computed) {
      for (; released < n; ++released) {
        const Tile& t = plan.tiles[static_cast<std::size_t>(released)];
        if (t.input_last_use >= computed) break;
        activation_sram->release(t.in_buffer_bytes);
      }
    };
    auto load = [&](std::int64_t i) {
      computes_.wait_until(i - 1);  // tile i-2 has left its input slot
      release_inputs(computes_.count());
      const Tile& t = plan.tiles[static_cast<std::size_t>(i)];
      activation_sram->allocate(t.in_buffer_bytes);
      issue(t.load_bytes, false, &loads_, "load");
    };
    auto store = [&](std::int64_t i) {
      computes_.wait_until(i + 1);
      issue(plan.tiles[static_cast<std::size_t>(i)].store_bytes, true, &stores_, "store");
    };
    for (std::int64_t i = 0; i < std::min<std::int64_t>(2, n); ++i) load(i);
    for (std::int64_t i = 2; i < n; ++i) {
      load(i);
      store(i - 2);
    }
    for (std::int64_t i = std::max<std::int64_t>(0, n - 2); i < n; ++i) store(i);
    release_inputs(n);
    helpers_done_.advance();
  }
}

void Controller::compute_thread() {
  std::int64_t seen = 0;
  for (;;) {
    while (seen == layer_seq_) sc_core::wait(layer_start_ev_);
    seen = layer_seq_;
    const TilePlan& plan = *cur_.plan;
    const LayerJob& job = *cur_.job;
    const auto n = static_cast<std::int64_t>(plan.tiles.size());
    const auto unit = static_cast<int>(engine_kind(job.engine, *hw_));
    preload_.wait_until(1);
    // Output buffers are released once the store that drains them has completed; only this
    // thread allocates them.
    std::int64_t released = 0;
    auto release_outputs = [&](std::int64_t stored) {
      for (; released < n; ++released) {
        const Tile& t = plan.tiles[static_cast<std::size_t>(released)];
        if (t.output_store_tile >= stored) break;
        activation_sram->release(t.out_buffer_bytes);
      }
    };
    for (std::int64_t i = 0; i < n; ++i) {
      const Tile& t = plan.tiles[static_cast<std::size_t>(i)];
      loads_.wait_until(i + 1);
      stores_.wait_until(i - 1);  // tile i-2's output slot has drained
      release_outputs(stores_.count());
      activation_sram->allocate(t.out_buffer_bytes);
      const std::int64_t before = computes_.count();
      units[unit]->write(ComputeCmd{&job, &t, &computes_});
      computes_.wait_until(before + 1);
    }
    stores_.wait_until(n);
    release_outputs(n);
    helpers_done_.advance();
  }
}

void Controller::finish_layer(std::int64_t start) {
  const LayerJob& job = *cur_.job;
  const TilePlan& plan = *cur_.plan;
  LayerStats& s = *cur_.out;
  s.name = job.name;
  s.op = job.op;
  s.engine = job.engine;
  s.precision = job.precision;
  s.start_cycle = start;
  s.cycles = now_cycles() - start;
  // Only the layer's unit has worked since its start; the others add nothing.
  s.compute_cycles = 0;
  for (std::size_t k = 0; k < busy0_.size(); ++k)
    s.compute_cycles += counters_.units[k]->busy_cycles() - busy0_[k];
  for (const Tile& t : plan.tiles) s.sram_access_bytes += t.sram_access_bytes;
  s.sram_access_bytes += plan.preload_sram_access_bytes + cur_.prefetch_bytes;
  s.stall_cycles = s.cycles - s.compute_cycles;
  s.macs = job.macs;
  s.vector_ops = job.vector_ops + job.fused_vector_ops;  // F3: the fused op's too
  const double peak =
      compute_kind(engine_kind(job.engine, *hw_)).peak_per_cycle(job.precision, *hw_);
  const double work = static_cast<double>(job.engine == Engine::Array ? job.macs : job.vector_ops);
  s.utilization = s.cycles > 0 ? work / (static_cast<double>(s.cycles) * peak) : 0.0;
  s.dram_read_bytes = counters_.dram->read_bytes() - dram_read0_;
  s.dram_write_bytes = counters_.dram->write_bytes() - dram_write0_;
  s.sram_peak_bytes = activation_sram->peak() + weight_sram->peak();
  const double op_energy = hw_->prec(job.precision).mac_energy_pj;
  s.energy_pj =
      static_cast<double>(job.macs + job.vector_ops + job.fused_vector_ops) * op_energy +
      static_cast<double>(s.sram_access_bytes) * hw_->sram_energy_pj_per_byte +
      static_cast<double>(s.dram_read_bytes + s.dram_write_bytes) * hw_->dram_energy_pj_per_byte;
  s.tiles = static_cast<std::int64_t>(plan.tiles.size());
  s.bands = plan.bands;
  s.passes = plan.passes;
  s.weights_streamed = plan.weights_streamed;
}

}  // namespace accelnas::hw
