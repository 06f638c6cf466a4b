// The network planner: turns a finalized network into the stream of layer jobs the accelerator
// executes, deciding for every tensor whether it stays on chip (resident in activation SRAM
// until its last consumer) or goes through DRAM.
//
// Rule (docs/HARDWARE_MODEL.md, M1): layers run in the network's deterministic topological
// order. A tensor stays resident when, at every layer from its producer to its last consumer,
// it fits beside the tensors already resident there and that layer's smallest streaming working
// set; decisions are made greedily in production order. Otherwise it is written to DRAM and
// each consumer reads it back. Network inputs start in DRAM; network outputs are written there,
// unless PlanOptions places the network inside a bigger one (its context, below).
#ifndef ACCELNAS_SIM_PLANNER_H
#define ACCELNAS_SIM_PLANNER_H

#include <cstdint>
#include <optional>
#include <vector>

#include "hw_models/hw_spec.h"
#include "hw_models/layer_job.h"
#include "workloads/network.h"

namespace accelnas::sim {

// What the weight prefetch (C4) needs to know of a planned job: its idle bus time after the
// setup (hw::ProgramTiming::idle_bus_cycles) and its weight slot (hw::TilePlan). The default
// plans and replays the job; a caller that already keeps per-job results (the estimator's layer
// cache) answers from them. Must throw UserError for an unmappable job, as hw::plan_layer does.
class LayerTimingSource {
 public:
  struct Facts {
    std::int64_t cycles = 0;           // the mapper's replayed cycles (TilePlan::cycles)
    std::int64_t dram_bytes = 0;       // TilePlan::dram_bytes
    std::int64_t idle_bus_cycles = 0;  // TilePlan::idle_bus_cycles
    std::int64_t weight_slot_bytes = 0;
  };
  virtual ~LayerTimingSource() = default;
  virtual Facts facts(const hw::LayerJob& job, const hw::HwSpec& hw) const = 0;
};

struct PlanOptions {
  std::int64_t batch = 1;
  std::optional<Precision> precision;  // overrides every layer's precision

  // The context of the network inside a bigger one (a sampled unit gets its context from the
  // planner's own rule this way). The defaults are a network on its own.
  //
  // Activation SRAM held for the whole run by tensors outside the network: counted in every
  // job's reserved bytes and in every residency test.
  std::int64_t reserved_activation_bytes = 0;
  // The network inputs are resident at the start. Each stays resident up to its last consumer
  // when it passes the residency test at every job from its first to its last consumer (inputs
  // are decided first, in network order); otherwise it is read from DRAM.
  bool inputs_on_chip = false;
  // A network output stays resident for a consumer after the network (output_on_chip, not
  // written to DRAM) when it passes the residency test at its producing job.
  bool outputs_on_chip = false;
  // Weight prefetch (C4): bytes of the first job's weights the layer before the network could
  // move in its idle bus time (a unit's context; 0 for a network on its own). Clipped by that
  // job's weights.
  std::int64_t first_prefetch_budget_bytes = 0;
  // Where C4 takes each job's idle bus time and weight slot from; null: plan and replay the job.
  // Not part of any description: it changes how fast the plan is made, never the plan.
  const LayerTimingSource* timing_source = nullptr;
};

// No network layer (fused_layer_of_job of a job that fuses nothing).
inline constexpr std::size_t kNoLayer = static_cast<std::size_t>(-1);

struct NetworkPlan {
  std::vector<hw::LayerJob> jobs;
  // Network layer index of each job: the layer it runs, or for a fused job (rules F1, F2) the
  // conv whose array it runs on.
  std::vector<std::size_t> layer_of_job;
  // Of each job: the add, mul or pool fused into its conv's output stage, kNoLayer when none.
  // That layer has no job of its own; its output is the job's output.
  std::vector<std::size_t> fused_layer_of_job;
  // The network layer whose output a job produces: the fused op's, else the job's own layer's.
  std::size_t output_layer_of_job(std::size_t j) const {
    return fused_layer_of_job[j] != kNoLayer ? fused_layer_of_job[j] : layer_of_job[j];
  }
};

// Throws UserError "<network>: nothing to simulate: the network has only input layers" unless
// some layer of `net` runs on the accelerator. plan_network() checks it, so every command that
// runs a network (simulate, sweep, estimate) fails the same way; sweep checks it before any work.
void check_runnable(const wl::Network& net);

NetworkPlan plan_network(const wl::Network& net, const hw::HwSpec& hw, const PlanOptions& opt);
// The same plan written into `plan`, reusing its storage: the jobs' names, operator names and
// operand lists keep their capacity, so planning networks of similar size in a loop (the
// estimator's hot path) allocates nothing once warm. `plan` ends equal to plan_network()'s.
void plan_network(const wl::Network& net, const hw::HwSpec& hw, const PlanOptions& opt,
                  NetworkPlan& plan);

// Rule C4 over planned jobs (their residency final): when the next job's weights fit the weight
// SRAM, the bytes of them that fit beside this job's weight slot and that this job's idle bus time
// can move (after one DRAM latency, so they land in time) become the next job's
// prefetched_weight_bytes. A no-op unless hw.prefetch_weights. plan_network() calls it last.
void plan_weight_prefetch(std::vector<hw::LayerJob>& jobs, const hw::HwSpec& hw,
                          std::int64_t first_budget_bytes,
                          const LayerTimingSource* source = nullptr);

// Fusion (rules F1, F2, docs/HARDWARE_MODEL.md). The add, mul or pool `op` fused into the
// output stage of conv2d `conv`, or kNoLayer, as plan_network decides it on `hw`: written into
// `fused_into` (one entry per network layer: the op fused into that conv, kNoLayer otherwise).
// `veto` (one entry per network layer, or null): convs that must not fuse (F4).
void plan_fusion(const wl::Network& net, const hw::HwSpec& hw, std::vector<std::size_t>& fused_into,
                 const std::vector<char>* veto = nullptr);
// The second operand of a fused add / mul (the producer that is not `conv`), kNoLayer for a pool.
std::size_t fused_second_operand(const wl::Network& net, std::size_t conv, std::size_t op);
// F4: the conv and the op of fused job `j` of `plan` run apart in j's context: the conv with
// j's operands writing its output to DRAM, then the op reading it back with j's second operand,
// output and reserved SRAM.
void unfused_pair(const wl::Network& net, const NetworkPlan& plan, std::size_t j,
                  const hw::HwSpec& hw, const PlanOptions& opt, hw::LayerJob& conv,
                  hw::LayerJob& op);

// The fused job of conv `conv` and the op `op` fused into it, every operand in DRAM and its
// output written back (as make_job): the conv's job with the op's output, its element operations
// (fused_vector_ops), a pool's line-buffer rows (fused_halo_rows) and an add / mul's second
// operand appended as the last entry of `inputs`. Named "<conv>+<op>", op text "conv2d+<op>".
void make_fused_job(const wl::Network& net, std::size_t conv, std::size_t op, const hw::HwSpec& hw,
                    const PlanOptions& opt, hw::LayerJob& job);

// The job of one layer with every operand in DRAM and its output written back: the context-free
// description used by tests and, later, by label generation.
hw::LayerJob make_job(const wl::Network& net, std::size_t layer, const hw::HwSpec& hw,
                      const PlanOptions& opt);
// The same job written over `job` (every field reset), reusing its strings' and operand list's
// storage.
void make_job(const wl::Network& net, std::size_t layer, const hw::HwSpec& hw,
              const PlanOptions& opt, hw::LayerJob& job);

}  // namespace accelnas::sim

#endif  // ACCELNAS_SIM_PLANNER_H
