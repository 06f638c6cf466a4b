#include "workloads/zoo/blocks.h"

#include <algorithm>

#include "workloads/config/error.h"

namespace accelnas::wl::zoo {
namespace {

std::string squeeze_excite(NetworkBuilder& b, const std::string& id, const std::string& x,
                           const SqueezeExcite& se) {
  const std::string pool = b.role("se_pool").global_avgpool(id + "_se_pool", x);
  const std::string reduce =
      b.role("se_reduce").fc(id + "_se_reduce", pool, se.reduced, bias(Activation::Relu));
  const std::string expand =
      b.role("se_expand").fc(id + "_se_expand", reduce, b.channels(x), bias(se.gate));
  return b.role("se_scale").mul(id + "_se_scale", x, expand);
}

}  // namespace

std::int64_t make_divisible(double v, int divisor) {
  std::int64_t r = std::max<std::int64_t>(
      divisor, static_cast<std::int64_t>(v + divisor / 2.0) / divisor * divisor);
  if (static_cast<double>(r) < 0.9 * v) r += divisor;
  return r;
}

std::string inverted_bottleneck(NetworkBuilder& b, const std::string& id, const std::string& in,
                                const IbnSpec& s) {
  ACCELNAS_CHECK(s.expanded > 0 && s.out > 0, "inverted_bottleneck: channels not set for " + id);
  const std::int64_t in_c = b.channels(in);
  b.begin_block(id, s.fused ? "fused_ibn" : "ibn");
  std::string x = in;
  if (s.fused) {
    x = b.role("expand").conv(id + "_expand", x, s.expanded, s.kernel, s.stride, bn(s.activation));
  } else {
    if (s.expanded != in_c) {
      x = b.role("expand").pw(id + "_expand", x, s.expanded, bn(s.activation));
    }
    x = b.role("depthwise").dwconv(id + "_dw", x, s.kernel, s.stride, bn(s.activation));
  }
  if (s.se.reduced > 0) x = squeeze_excite(b, id, x, s.se);
  x = b.role("project").pw(id + "_project", x, s.out, bn());
  if (s.skip && s.stride == 1 && in_c == s.out) x = b.role("residual_add").add(id + "_add", in, x);
  b.end_block();
  return x;
}

std::string add_stages(NetworkBuilder& b, const std::string& in,
                       const std::vector<StageArgs>& stages, double width, Activation activation,
                       int first_index) {
  std::string x = in;
  int index = first_index;
  for (const StageArgs& stage : stages) {
    for (int r = 0; r < stage.repeats; ++r) {
      const std::int64_t block_in =
          make_divisible(static_cast<double>(r == 0 ? stage.in : stage.out) * width);
      IbnSpec spec;
      spec.kernel = stage.kernel;
      spec.stride = r == 0 ? stage.stride : 1;
      spec.expanded = block_in * stage.expansion;
      spec.out = make_divisible(static_cast<double>(stage.out) * width);
      spec.activation = activation;
      if (stage.se_ratio > 0) {
        spec.se.reduced = std::max<std::int64_t>(
            1, static_cast<std::int64_t>(static_cast<double>(block_in) * stage.se_ratio));
        spec.se.gate = Activation::Sigmoid;
      }
      spec.fused = stage.fused;
      spec.skip = stage.skip;
      x = inverted_bottleneck(b, "ibn" + std::to_string(index++), x, spec);
    }
  }
  return x;
}

}  // namespace accelnas::wl::zoo
