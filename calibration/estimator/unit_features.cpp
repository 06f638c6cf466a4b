#include "calibration/estimator/unit_features.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "calibration/estimator/unit_summary.h"
#include "hw_models/tiler.h"
#include "hw_models/timing/compute_kinds.h"
#include "hw_models/timing/dot_product_timing.h"
#include "hw_models/timing/tile_program.h"

namespace accelnas::cal {
namespace {

// Column order is the file format of a trained estimator: append, never reorder.
const std::vector<std::string> kNames = {
    // unit type one-hot
    "type_conv", "type_vector", "type_ibn", "type_fused_ibn", "type_se",
    // raw attributes (cal::summarize)
    "layers", "batch", "in_h", "in_w", "in_c", "out_h", "out_w", "out_c", "kernel", "stride",
    "expansion", "has_se", "has_residual", "depthwise", "precision", "bytes_per_element",
    "cycles_per_step", "mixed_precision", "input_on_chip", "output_on_chip", "output_to_dram",
    "max_other_reserved_bytes", "macs", "vector_ops", "params", "input_elements", "output_elements",
    // hardware-aware terms, summed over the layers
    "array_layers", "vector_layers", "passes", "steps_per_pixel", "tiles", "bands", "k_chunks",
    "weights_streamed_layers", "inputs_pinned_layers", "inputs_reread_layers", "weight_bytes",
    "dram_load_bytes", "dram_store_bytes", "dram_bytes", "compute_cycles", "memory_cycles",
    "roofline_cycles", "setup_cycles", "latency_cycles", "timeline_cycles", "log_timeline_cycles",
    "compute_share", "memory_share",
    // the replay over the roofline: what the default target, log(cycles / roofline), is in
    // units of the analytical model (a feature the trees may use, not a base they divide by)
    "log_timeline_roofline_ratio",
    // C4: weight bytes the layer before prefetched, summed over the layers (appended)
    "prefetched_weight_bytes"};

}  // namespace

const std::vector<std::string>& feature_names() {
  return kNames;
}

std::size_t feature_count() {
  return kNames.size();
}

std::size_t feature_index(const std::string& name) {
  const auto it = std::find(kNames.begin(), kNames.end(), name);
  if (it == kNames.end()) throw std::out_of_range("no feature " + name);
  return static_cast<std::size_t>(it - kNames.begin());
}

std::int64_t timeline_cycles(const hw::LayerJob& job, const hw::HwSpec& hw) {
  return hw::plan_layer(job, hw).cycles;  // the mapper's replay of the chosen program
}

LayerTerms layer_terms(const hw::LayerJob& job, const hw::HwSpec& hw) {
  thread_local hw::TilePlan plan;  // its tile list is reused from layer to layer
  hw::plan_layer(job, hw, plan);
  double load = static_cast<double>(plan.preload_bytes), store = 0, compute = 0;
  for (const hw::Tile& t : plan.tiles) {
    load += static_cast<double>(t.load_bytes);
    store += static_cast<double>(t.store_bytes);
    compute += static_cast<double>(hw::tile_cycles(job, t, hw));
  }
  LayerTerms s;
  s.array = job.engine == hw::Engine::Array;
  s.passes = static_cast<double>(plan.passes);
  if (s.array) s.steps = static_cast<double>(hw::dot_product_steps_per_pixel_pass(job, hw));
  s.tiles = static_cast<double>(plan.tiles.size());
  s.bands = static_cast<double>(plan.bands);
  s.k_chunks = static_cast<double>(plan.k_chunks);
  s.streamed = plan.weights_streamed ? 1 : 0;
  s.pinned = plan.inputs_pinned ? 1 : 0;
  s.reread = plan.inputs_reread ? 1 : 0;
  s.weight_bytes = static_cast<double>(job.weight_bytes);
  s.load_bytes = load;
  s.store_bytes = store;
  s.compute = compute;
  s.memory = (load + store) / hw.dram_bytes_per_cycle();
  s.roofline = std::max(compute, s.memory);
  s.timeline = static_cast<double>(plan.cycles);  // replay_tile_program, run by the mapper
  s.idle_bus_cycles = plan.idle_bus_cycles;
  s.weight_slot_bytes = plan.weight_slot_bytes;
  s.prefetched = static_cast<double>(job.prefetched_weight_bytes);
  return s;
}

UnitSummary summarize_in(const UnitDesc& desc, const wl::Network& net, const Unit& unit,
                         const std::vector<const hw::LayerJob*>& jobs, const hw::HwSpec& hw) {
  const std::vector<std::size_t>& layers = unit.layers;
  if (desc.layers.empty() || layers.size() != desc.layers.size() || jobs.size() != layers.size() ||
      unit.fused_layers.size() != layers.size())
    throw std::logic_error("summarize_in: the unit's layers, jobs and description disagree");
  return summarize_with(
      desc, [&](std::size_t t) { return net.layer(unit.output_layer(t)).out; },
      [&](std::size_t t) {
        // The planner's job holds layer_macs and layer_vector_ops times the batch, and the
        // weight bytes of layer_params (sim::make_job).
        const hw::LayerJob& job = *jobs[t];
        const std::int64_t bytes = hw.prec(job.precision).bytes;
        return LayerCounts{job.macs, job.vector_ops + job.fused_vector_ops,
                           bytes > 0 ? job.weight_bytes / bytes : wl::layer_params(net, layers[t])};
      });
}

void assemble_features(const UnitDesc& d, const UnitSummary& s,
                       const std::vector<const LayerTerms*>& terms, const hw::HwSpec& hw,
                       float* out) {
  // Summed in execution order, as the features were defined.
  LayerTerms t;
  double array_layers = 0;
  for (const LayerTerms* l : terms) {
    t.passes += l->passes;
    t.steps += l->steps;
    t.tiles += l->tiles;
    t.bands += l->bands;
    t.k_chunks += l->k_chunks;
    t.streamed += l->streamed;
    t.pinned += l->pinned;
    t.reread += l->reread;
    t.weight_bytes += l->weight_bytes;
    t.load_bytes += l->load_bytes;
    t.store_bytes += l->store_bytes;
    t.compute += l->compute;
    t.memory += l->memory;
    t.roofline += l->roofline;
    t.timeline += l->timeline;
    t.prefetched += l->prefetched;
    if (l->array) ++array_layers;
  }
  const double layers = static_cast<double>(terms.size());
  const double setup = static_cast<double>(hw.layer_setup_cycles) * layers;
  const double latency = static_cast<double>(hw.dram_latency_cycles()) * layers;
  const hw::PrecisionSpec& p = hw.prec(s.precision);
  auto f = [](auto v) { return static_cast<float>(v); };
  const double timeline = std::max(1.0, t.timeline);
  const float values[] = {
      f(d.type == UnitType::Conv), f(d.type == UnitType::Vector), f(d.type == UnitType::Ibn),
      f(d.type == UnitType::FusedIbn), f(d.type == UnitType::Se),
      // raw
      f(s.layers), f(s.batch), f(s.in_h), f(s.in_w), f(s.in_c), f(s.out_h), f(s.out_w), f(s.out_c),
      f(s.kernel), f(s.stride), f(s.expansion), f(s.has_se), f(s.has_residual), f(s.depthwise),
      f(static_cast<int>(s.precision)), f(p.bytes), f(p.cycles_per_step), f(s.mixed_precision),
      f(s.input_on_chip), f(s.output_on_chip), f(s.output_to_dram), f(s.max_other_reserved_bytes),
      f(s.macs), f(s.vector_ops), f(s.params), f(s.input_elements), f(s.output_elements),
      // hardware-aware
      f(array_layers), f(layers - array_layers), f(t.passes), f(t.steps), f(t.tiles), f(t.bands),
      f(t.k_chunks), f(t.streamed), f(t.pinned), f(t.reread), f(t.weight_bytes), f(t.load_bytes),
      f(t.store_bytes), f(t.load_bytes + t.store_bytes), f(t.compute), f(t.memory),
      f(t.roofline + setup), f(setup), f(latency), f(timeline), f(std::log(timeline)),
      f(t.compute / timeline), f(t.memory / timeline),
      f(std::log(timeline / std::max(1.0, t.roofline + setup))), f(t.prefetched)};
  static_assert(sizeof(values) / sizeof(values[0]) > 0);
  if (sizeof(values) / sizeof(values[0]) != kNames.size())
    throw std::logic_error("unit_features: feature table and names disagree");
  std::copy(std::begin(values), std::end(values), out);
}

void unit_features(const UnitDesc& d, const hw::HwSpec& hw, float* out) {
  const std::vector<hw::LayerJob> jobs = unit_jobs(d, hw);
  std::vector<const hw::LayerJob*> ptrs;
  ptrs.reserve(jobs.size());
  for (const hw::LayerJob& j : jobs) ptrs.push_back(&j);
  unit_features(d, ptrs, hw, out);
}

void unit_features(const UnitDesc& d, const std::vector<const hw::LayerJob*>& jobs,
                   const hw::HwSpec& hw, float* out) {
  const UnitSummary s = summarize(d);
  std::vector<LayerTerms> terms;
  terms.reserve(jobs.size());
  for (const hw::LayerJob* j : jobs) terms.push_back(layer_terms(*j, hw));
  std::vector<const LayerTerms*> ptrs;
  ptrs.reserve(terms.size());
  for (const LayerTerms& t : terms) ptrs.push_back(&t);
  assemble_features(d, s, ptrs, hw, out);
}

}  // namespace accelnas::cal
