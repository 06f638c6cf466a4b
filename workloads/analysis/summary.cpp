// summarize(): per-layer figures and totals (rules in summary.h).
#include "workloads/analysis/summary.h"

#include "workloads/config/error.h"

namespace accelnas::wl {

NetworkSummary summarize(const Network& net, const MemoryOptions& opt,
                         const OrderSearchOptions& search) {
  ACCELNAS_CHECK(net.finalized(), "summarize: network not finalized");
  check_batch(opt.batch);
  NetworkSummary s;
  s.name = net.name;
  s.batch = opt.batch;
  const std::vector<std::size_t>& order = net.order();
  const std::vector<std::int64_t> live = live_bytes_per_step(net, order, opt);
  for (std::size_t t = 0; t < order.size(); ++t) {
    const std::size_t i = order[t];
    const Layer& l = net.layer(i);
    LayerSummary ls;
    ls.index = i;
    ls.name = l.name;
    ls.op = l.op;
    for (std::size_t p : net.producers(i)) ls.input_shapes.push_back(net.layer(p).out);
    ls.output = l.out;
    ls.precision = analysis_precision(net, i, opt);
    ls.macs = layer_macs(net, i) * opt.batch;
    ls.params = layer_params(net, i);
    ls.weight_bytes = ls.params * analysis_bytes_per_element(ls.precision);
    ls.output_bytes = tensor_bytes(net, i, opt);
    ls.live_bytes = live[t];
    ls.block = l.block;
    ls.block_type = l.block_type;
    ls.role = l.role;
    s.params += ls.params;
    s.macs += ls.macs;
    s.weight_bytes += ls.weight_bytes;
    if (ls.live_bytes > s.peak_activation_bytes || s.peak_layer.empty()) {
      s.peak_activation_bytes = ls.live_bytes;
      s.peak_layer = ls.name;
    }
    s.layers.push_back(std::move(ls));
  }
  s.min_order = min_peak_order(net, opt, search);
  return s;
}

}  // namespace accelnas::wl
