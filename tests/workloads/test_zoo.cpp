// The model zoo (zoo/zoo.h): reference networks and spec parsing.
#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "tests/workloads/helpers.h"
#include "workloads/config/suggest.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

bool within(double value, double reference, double tolerance) {
  return std::fabs(value - reference) <= tolerance * reference;
}

std::int64_t channels_of(const Network& net, const std::string& layer) {
  return out_of(net, layer).c;
}

}  // namespace

// Sandler et al. 2018, MobileNetV2, Table 4: 300M MACs, 3.4M params; torchvision mobilenet_v2:
// 3,504,872 params. We fold batchnorm into one bias per channel where torchvision counts its
// weight and bias, so we expect 3,504,872 - 17,056 BN channels = 3,487,816.
TEST_CASE("mobilenet_v2: 1.0/224 has 300.8M MACs and 3.50M params (within 2%)") {
  const Network net = build_zoo("mobilenet_v2");
  const auto macs = static_cast<double>(total_macs(net));
  const auto params = static_cast<double>(total_params(net));
  INFO("MACs " << macs << ", params " << params);
  CHECK(within(macs, 300.8e6, 0.02));
  CHECK(within(params, 3.50e6, 0.02));
}

TEST_CASE("mobilenet_v2: width 0.75 has 209M MACs and 2.61M params (paper Table 4, within 2%)") {
  const Network net = build_zoo("mobilenet_v2:width=0.75");
  CHECK(within(static_cast<double>(total_macs(net)), 209e6, 0.02));
  CHECK(within(static_cast<double>(total_params(net)), 2.61e6, 0.02));
}

TEST_CASE("mobilenet_v2: 17 inverted bottlenecks, 10 of them residual") {
  const Network net = build_zoo("mobilenet_v2");
  std::set<std::string> blocks;
  int adds = 0;
  for (std::size_t i = 0; i < net.size(); ++i) {
    const Layer& l = net.layer(i);
    if (!l.block.empty()) {
      CHECK(l.block_type == "ibn");
      CHECK(l.name.rfind(l.block + "_", 0) == 0);
      blocks.insert(l.block);
    }
    if (l.op == OpKind::Add) {
      ++adds;
      CHECK_FALSE(l.block.empty());
    }
  }
  CHECK(blocks.size() == 17);
  CHECK(adds == 10);
}

TEST_CASE("mobilenet_v2: stem halves 224 to 112, the head is 7x7x1280, 1000 classes") {
  const Network net = build_zoo("mobilenet_v2");
  CHECK(out_of(net, "stem") == Shape{112, 112, 32});
  CHECK(out_of(net, "ibn17_project") == Shape{7, 7, 320});
  CHECK(out_of(net, "head") == Shape{7, 7, 1280});
  CHECK(out_of(net, "classifier") == Shape{1, 1, 1000});
  const Layer& fc = net.layer(net.index_of("classifier"));
  CHECK(fc.epilogue.bias);
  CHECK(fc.epilogue.activation == Activation::None);
  CHECK(net.outputs() == std::vector<std::size_t>{net.index_of("classifier")});
}

TEST_CASE("mobilenet_v2: projections are linear, expansions and depthwise use BN + ReLU6") {
  const Network net = build_zoo("mobilenet_v2");
  const Layer& expand = net.layer(net.index_of("ibn2_expand"));
  const Layer& dw = net.layer(net.index_of("ibn2_dw"));
  const Layer& project = net.layer(net.index_of("ibn2_project"));
  CHECK(expand.epilogue.batchnorm);
  CHECK(expand.epilogue.activation == Activation::Relu6);
  CHECK(dw.epilogue.activation == Activation::Relu6);
  CHECK(is_depthwise(net, net.index_of("ibn2_dw")));
  CHECK(project.epilogue.batchnorm);
  CHECK(project.epilogue.activation == Activation::None);
  CHECK(channels_of(net, "ibn2_expand") == 16 * 6);
  CHECK_FALSE(net.has("ibn1_expand"));  // t = 1: no expansion
}

TEST_CASE("mobilenet_v2: IBN layers have roles expand, depthwise, project and residual_add") {
  const Network net = build_zoo("mobilenet_v2");
  const auto role = [&](const std::string& layer) { return net.layer(net.index_of(layer)).role; };
  CHECK(role("ibn1_dw") == "depthwise");
  CHECK(role("ibn1_project") == "project");
  CHECK(role("ibn3_expand") == "expand");
  CHECK(role("ibn3_dw") == "depthwise");
  CHECK(role("ibn3_project") == "project");
  CHECK(role("ibn3_add") == "residual_add");
  for (const char* outside : {"image", "stem", "head", "pool", "classifier"}) {
    INFO(outside);
    CHECK(role(outside).empty());
    CHECK(net.layer(net.index_of(outside)).block.empty());
  }
}

TEST_CASE("mobilenet_v2: residual adds join the block input and the projection") {
  const Network net = build_zoo("mobilenet_v2");
  const Layer& add = net.layer(net.index_of("ibn3_add"));
  CHECK(add.inputs == std::vector<std::string>{"ibn2_project", "ibn3_project"});
  CHECK(add.block == "ibn3");
  CHECK_FALSE(net.has("ibn2_add"));  // stride 2
  CHECK_FALSE(net.has("ibn4_add"));  // 24 -> 32 channels
}

