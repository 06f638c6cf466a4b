#include "sim/planner.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "workloads/config/error.h"
#include "workloads/config/reuse.h"

namespace accelnas::sim {
namespace {

using i64 = std::int64_t;

Precision layer_precision(const wl::Layer& l, const PlanOptions& opt) {
  return opt.precision ? *opt.precision : l.precision;
}

i64 tensor_bytes(const wl::Network& net, std::size_t i, const hw::HwSpec& hw,
                 const PlanOptions& opt) {
  const wl::Layer& l = net.layer(i);
  return l.out.elements() * opt.batch * hw.prec(layer_precision(l, opt)).bytes;
}

hw::OperandDesc operand(const wl::Network& net, std::size_t producer, const hw::HwSpec& hw,
                        const PlanOptions& opt) {
  hw::OperandDesc d;
  d.bytes = tensor_bytes(net, producer, hw, opt);
  d.rows = net.layer(producer).out.h * opt.batch;
  d.cols = net.layer(producer).out.w;
  return d;
}

void fill_array_job(const wl::Network& net, std::size_t i, hw::LayerJob& job,
                    const PlanOptions& opt) {
  const wl::Layer& l = net.layer(i);
  job.engine = hw::Engine::Array;
  if (l.op == wl::OpKind::FullyConnected) {
    job.rows = opt.batch;
    job.in_channels_per_group = net.layer(net.producers(i)[0]).out.elements();
    job.out_channels_per_group = l.out_channels;
    job.inputs.back().rows = opt.batch;
    return;
  }
  const i64 in_c = wl::input_channels(net, i);
  job.rows = l.out.h * opt.batch;
  job.cols = l.out.w;
  job.kernel_h = l.kernel_h;
  job.kernel_w = l.kernel_w;
  job.groups = l.groups;
  job.in_channels_per_group = in_c / l.groups;
  job.out_channels_per_group = l.out_channels / l.groups;
  job.depthwise = l.groups > 1 && job.in_channels_per_group == 1;
  job.inputs.back().halo_rows = std::max(0, l.kernel_h - l.stride_h);
  job.inputs.back().halo_cols = std::max(0, l.kernel_w - l.stride_w);
}

void fill_vector_job(const wl::Network& net, std::size_t i, hw::LayerJob& job,
                     const PlanOptions& opt) {
  const wl::Layer& l = net.layer(i);
  job.engine = hw::Engine::Vector;
  job.rows = l.out.h * opt.batch;
  job.cols = l.out.w;
  job.vector_ops = wl::layer_vector_ops(net, i) * opt.batch;
  switch (l.op) {
    case wl::OpKind::MaxPool:
    case wl::OpKind::AvgPool:
      job.inputs[0].halo_rows = std::max(0, l.kernel_h - l.stride_h);
      job.inputs[0].halo_cols = std::max(0, l.kernel_w - l.stride_w);
      break;
    case wl::OpKind::GlobalAvgPool:
      job.rows = job.inputs[0].rows;  // a reduction: bands over the input rows
      // One image's result is complete at its last row; with a batch, results leave band by
      // band (in proportion), so the output buffer does not grow with the batch.
      job.output_whole = opt.batch == 1;
      break;
    case wl::OpKind::Resize:
      if (l.resize_mode == wl::ResizeMode::Bilinear) job.inputs[0].halo_rows = 1;
      break;
    case wl::OpKind::ChannelSlice: {
      // Rule M2: in the HWC layout the DMA gathers the slice's channels of every pixel, so the
      // operand the job reads (from DRAM when streamed, from SRAM when resident) is the slice's
      // share of the input tensor, not the whole tensor. The tensor's bytes are h * w * c *
      // batch * element bytes, so the share is exact.
      hw::OperandDesc& in = job.inputs[0];
      const i64 in_c = wl::input_channels(net, i);
      ACCELNAS_CHECK(in.bytes % in_c == 0, "channel_slice: input bytes not a multiple of channels");
      in.bytes = in.bytes / in_c * l.out.c;
      break;
    }
    case wl::OpKind::Add:
    case wl::OpKind::Mul:
      for (auto& in : job.inputs) {
        // A 1x1xC operand (squeeze-excite scale) is needed whole by every band.
        if (in.rows == opt.batch && l.out.h > 1) in.whole = true;
      }
      break;
    default:
      break;
  }
}

// Smallest activation working set of job j when all its operands stream: one-row bands,
// double-buffered.
i64 min_working_set(const hw::LayerJob& job) {
  auto band = [&job](i64 bytes, i64 rows, i64 halo) {
    const i64 r = std::min(rows, (rows + job.rows - 1) / job.rows + 1 + halo);
    return (r * bytes + rows - 1) / rows;
  };
  i64 need = job.output_whole ? job.output_bytes : 2 * band(job.output_bytes, job.rows, 0);
  for (const auto& in : job.inputs)
    need += in.whole ? in.bytes : 2 * band(in.bytes, in.rows, in.halo_rows);
  return need;
}

}  // namespace

void make_job(const wl::Network& net, std::size_t i, const hw::HwSpec& hw, const PlanOptions& opt,
              hw::LayerJob& job) {
  const wl::Layer& l = net.layer(i);
  ACCELNAS_CHECK(l.op != wl::OpKind::Input, "make_job on an input layer");
  hw::reset_keeping_storage(job);
  job.name.assign(l.name);
  job.op.assign(wl::op_name_string(l.op));
  job.precision = layer_precision(l, opt);
  for (std::size_t p : net.producers(i)) job.inputs.push_back(operand(net, p, hw, opt));
  job.output_bytes = tensor_bytes(net, i, hw, opt);
  job.macs = wl::layer_macs(net, i) * opt.batch;
  job.weight_bytes = wl::layer_params(net, i) * hw.prec(job.precision).bytes;
  if (l.op == wl::OpKind::Conv2d || l.op == wl::OpKind::FullyConnected) {
    fill_array_job(net, i, job, opt);
  } else {
    fill_vector_job(net, i, job, opt);
  }
}

hw::LayerJob make_job(const wl::Network& net, std::size_t i, const hw::HwSpec& hw,
                      const PlanOptions& opt) {
  hw::LayerJob job;
  make_job(net, i, hw, opt, job);
  return job;
}

void check_runnable(const wl::Network& net) {
  for (std::size_t i = 0; i < net.size(); ++i) {
    if (net.layer(i).op != wl::OpKind::Input) return;
  }
  throw UserError(net.name + ": nothing to simulate: the network has only input layers");
}

NetworkPlan plan_network(const wl::Network& net, const hw::HwSpec& hw, const PlanOptions& opt) {
  NetworkPlan plan;
  plan_network(net, hw, opt, plan);
  return plan;
}

void plan_network(const wl::Network& net, const hw::HwSpec& hw, const PlanOptions& opt,
                  NetworkPlan& plan) {
  wl::check_batch(opt.batch);
  const i64 reserved = opt.reserved_activation_bytes;
  ACCELNAS_CHECK(reserved >= 0, "plan_network: negative reserved activation bytes");
  // Scratch of this thread, reused from call to call (planning is on the estimator's hot path).
  thread_local std::vector<i64> pos, min_ws, committed;
  thread_local std::vector<char> resident;
  pos.assign(net.size(), -1);
  std::size_t n = 0;
  for (std::size_t i : net.order()) n += net.layer(i).op != wl::OpKind::Input;
  if (n == 0) check_runnable(net);               // throws
  thread_local std::vector<hw::LayerJob> spare;  // jobs of earlier, longer plans, for reuse
  resize_reusing(plan.jobs, n, spare);
  plan.layer_of_job.clear();
  for (std::size_t i : net.order()) {
    if (net.layer(i).op == wl::OpKind::Input) continue;
    const std::size_t j = plan.layer_of_job.size();
    pos[i] = static_cast<i64>(j);
    make_job(net, i, hw, opt, plan.jobs[j]);
    plan.layer_of_job.push_back(i);
  }
  min_ws.resize(n);
  for (std::size_t j = 0; j < n; ++j) min_ws[j] = min_working_set(plan.jobs[j]);

  // Greedy residency in production order: network inputs first (when they start on chip), then
  // every job's output.
  committed.assign(n, reserved);
  resident.assign(net.size(), 0);
  // Commits `size` bytes over jobs [first, last] when it fits beside everything committed there.
  auto try_reside = [&](i64 first, i64 last, i64 size) {
    for (i64 k = first; k <= last; ++k) {
      if (committed[k] + size + min_ws[k] > hw.sram_activation_bytes) return false;
    }
    for (i64 k = first; k <= last; ++k) committed[k] += size;
    return true;
  };
  if (opt.inputs_on_chip) {
    for (std::size_t layer : net.order()) {
      if (net.layer(layer).op != wl::OpKind::Input) continue;
      const auto& consumers = net.consumers(layer);
      if (consumers.empty()) continue;
      i64 first = static_cast<i64>(n), last = -1;
      for (std::size_t c : consumers) {
        first = std::min(first, pos[c]);
        last = std::max(last, pos[c]);
      }
      if (try_reside(first, last, tensor_bytes(net, layer, hw, opt))) resident[layer] = 1;
    }
  }
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t layer = plan.layer_of_job[j];
    const auto& consumers = net.consumers(layer);
    // A network output streams to DRAM unless it is kept for a consumer after the network.
    if (consumers.empty() && !opt.outputs_on_chip) continue;
    i64 last = static_cast<i64>(j);
    for (std::size_t c : consumers) last = std::max(last, pos[c]);
    if (try_reside(static_cast<i64>(j), last, plan.jobs[j].output_bytes)) resident[layer] = 1;
  }

  for (std::size_t j = 0; j < n; ++j) {
    hw::LayerJob& job = plan.jobs[j];
    const std::size_t layer = plan.layer_of_job[j];
    const auto& producers = net.producers(layer);
    for (std::size_t k = 0; k < producers.size(); ++k)
      job.inputs[k].on_chip = resident[producers[k]] != 0;
    job.output_on_chip = resident[layer] != 0;
    job.output_to_dram = !job.output_on_chip;
    job.reserved_activation_bytes = committed[j];
  }
}

}  // namespace accelnas::sim
