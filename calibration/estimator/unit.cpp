#include "calibration/estimator/unit.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "workloads/config/error.h"
#include "workloads/config/reuse.h"

namespace accelnas::cal {
namespace {

using i64 = std::int64_t;

Precision effective_precision(const wl::Layer& l, const sim::PlanOptions& opt) {
  return opt.precision ? *opt.precision : l.precision;
}

// The unit type a block forms, or false when its layers are units of their own.
bool block_unit_type(const wl::Layer& l, UnitType& out) {
  if (l.block.empty()) return false;
  const std::string_view type = l.block_type;  // compared by length first, no strlen
  if (type == std::string_view("ibn")) {
    out = UnitType::Ibn;
  } else if (type == std::string_view("fused_ibn")) {
    out = UnitType::FusedIbn;
  } else if (type == std::string_view("se")) {
    out = UnitType::Se;
  } else {
    return false;
  }
  return true;
}

UnitType layer_unit_type(const wl::Layer& l) {
  const bool array = l.op == wl::OpKind::Conv2d || l.op == wl::OpKind::FullyConnected;
  return array ? UnitType::Conv : UnitType::Vector;
}

// Writes every geometry field of `d` (its operands and context are the caller's).
void set_geometry(const wl::Layer& l, const sim::PlanOptions& opt, LayerDesc& d) {
  d.op = l.op;
  d.precision = effective_precision(l, opt);
  d.kernel_h = l.kernel_h;
  d.kernel_w = l.kernel_w;
  d.stride_h = l.stride_h;
  d.stride_w = l.stride_w;
  d.padding = l.resolved_padding;
  d.groups = l.groups;
  // A channel slice's job depends on its width only (rule M2), so the description keeps the
  // width and the rebuilt slice starts at channel 0.
  d.out_channels = l.op == wl::OpKind::ChannelSlice ? l.slice_end - l.slice_begin : l.out_channels;
  d.bias = l.epilogue.has_bias_term();
  d.out_h = l.out_h;
  d.out_w = l.out_w;
  d.resize_mode = l.resize_mode;
}

// Writes `d.fused` from the fused op `op`, or clears it when there is none.
void set_fused(const wl::Network& net, std::size_t op, const sim::PlanOptions& opt, LayerDesc& d) {
  d.fused = FusedDesc{};
  if (op == sim::kNoLayer) return;
  const wl::Layer& l = net.layer(op);
  d.fused.op = l.op;
  d.fused.precision = effective_precision(l, opt);
  if (l.op == wl::OpKind::MaxPool || l.op == wl::OpKind::AvgPool) {
    d.fused.kernel_h = l.kernel_h;
    d.fused.kernel_w = l.kernel_w;
    d.fused.stride_h = l.stride_h;
    d.fused.stride_w = l.stride_w;
    d.fused.padding = l.resolved_padding;
  }
}

// Bytes of the job's own resident tensors: each distinct on-chip operand once (the first
// reference to its tensor), plus its output when that stays on chip.
i64 own_resident_bytes(const hw::LayerJob& job, const std::vector<TensorRef>& refs) {
  i64 own = job.output_on_chip ? job.output_bytes : 0;
  for (std::size_t k = 0; k < job.inputs.size(); ++k) {
    bool distinct = true;
    for (std::size_t m = 0; m < k; ++m) distinct = distinct && !(refs[m] == refs[k]);
    if (distinct && job.inputs[k].on_chip) own += job.inputs[k].bytes;
  }
  return own;
}

// The value of `key` in a short list of pairs, or -1 (a unit has a handful of layers, so a
// linear search beats a map).
int lookup(const std::vector<std::pair<std::size_t, int>>& pairs, std::size_t key) {
  for (const auto& [k, v] : pairs)
    if (k == key) return v;
  return -1;
}

// Buffers describe() reuses from unit to unit.
struct Scratch {
  std::vector<std::pair<std::size_t, int>> local;     // network layer -> index in the unit
  std::vector<std::pair<std::size_t, int>> external;  // producing network layer -> input index
  std::vector<std::size_t> operands;                  // a job's producers, in operand order
  std::vector<LayerDesc> spare_layers;                // of earlier, longer units, for reuse
  std::vector<Unit> spare_units;                      // of earlier, longer networks
};

// Fills `desc` (its storage reused: each layer's operand list keeps its capacity).
void describe(const wl::Network& net, const sim::PlanOptions& opt, const sim::NetworkPlan& plan,
              const Unit& unit, UnitType type, Scratch& scratch, UnitDesc& desc) {
  desc.type = type;
  desc.batch = opt.batch;
  desc.inputs.clear();
  resize_reusing(desc.layers, unit.jobs.size(), scratch.spare_layers);
  auto& local = scratch.local;
  auto& external = scratch.external;
  local.clear();
  external.clear();
  for (std::size_t t = 0; t < unit.jobs.size(); ++t) {
    const std::size_t layer = unit.layers[t];
    const hw::LayerJob& job = plan.jobs[unit.jobs[t]];
    LayerDesc& d = desc.layers[t];  // every field is written below: geometry, operands, context
    set_geometry(net.layer(layer), opt, d);
    const std::size_t fused = unit.fused_layers[t];
    set_fused(net, fused, opt, d);
    d.inputs.clear();
    // The job's operands: its layer's, then a fused add / mul's second operand (F1).
    std::vector<std::size_t>& producers = scratch.operands;
    producers.assign(net.producers(layer).begin(), net.producers(layer).end());
    if (fused != sim::kNoLayer) {
      const std::size_t second = sim::fused_second_operand(net, layer, fused);
      if (second != sim::kNoLayer) producers.push_back(second);
    }
    for (std::size_t k = 0; k < producers.size(); ++k) {
      const std::size_t p = producers[k];
      const int in_unit = lookup(local, p);
      if (in_unit >= 0) {
        d.inputs.push_back({false, in_unit});
        continue;
      }
      int ext = lookup(external, p);
      if (ext < 0) {
        ext = static_cast<int>(desc.inputs.size());
        external.emplace_back(p, ext);
        desc.inputs.push_back(ExternalInput{
            net.layer(p).out, effective_precision(net.layer(p), opt), job.inputs[k].on_chip});
      }
      d.inputs.push_back({true, ext});
    }
    d.output_on_chip = job.output_on_chip;
    d.output_to_dram = job.output_to_dram;
    d.other_reserved_bytes = job.reserved_activation_bytes - own_resident_bytes(job, d.inputs);
    ACCELNAS_CHECK(d.other_reserved_bytes >= 0, "reserved bytes below the job's own tensors");
    d.prefetched_weight_bytes = job.prefetched_weight_bytes;
    local.emplace_back(unit.output_layer(t), static_cast<int>(t));
  }
}

wl::Layer rebuild_layer(const LayerDesc& d, std::size_t t,
                        const std::vector<std::string>& input_names,
                        const std::vector<std::string>& layer_names) {
  wl::Layer l;
  l.name = layer_names[t];
  l.op = d.op;
  l.precision = d.precision;
  l.origin = "unit: layers[" + std::to_string(t) + "]";
  for (const TensorRef& r : d.inputs) {
    const auto& names = r.external ? input_names : layer_names;
    const bool valid = r.index >= 0 && static_cast<std::size_t>(r.index) < names.size() &&
                       (r.external || static_cast<std::size_t>(r.index) < t);
    if (!valid) throw UserError(l.origin + ": operand refers to no earlier tensor");
    l.inputs.push_back(names[static_cast<std::size_t>(r.index)]);
  }
  l.kernel_h = d.kernel_h;
  l.kernel_w = d.kernel_w;
  l.stride_h = d.stride_h;
  l.stride_w = d.stride_w;
  l.padding = d.padding;
  l.groups = d.groups;
  l.out_channels = d.out_channels;
  l.epilogue.bias = d.bias;
  l.out_h = d.out_h;
  l.out_w = d.out_w;
  l.resize_mode = d.resize_mode;
  if (d.op == wl::OpKind::ChannelSlice) {
    l.slice_begin = 0;
    l.slice_end = d.out_channels;
  }
  return l;
}

// The fused op of fused layer t (named layer_names[t], so that later layers read it) and its conv
// (named conv_name, reading the operands but the last for an add / mul).
std::pair<wl::Layer, wl::Layer> rebuild_fused(const LayerDesc& d, std::size_t t,
                                              const std::vector<std::string>& input_names,
                                              const std::vector<std::string>& layer_names,
                                              const std::string& conv_name) {
  const FusedDesc& f = d.fused;
  const bool eltwise = f.op == wl::OpKind::Add || f.op == wl::OpKind::Mul;
  const bool pool = f.op == wl::OpKind::MaxPool || f.op == wl::OpKind::AvgPool ||
                    f.op == wl::OpKind::GlobalAvgPool;
  const std::string origin = "unit: layers[" + std::to_string(t) + "]";
  if (d.op != wl::OpKind::Conv2d || !(eltwise || pool))
    throw UserError(origin + ": fused: only an add, mul or pool fuses into a conv2d");
  if (eltwise && d.inputs.size() < 2)
    throw UserError(origin + ": fused: an add or mul needs a second operand");
  LayerDesc conv_desc = d;
  conv_desc.fused = FusedDesc{};
  TensorRef second;
  if (eltwise) {
    second = conv_desc.inputs.back();
    conv_desc.inputs.pop_back();
  }
  std::vector<std::string> names = layer_names;
  names[t] = conv_name;  // rebuild_layer names layer t by its index
  wl::Layer conv = rebuild_layer(conv_desc, t, input_names, names);
  wl::Layer op;
  op.name = layer_names[t];
  op.op = f.op;
  op.precision = f.precision;
  op.origin = origin + ".fused";
  op.inputs.push_back(conv_name);
  if (eltwise) {
    const auto& from = second.external ? input_names : layer_names;
    const bool valid = second.index >= 0 && static_cast<std::size_t>(second.index) < from.size() &&
                       (second.external || static_cast<std::size_t>(second.index) < t);
    if (!valid) throw UserError(op.origin + ": operand refers to no earlier tensor");
    op.inputs.push_back(from[static_cast<std::size_t>(second.index)]);
  }
  op.kernel_h = f.kernel_h;
  op.kernel_w = f.kernel_w;
  op.stride_h = f.stride_h;
  op.stride_w = f.stride_w;
  op.padding = f.padding;
  return {std::move(conv), std::move(op)};
}

}  // namespace

const char* unit_type_name(UnitType t) {
  switch (t) {
    case UnitType::Conv:
      return "conv";
    case UnitType::Vector:
      return "vector";
    case UnitType::Ibn:
      return "ibn";
    case UnitType::FusedIbn:
      return "fused_ibn";
    case UnitType::Se:
      return "se";
  }
  ACCELNAS_PANIC("unknown unit type");
}

std::vector<Unit> decompose(const wl::Network& net, const hw::HwSpec& hw,
                            const sim::PlanOptions& opt) {
  return decompose(net, hw, opt, sim::plan_network(net, hw, opt));
}

std::vector<Unit> decompose(const wl::Network& net, const hw::HwSpec& hw,
                            const sim::PlanOptions& opt, const sim::NetworkPlan& plan) {
  std::vector<Unit> units;
  decompose(net, hw, opt, plan, units);
  return units;
}

void decompose(const wl::Network& net, const hw::HwSpec& /*hw*/, const sim::PlanOptions& opt,
               const sim::NetworkPlan& plan, std::vector<Unit>& units) {
  // First the units' first jobs and types: a job extends the unit before it when both are in the
  // same block of a unit-forming type. Then each unit is filled once, at its final size.
  thread_local std::vector<std::size_t> start;
  thread_local std::vector<UnitType> types;
  thread_local Scratch scratch;
  const std::size_t n = plan.jobs.size();
  start.clear();
  types.clear();
  bool previous_in_block = false;
  for (std::size_t j = 0; j < n; ++j) {
    const wl::Layer& l = net.layer(plan.layer_of_job[j]);
    UnitType type;
    const bool in_block = block_unit_type(l, type);
    const bool extends =
        in_block && previous_in_block && net.layer(plan.layer_of_job[j - 1]).block == l.block;
    if (!extends) {
      start.push_back(j);
      types.push_back(in_block ? type : layer_unit_type(l));
    }
    previous_in_block = in_block;
  }
  start.push_back(n);
  resize_reusing(units, types.size(), scratch.spare_units);
  for (std::size_t u = 0; u < units.size(); ++u) {
    Unit& unit = units[u];
    const wl::Layer& first = net.layer(plan.layer_of_job[start[u]]);
    UnitType type;
    if (block_unit_type(first, type)) {
      unit.block.assign(first.block);
    } else {
      unit.block.clear();
    }
    unit.layers.clear();
    unit.fused_layers.clear();
    unit.jobs.clear();
    for (std::size_t j = start[u]; j < start[u + 1]; ++j) {
      unit.layers.push_back(plan.layer_of_job[j]);
      unit.fused_layers.push_back(plan.fused_layer_of_job[j]);
      unit.jobs.push_back(j);
    }
    describe(net, opt, plan, unit, types[u], scratch, unit.desc);
  }
}

wl::Network unit_network(const UnitDesc& desc) {
  if (desc.layers.empty()) throw UserError("unit: no layers");
  wl::Network net;
  net.name = std::string("unit:") + unit_type_name(desc.type);
  std::vector<std::string> input_names, layer_names;
  for (std::size_t k = 0; k < desc.inputs.size(); ++k) {
    wl::Layer in;
    in.name = "in" + std::to_string(k);
    in.op = wl::OpKind::Input;
    in.precision = desc.inputs[k].precision;
    in.input_shape = desc.inputs[k].shape;
    in.origin = "unit: inputs[" + std::to_string(k) + "]";
    input_names.push_back(in.name);
    net.add_layer(std::move(in));
  }
  for (std::size_t t = 0; t < desc.layers.size(); ++t) {
    const LayerDesc& d = desc.layers[t];
    layer_names.push_back("l" + std::to_string(t) + "_" +
                          wl::op_name(d.fused.any() ? d.fused.op : d.op));
  }
  std::vector<wl::Layer> convs;  // of the fused layers, added after the unit's layers
  for (std::size_t t = 0; t < desc.layers.size(); ++t) {
    const LayerDesc& d = desc.layers[t];
    std::size_t index = 0;
    if (d.fused.any()) {
      auto [conv, op] = rebuild_fused(d, t, input_names, layer_names,
                                      "l" + std::to_string(t) + "_" + wl::op_name(d.op));
      convs.push_back(std::move(conv));
      index = net.add_layer(std::move(op));
    } else {
      index = net.add_layer(rebuild_layer(d, t, input_names, layer_names));
    }
    ACCELNAS_CHECK(index == desc.inputs.size() + t, "unit network layer index");
  }
  for (wl::Layer& conv : convs) net.add_layer(std::move(conv));
  net.finalize();
  return net;
}

std::size_t fused_conv_index(const UnitDesc& desc, std::size_t t) {
  std::size_t m = 0;
  for (std::size_t k = 0; k < t; ++k) m += desc.layers[k].fused.any() ? 1 : 0;
  return desc.inputs.size() + desc.layers.size() + m;
}

std::vector<hw::LayerJob> unit_jobs(const UnitDesc& desc, const hw::HwSpec& hw) {
  const wl::Network net = unit_network(desc);
  sim::PlanOptions opt;
  opt.batch = desc.batch;
  std::vector<hw::LayerJob> jobs;
  for (std::size_t t = 0; t < desc.layers.size(); ++t) {
    const LayerDesc& d = desc.layers[t];
    hw::LayerJob job;
    if (d.fused.any()) {
      // Built from the description, never re-derived from this small graph (whose consumers
      // outside the unit are invisible): the planner's own fused mapping.
      sim::make_fused_job(net, fused_conv_index(desc, t), desc.inputs.size() + t, hw, opt, job);
    } else {
      sim::make_job(net, desc.inputs.size() + t, hw, opt, job);
    }
    for (std::size_t k = 0; k < d.inputs.size(); ++k) {
      const TensorRef& r = d.inputs[k];
      job.inputs[k].on_chip =
          r.external ? desc.inputs[r.index].on_chip : desc.layers[r.index].output_on_chip;
    }
    job.output_on_chip = d.output_on_chip;
    job.output_to_dram = d.output_to_dram;
    job.reserved_activation_bytes = d.other_reserved_bytes + own_resident_bytes(job, d.inputs);
    job.prefetched_weight_bytes = d.prefetched_weight_bytes;
    jobs.push_back(std::move(job));
  }
  return jobs;
}

}  // namespace accelnas::cal
