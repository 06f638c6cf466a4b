// A tiny network for fast tests: every common op once, one inverted bottleneck with a residual.
#include "workloads/zoo/builder.h"
#include "workloads/zoo/models.h"

namespace accelnas::wl::zoo {
namespace {

Network build(const std::map<std::string, double>&) {
  NetworkBuilder b("tiny");
  std::string x = b.input("image", Shape{32, 32, 3});
  x = b.conv("stem", x, 16, 3, 2, bn(Activation::Relu6));
  const std::string block_in = x;
  b.begin_block("ibn1", "ibn");
  x = b.role("expand").pw("ibn1_expand", x, 64, bn(Activation::Relu6));
  x = b.role("depthwise").dwconv("ibn1_dw", x, 3, 1, bn(Activation::Relu6));
  x = b.role("project").pw("ibn1_project", x, 16, bn());
  x = b.role("residual_add").add("ibn1_add", block_in, x);
  b.end_block();
  x = b.maxpool("pool", x, 3, 2);
  x = b.global_avgpool("gap", x);
  b.fc("classifier", x, 10, bias());
  return b.build("tiny");
}

}  // namespace

ZooEntry tiny_entry() {
  return ZooEntry{"tiny",
                  "9-layer example: 32x32x3 input, stem conv, one IBN with residual, maxpool, "
                  "global average pool, FC 10",
                  {},
                  build};
}

}  // namespace accelnas::wl::zoo
