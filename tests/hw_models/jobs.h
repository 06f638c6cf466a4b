// Hand-built layer jobs and hardware descriptions shared by the hw_models tests. The jobs are
// filled the way the sim planner fills them, so the tiler and the simulator can be checked
// without a network.
#ifndef ACCELNAS_TESTS_HW_MODELS_JOBS_H
#define ACCELNAS_TESTS_HW_MODELS_JOBS_H

#include <algorithm>
#include <cstdint>
#include <string>

#include "hw_models/hw_spec.h"
#include "hw_models/layer_job.h"
#include "tests/common/test_util.h"
#include "workloads/config/error.h"

namespace accelnas::hw::test {

// A conv2d with SAME padding on an h x w x cin int8 input, every operand in DRAM.
struct ConvGeom {
  std::int64_t h = 16, w = 16, cin = 32, cout = 64, kernel = 1, stride = 1, groups = 1;
  bool depthwise = false;
};

inline LayerJob conv_job(const ConvGeom& g, const std::string& name = "conv") {
  LayerJob j;
  j.name = name;
  j.op = "conv2d";
  j.engine = Engine::Array;
  j.rows = (g.h + g.stride - 1) / g.stride;
  j.cols = (g.w + g.stride - 1) / g.stride;
  j.kernel_h = j.kernel_w = g.kernel;
  j.groups = g.groups;
  j.in_channels_per_group = g.cin / g.groups;
  j.out_channels_per_group = g.cout / g.groups;
  j.depthwise = g.depthwise;
  j.macs = j.rows * j.cols * g.cout * g.kernel * g.kernel * j.in_channels_per_group;
  OperandDesc in;
  in.bytes = g.h * g.w * g.cin;
  in.rows = g.h;
  in.halo_rows = std::max<std::int64_t>(0, g.kernel - g.stride);
  in.cols = g.w;
  in.halo_cols = in.halo_rows;
  j.inputs.push_back(in);
  j.weight_bytes = g.kernel * g.kernel * j.in_channels_per_group * g.cout;
  j.output_bytes = j.rows * j.cols * g.cout;
  return j;
}

// The default preset with some keys overridden, e.g. {{"sram.activations", "64KiB"}}.
inline HwSpec hw_with(const cfg::Overrides& overrides) {
  return load_hw(kDefaultPreset, overrides);
}

using test_util::contains;
using test_util::user_error;

}  // namespace accelnas::hw::test

#endif  // ACCELNAS_TESTS_HW_MODELS_JOBS_H
