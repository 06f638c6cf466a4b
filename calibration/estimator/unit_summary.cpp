#include "calibration/estimator/unit_summary.h"

#include <algorithm>
#include <cstdio>

#include "workloads/config/error.h"

namespace accelnas::cal {
namespace {

using i64 = std::int64_t;

bool has_window(wl::OpKind op) {
  return op == wl::OpKind::Conv2d || op == wl::OpKind::MaxPool || op == wl::OpKind::AvgPool;
}

bool is_array(wl::OpKind op) {
  return op == wl::OpKind::Conv2d || op == wl::OpKind::FullyConnected;
}

bool adds_unit_input_back(const LayerDesc& d) {
  // A fused add (F1) adds its second operand (the last) to the conv's output, made inside.
  if (d.fused.op == wl::OpKind::Add) return d.inputs.back().external;
  if (d.op != wl::OpKind::Add) return false;
  const bool outside =
      std::any_of(d.inputs.begin(), d.inputs.end(), [](const TensorRef& r) { return r.external; });
  const bool inside =
      std::any_of(d.inputs.begin(), d.inputs.end(), [](const TensorRef& r) { return !r.external; });
  return outside && inside;
}

std::string flag(bool b) {
  return b ? "1" : "0";
}

}  // namespace

UnitSummary summarize_with(const UnitDesc& desc,
                           const std::function<wl::Shape(std::size_t)>& output,
                           const std::function<LayerCounts(std::size_t)>& counts) {
  if (desc.layers.empty()) throw UserError("unit: no layers");
  UnitSummary s;
  s.type = desc.type;
  s.layers = static_cast<i64>(desc.layers.size());
  s.batch = desc.batch;
  if (!desc.inputs.empty()) {
    s.in_h = desc.inputs[0].shape.h;
    s.in_w = desc.inputs[0].shape.w;
    s.in_c = desc.inputs[0].shape.c;
    s.input_on_chip = desc.inputs[0].on_chip;
  }
  for (const ExternalInput& in : desc.inputs) s.input_elements += in.shape.elements() * desc.batch;

  const wl::Shape out = output(desc.layers.size() - 1);
  s.out_h = out.h;
  s.out_w = out.w;
  s.out_c = out.c;
  s.output_elements = out.elements() * desc.batch;
  s.output_on_chip = desc.layers.back().output_on_chip;
  s.output_to_dram = desc.layers.back().output_to_dram;
  s.prefetched_weight_bytes = desc.layers.front().prefetched_weight_bytes;

  const LayerDesc* precision_from = &desc.layers.front();
  bool pool = false, mul = false;
  i64 widest_conv = 0;
  for (std::size_t t = 0; t < desc.layers.size(); ++t) {
    const LayerDesc& d = desc.layers[t];
    if (has_window(d.op)) {
      s.kernel = std::max<i64>(s.kernel, d.kernel_h);
      s.stride *= d.stride_h;
    }
    if (d.fused.any()) {
      if (has_window(d.fused.op)) {
        s.kernel = std::max<i64>(s.kernel, d.fused.kernel_h);
        s.stride *= d.fused.stride_h;
      }
      s.fused = wl::op_name(d.fused.op);
    }
    if (d.op == wl::OpKind::Conv2d) {
      widest_conv = std::max(widest_conv, d.out_channels);
      // wl::is_depthwise, from operand 0's channels.
      const TensorRef& r = d.inputs.at(0);
      const auto k = static_cast<std::size_t>(r.index);
      const i64 in_c = r.external ? desc.inputs.at(k).shape.c : output(k).c;
      s.depthwise = s.depthwise || (d.groups == in_c && d.out_channels == in_c);
    }
    if (is_array(d.op) && !is_array(precision_from->op)) precision_from = &d;
    s.mixed_precision = s.mixed_precision || d.precision != desc.layers.front().precision;
    pool = pool || d.op == wl::OpKind::GlobalAvgPool || d.fused.op == wl::OpKind::GlobalAvgPool;
    mul = mul || d.op == wl::OpKind::Mul || d.fused.op == wl::OpKind::Mul;
    s.has_residual = s.has_residual || adds_unit_input_back(d);
    s.max_other_reserved_bytes = std::max(s.max_other_reserved_bytes, d.other_reserved_bytes);
    const LayerCounts c = counts(t);
    s.macs += c.macs;
    s.vector_ops += c.vector_ops;
    s.params += c.params;
  }
  s.precision = precision_from->precision;
  s.has_se = desc.type == UnitType::Se || (pool && mul);
  const bool block = desc.type == UnitType::Ibn || desc.type == UnitType::FusedIbn;
  if (block && s.in_c > 0)
    s.expansion = static_cast<double>(widest_conv) / static_cast<double>(s.in_c);
  return s;
}

UnitSummary summarize(const UnitDesc& desc) {
  const wl::Network net = unit_network(desc);
  const std::size_t first = desc.inputs.size();  // network index of layer 0
  return summarize_with(
      desc, [&](std::size_t t) { return net.layer(first + t).out; },
      [&](std::size_t t) {
        const std::size_t i = first + t;
        // A fused layer: the conv's MACs and params, the fused op's element operations.
        const std::size_t c = desc.layers[t].fused.any() ? fused_conv_index(desc, t) : i;
        const i64 vector_ops =
            wl::layer_vector_ops(net, i) + (c != i ? wl::layer_vector_ops(net, c) : 0);
        return LayerCounts{wl::layer_macs(net, c) * desc.batch, vector_ops * desc.batch,
                           wl::layer_params(net, c)};
      });
}

const std::vector<std::string>& summary_columns() {
  static const std::vector<std::string> columns = {"type",
                                                   "layers",
                                                   "batch",
                                                   "in_h",
                                                   "in_w",
                                                   "in_c",
                                                   "out_h",
                                                   "out_w",
                                                   "out_c",
                                                   "kernel",
                                                   "stride",
                                                   "expansion",
                                                   "has_se",
                                                   "has_residual",
                                                   "depthwise",
                                                   "precision",
                                                   "mixed_precision",
                                                   "input_on_chip",
                                                   "output_on_chip",
                                                   "output_to_dram",
                                                   "max_other_reserved_bytes",
                                                   "macs",
                                                   "vector_ops",
                                                   "params",
                                                   "input_elements",
                                                   "output_elements",
                                                   "fused",
                                                   "prefetched_weight_bytes"};
  return columns;
}

std::vector<std::string> summary_values(const UnitSummary& s) {
  char expansion[32];
  std::snprintf(expansion, sizeof expansion, "%.4f", s.expansion);
  using std::to_string;
  return {unit_type_name(s.type),
          to_string(s.layers),
          to_string(s.batch),
          to_string(s.in_h),
          to_string(s.in_w),
          to_string(s.in_c),
          to_string(s.out_h),
          to_string(s.out_w),
          to_string(s.out_c),
          to_string(s.kernel),
          to_string(s.stride),
          expansion,
          flag(s.has_se),
          flag(s.has_residual),
          flag(s.depthwise),
          precision_name(s.precision),
          flag(s.mixed_precision),
          flag(s.input_on_chip),
          flag(s.output_on_chip),
          flag(s.output_to_dram),
          to_string(s.max_other_reserved_bytes),
          to_string(s.macs),
          to_string(s.vector_ops),
          to_string(s.params),
          to_string(s.input_elements),
          to_string(s.output_elements),
          std::string(s.fused),
          to_string(s.prefetched_weight_bytes)};
}

}  // namespace accelnas::cal
