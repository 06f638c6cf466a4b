#include "sim/planner.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "hw_models/tiler.h"
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
// double-buffered (a fused pool's line buffer too, as the tiler counts it).
i64 min_working_set(const hw::LayerJob& job, const hw::HwSpec& hw) {
  auto band = [&job](i64 bytes, i64 rows, i64 halo) {
    const i64 r = std::min(rows, (rows + job.rows - 1) / job.rows + 1 + halo);
    return (r * bytes + rows - 1) / rows;
  };
  i64 need = job.output_whole ? job.output_bytes : 2 * band(job.output_bytes, job.rows, 0);
  need += 2 * job.fused_halo_rows * job.cols * job.groups * job.out_channels_per_group *
          hw.prec(job.precision).bytes;
  for (const auto& in : job.inputs)
    need += in.whole ? in.bytes : 2 * band(in.bytes, in.rows, in.halo_rows);
  return need;
}

bool is_pool(wl::OpKind op) {
  return op == wl::OpKind::MaxPool || op == wl::OpKind::AvgPool || op == wl::OpKind::GlobalAvgPool;
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

// Rules F1 and F2 (docs/HARDWARE_MODEL.md). A conv2d (dense, grouped or depthwise: the output
// stage is the same array's; not a fully_connected) may take into its output stage the one layer
// that consumes its output, when that layer is
//   F1 (fusion.eltwise) an add or mul whose output has the conv's shape (the conv is not a
//      broadcast squeeze-excite operand) and whose other operand is produced earlier in execution
//      order (it streams in, or is resident, while the conv runs); when both operands qualify,
//      the later-produced conv takes it (the other one is then produced before it);
//   F2 (fusion.pooling) a max, average or global average pool.
void plan_fusion(const wl::Network& net, const hw::HwSpec& hw, std::vector<std::size_t>& fused_into,
                 const std::vector<char>* veto) {
  fused_into.assign(net.size(), kNoLayer);
  if (!hw.fusion_eltwise && !hw.fusion_pooling) return;
  thread_local std::vector<i64> rank;  // position in execution order
  rank.assign(net.size(), -1);
  i64 r = 0;
  for (std::size_t i : net.order()) rank[i] = r++;
  auto fusable = [&](std::size_t conv, std::size_t op) {
    const auto& consumers = net.consumers(conv);
    return net.layer(conv).op == wl::OpKind::Conv2d && consumers.size() == 1 &&
           consumers[0] == op && fused_into[conv] == kNoLayer &&
           (veto == nullptr || (*veto)[conv] == 0);
  };
  for (std::size_t op : net.order()) {
    const wl::Layer& l = net.layer(op);
    const auto& producers = net.producers(op);
    if ((l.op == wl::OpKind::Add || l.op == wl::OpKind::Mul) && hw.fusion_eltwise &&
        producers.size() == 2) {
      std::size_t best = kNoLayer;
      for (std::size_t k = 0; k < 2; ++k) {
        const std::size_t conv = producers[k], other = producers[1 - k];
        if (conv == other || !fusable(conv, op) || net.layer(conv).out != l.out) continue;
        if (rank[other] >= rank[conv]) continue;
        if (best == kNoLayer || rank[conv] > rank[best]) best = conv;
      }
      if (best != kNoLayer) fused_into[best] = op;
    } else if (is_pool(l.op) && hw.fusion_pooling && producers.size() == 1 &&
               fusable(producers[0], op)) {
      fused_into[producers[0]] = op;
    }
  }
}

std::size_t fused_second_operand(const wl::Network& net, std::size_t conv, std::size_t op) {
  const wl::OpKind kind = net.layer(op).op;
  if (kind != wl::OpKind::Add && kind != wl::OpKind::Mul) return kNoLayer;
  for (std::size_t p : net.producers(op))
    if (p != conv) return p;
  ACCELNAS_PANIC("fused add / mul without a second operand");
}

void make_fused_job(const wl::Network& net, std::size_t conv, std::size_t op, const hw::HwSpec& hw,
                    const PlanOptions& opt, hw::LayerJob& job) {
  make_job(net, conv, hw, opt, job);
  const wl::Layer& o = net.layer(op);
  ACCELNAS_CHECK(job.engine == hw::Engine::Array, "make_fused_job: not an array layer");
  job.name.append("+").append(o.name);
  job.op.append("+").append(wl::op_name_string(o.op));
  job.output_bytes = tensor_bytes(net, op, hw, opt);
  job.fused_vector_ops = wl::layer_vector_ops(net, op) * opt.batch;
  switch (o.op) {
    case wl::OpKind::Add:
    case wl::OpKind::Mul: {
      job.fused_op = o.op == wl::OpKind::Add ? hw::FusedOp::Add : hw::FusedOp::Mul;
      // The second operand streams in band by band beside the output (or is read whole when it
      // is a broadcast 1x1xC scale).
      hw::OperandDesc d = operand(net, fused_second_operand(net, conv, op), hw, opt);
      if (d.rows == opt.batch && o.out.h > 1) d.whole = true;
      job.inputs.push_back(d);
      break;
    }
    case wl::OpKind::MaxPool:
    case wl::OpKind::AvgPool:
      job.fused_op = hw::FusedOp::Pool;
      job.fused_halo_rows = std::max(0, o.kernel_h - o.stride_h);
      break;
    case wl::OpKind::GlobalAvgPool:
      job.fused_op = hw::FusedOp::Pool;
      job.output_whole = opt.batch == 1;  // as the global pool's own job (fill_vector_job)
      break;
    default:
      ACCELNAS_PANIC("make_fused_job: not an add, mul or pool");
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

void unfused_pair(const wl::Network& net, const NetworkPlan& plan, std::size_t j,
                  const hw::HwSpec& hw, const PlanOptions& opt, hw::LayerJob& conv,
                  hw::LayerJob& op) {
  const hw::LayerJob& f = plan.jobs[j];
  const std::size_t conv_layer = plan.layer_of_job[j], op_layer = plan.fused_layer_of_job[j];
  make_job(net, conv_layer, hw, opt, conv);
  for (std::size_t k = 0; k < conv.inputs.size(); ++k) conv.inputs[k].on_chip = f.inputs[k].on_chip;
  conv.output_on_chip = false;
  conv.output_to_dram = true;
  conv.reserved_activation_bytes =
      f.reserved_activation_bytes - (f.output_on_chip ? f.output_bytes : 0);
  make_job(net, op_layer, hw, opt, op);
  const auto& producers = net.producers(op_layer);
  for (std::size_t k = 0; k < producers.size(); ++k)
    op.inputs[k].on_chip = producers[k] == conv_layer ? false : f.inputs.back().on_chip;
  op.output_on_chip = f.output_on_chip;
  op.output_to_dram = f.output_to_dram;
  op.reserved_activation_bytes = f.reserved_activation_bytes;
}

namespace {

void plan_once(const wl::Network& net, const hw::HwSpec& hw, const PlanOptions& opt,
               const std::vector<char>& veto, NetworkPlan& plan);

// What the mapper makes of a job: its cycles and DRAM bytes (from the caller's cache when it
// keeps one).
void job_cost(const hw::LayerJob& job, const hw::HwSpec& hw, const PlanOptions& opt,
              std::int64_t& cycles, std::int64_t& bytes) {
  if (opt.timing_source != nullptr) {
    const LayerTimingSource::Facts f = opt.timing_source->facts(job, hw);
    cycles = f.cycles;
    bytes = f.dram_bytes;
    return;
  }
  thread_local hw::TilePlan p;
  hw::plan_layer(job, hw, p);
  cycles = p.cycles;
  bytes = p.dram_bytes;
}

// F4: fused job j pays when it takes no more cycles and moves no more DRAM bytes than its conv
// and its op run apart in its context: the conv with j's operands writing its output to DRAM,
// then the op reading it back, with j's second operand, output and reserved SRAM. A job that
// cannot be mapped either way is left fused (its error surfaces where it is simulated).
bool fusion_pays(const wl::Network& net, const NetworkPlan& plan, std::size_t j,
                 const hw::HwSpec& hw, const PlanOptions& opt) {
  const hw::LayerJob& f = plan.jobs[j];
  thread_local hw::LayerJob conv, op;
  unfused_pair(net, plan, j, hw, opt, conv, op);
  std::int64_t fc = 0, fb = 0, cc = 0, cb = 0, oc = 0, ob = 0;
  try {
    job_cost(f, hw, opt, fc, fb);
    job_cost(conv, hw, opt, cc, cb);
    job_cost(op, hw, opt, oc, ob);
  } catch (const UserError&) {
    return true;
  }
  return fc <= cc + oc && fb <= cb + ob;
}

}  // namespace

void plan_network(const wl::Network& net, const hw::HwSpec& hw, const PlanOptions& opt,
                  NetworkPlan& plan) {
  wl::check_batch(opt.batch);
  // F4: fuse, check that every fused job pays in the context it got, veto those that do not
  // and plan again (residency changes with them); a veto only ever removes a fusion, so this
  // ends.
  thread_local std::vector<char> veto;
  veto.assign(net.size(), 0);
  for (;;) {
    plan_once(net, hw, opt, veto, plan);
    bool vetoed = false;
    for (std::size_t j = 0; j < plan.jobs.size(); ++j) {
      if (plan.fused_layer_of_job[j] == kNoLayer || fusion_pays(net, plan, j, hw, opt)) continue;
      veto[plan.layer_of_job[j]] = 1;
      vetoed = true;
    }
    if (!vetoed) break;
  }
  plan_weight_prefetch(plan.jobs, hw, opt.first_prefetch_budget_bytes, opt.timing_source);
}

namespace {

void plan_once(const wl::Network& net, const hw::HwSpec& hw, const PlanOptions& opt,
               const std::vector<char>& veto, NetworkPlan& plan) {
  const i64 reserved = opt.reserved_activation_bytes;
  ACCELNAS_CHECK(reserved >= 0, "plan_network: negative reserved activation bytes");
  // Scratch of this thread, reused from call to call (planning is on the estimator's hot path).
  thread_local std::vector<i64> pos, min_ws, committed;
  thread_local std::vector<char> resident;
  thread_local std::vector<std::size_t> fused_into;
  thread_local std::vector<char> absorbed;  // fused into a conv: no job of its own
  pos.assign(net.size(), -1);
  std::size_t n = 0;
  for (std::size_t i : net.order()) n += net.layer(i).op != wl::OpKind::Input;
  if (n == 0) check_runnable(net);  // throws
  plan_fusion(net, hw, fused_into, &veto);
  absorbed.assign(net.size(), 0);
  for (std::size_t i = 0; i < net.size(); ++i) {
    if (fused_into[i] == kNoLayer) continue;
    absorbed[fused_into[i]] = 1;
    --n;
  }
  thread_local std::vector<hw::LayerJob> spare;  // jobs of earlier, longer plans, for reuse
  resize_reusing(plan.jobs, n, spare);
  plan.layer_of_job.clear();
  plan.fused_layer_of_job.clear();
  for (std::size_t i : net.order()) {
    if (net.layer(i).op == wl::OpKind::Input || absorbed[i] != 0) continue;
    const std::size_t j = plan.layer_of_job.size();
    pos[i] = static_cast<i64>(j);
    if (fused_into[i] != kNoLayer) {
      pos[fused_into[i]] = static_cast<i64>(j);  // the fused op runs in this job
      make_fused_job(net, i, fused_into[i], hw, opt, plan.jobs[j]);
    } else {
      make_job(net, i, hw, opt, plan.jobs[j]);
    }
    plan.layer_of_job.push_back(i);
    plan.fused_layer_of_job.push_back(fused_into[i]);
  }
  min_ws.resize(n);
  for (std::size_t j = 0; j < n; ++j) min_ws[j] = min_working_set(plan.jobs[j], hw);

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
  // A fused conv's own output never exists (F1, F2): the job produces its fused op's output.
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t layer = plan.output_layer_of_job(j);
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
    const std::size_t fused = plan.fused_layer_of_job[j];
    const auto& producers = net.producers(layer);
    for (std::size_t k = 0; k < producers.size(); ++k)
      job.inputs[k].on_chip = resident[producers[k]] != 0;
    if (fused != kNoLayer) {
      const std::size_t second = fused_second_operand(net, layer, fused);
      if (second != kNoLayer) job.inputs.back().on_chip = resident[second] != 0;
    }
    const std::size_t out_layer = plan.output_layer_of_job(j);
    job.output_on_chip = resident[out_layer] != 0;
    job.output_to_dram = !job.output_on_chip;
    job.reserved_activation_bytes = committed[j];
  }
}

}  // namespace

}  // namespace accelnas::sim