TEST_CASE("mobilenet_v2: channels round with make_divisible(c * width, 8)") {
  // 0.35: 32*0.35 = 11.2 rounds to 8, below 90% of 11.2, so 16; 16*0.35 = 5.6 -> 8.
  const Network small = build_zoo("mobilenet_v2:width=0.35");
  CHECK(channels_of(small, "stem") == 16);
  CHECK(channels_of(small, "ibn1_project") == 8);
  CHECK(channels_of(small, "ibn17_project") == 112);
  CHECK(channels_of(small, "head") == 1280);  // never shrinks below 1280
  const Network wide = build_zoo("mobilenet_v2:width=1.4");
  CHECK(channels_of(wide, "stem") == 48);  // 44.8 -> 48
  CHECK(channels_of(wide, "head") == 1792);
}

TEST_CASE("mobilenet_v2: resolution sets the input and every spatial size") {
  const Network net = build_zoo("mobilenet_v2:resolution=160");
  CHECK(out_of(net, "image") == Shape{160, 160, 3});
  CHECK(out_of(net, "head") == Shape{5, 5, 1280});
}

TEST_CASE("mobilenet_v2: layers carry zoo origins and int8 precision") {
  const Network net = build_zoo("mobilenet_v2");
  CHECK(net.layer(net.index_of("stem")).origin == "zoo:mobilenet_v2: stem");
  for (std::size_t i = 0; i < net.size(); ++i) {
    CHECK(net.layer(i).precision == accelnas::Precision::Int8);
  }
}

TEST_CASE("tiny: under 10 layers, 32x32x3 in, one residual IBN, 10 classes") {
  const Network net = build_zoo("tiny");
  CHECK(net.size() < 10);
  CHECK(out_of(net, "image") == Shape{32, 32, 3});
  CHECK(out_of(net, "classifier") == Shape{1, 1, 10});
  CHECK(net.layer(net.index_of("ibn1_add")).op == OpKind::Add);
  CHECK(net.layer(net.index_of("ibn1_add")).block_type == "ibn");
  CHECK(net.layer(net.index_of("pool")).op == OpKind::MaxPool);
  CHECK(net.layer(0).origin == "zoo:tiny: image");
}

TEST_CASE("zoo spec: the network name is the canonical spec without default values") {
  CHECK(build_zoo("mobilenet_v2").name == "mobilenet_v2");
  CHECK(build_zoo("mobilenet_v2:width=1.0").name == "mobilenet_v2");
  CHECK(build_zoo("mobilenet_v2:width=0.75").name == "mobilenet_v2:width=0.75");
  CHECK(build_zoo("mobilenet_v2:resolution=160,width=0.750").name ==
        "mobilenet_v2:width=0.75,resolution=160");
}

TEST_CASE("zoo spec: an unknown model suggests the closest name") {
  CHECK(user_error([] { build_zoo("mobilnet_v2"); }) ==
        "unknown model 'mobilnet_v2' (did you mean: mobilenet_v2?)");
  CHECK(user_error([] { build_zoo("resnet"); }) ==
        "unknown model 'resnet' (did you mean: resnet18, resnet50?)");
  CHECK(user_error([] { build_zoo("mobilenet_v3"); }) ==
        "unknown model 'mobilenet_v3' (did you mean: mobilenet_v3_large, mobilenet_v3_small, "
        "mobilenet_v2?)");
}

TEST_CASE("zoo spec: an unknown model with no close name lists every model") {
  std::vector<std::string> names;
  for (const ZooEntry& e : zoo_entries()) names.push_back(e.name);
  CHECK(user_error([] { build_zoo("nosuch"); }) ==
        "unknown model 'nosuch' (available: " + accelnas::join(names, ", ") + ")");
}

TEST_CASE("zoo spec: an unknown parameter names it and the valid ranges") {
  CHECK(user_error([] { build_zoo("mobilenet_v2:depth=2"); }) ==
        "model spec 'mobilenet_v2:depth=2': unknown parameter 'depth' (valid: width in [0.35, "
        "1.4], resolution in [32, 512])");
  CHECK(contains(user_error([] { build_zoo("tiny:width=1"); }), "it takes no parameters"));
}

TEST_CASE("zoo spec: an out-of-range parameter names it and its range") {
  CHECK(user_error([] { build_zoo("mobilenet_v2:width=2"); }) ==
        "model spec 'mobilenet_v2:width=2': parameter 'width' must be in [0.35, 1.4], got 2");
  CHECK(contains(user_error([] { build_zoo("mobilenet_v2:resolution=16"); }),
                 "parameter 'resolution' must be an integer in [32, 512], got 16"));
  CHECK(contains(user_error([] { build_zoo("mobilenet_v2:resolution=100.5"); }),
                 "must be an integer in [32, 512], got 100.5"));
}

TEST_CASE("zoo spec: malformed parameter lists are rejected") {
  CHECK(contains(user_error([] { build_zoo("mobilenet_v2:width"); }),
                 "expected key=value, got 'width'"));
  CHECK(contains(user_error([] { build_zoo("mobilenet_v2:width=abc"); }),
                 "parameter 'width': expected a number, got 'abc'"));
  CHECK(contains(user_error([] { build_zoo("mobilenet_v2:width=0.5,width=0.75"); }),
                 "parameter 'width' is given twice"));
  CHECK(contains(user_error([] { build_zoo("mobilenet_v2:"); }), "expected key=value"));
}

TEST_CASE("zoo entries: every entry builds a finalized network from its defaults") {
  REQUIRE(zoo_entries().size() >= 2);
  for (const ZooEntry& e : zoo_entries()) {
    INFO(e.name);
    CHECK_FALSE(e.description.empty());
    for (const ZooParam& p : e.params) {
      CHECK(p.min <= p.default_value);
      CHECK(p.default_value <= p.max);
      CHECK_FALSE(p.description.empty());
    }
    const Network net = build_zoo(e.name);
    CHECK(net.finalized());
    CHECK(net.name == e.name);
  }
}
