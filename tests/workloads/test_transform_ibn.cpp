// IBN transforms (transforms/ibn.h): fusion, unfusion, kernel size and expansion.
#include <doctest/doctest.h>

#include "tests/workloads/helpers.h"
#include "workloads/loader.h"
#include "workloads/transforms/ibn.h"
#include "workloads/transforms/select.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

// name, op, output shape, MACs of every layer, in index order.
std::string layer_table(const Network& net) {
  std::string s;
  for (std::size_t i = 0; i < net.size(); ++i) {
    const Layer& l = net.layer(i);
    s += l.name + " " + op_name(l.op) + " " + to_string(l.out) + " " +
         std::to_string(layer_macs(net, i)) + "\n";
  }
  return s;
}

std::vector<Shape> output_shapes(const Network& net) {
  std::vector<Shape> out;
  for (std::size_t o : net.outputs()) out.push_back(net.layer(o).out);
  return out;
}

void check_round_trip(const Network& net) {
  const std::string yaml = to_yaml(net);
  CHECK(to_yaml(load_network_string(yaml, "roundtrip.yaml")) == yaml);
}

const Layer& layer(const Network& net, const std::string& name) {
  return net.layer(net.index_of(name));
}

bool has_ibn_blocks(const Network& net) {
  return !ibn_blocks(net).empty();
}

// The ids of the blocks fused in `after` but not in `before`, comma-separated.
std::string newly_fused(const Network& before, const Network& after) {
  const std::vector<IbnBlock> a = ibn_blocks(before), b = ibn_blocks(after);
  std::string ids;
  for (std::size_t k = 0; k < b.size(); ++k) {
    if (b[k].fused && !a[k].fused) ids += (ids.empty() ? "" : ",") + b[k].id;
  }
  return ids;
}

}  // namespace

TEST_CASE("fuse_ibn all on mobilenet_v2: one KxK conv per block, more MACs, same output") {
  const Network net = build_zoo("mobilenet_v2");
  const Network fused = fuse_ibn(net, "all");
  CHECK(fused.size() == net.size() - 16);  // ibn1 has no expand: its depthwise becomes full
  CHECK(total_macs(fused) > total_macs(net));
  CHECK(output_shapes(fused) == output_shapes(net));
  for (const IbnBlock& b : ibn_blocks(fused)) {
    INFO(b.id);
    CHECK(b.fused);
    REQUIRE(b.expand != kNoLayer);
    const Layer& f = fused.layer(b.expand);
    CHECK(f.kernel_h == 3);
    CHECK(f.groups == 1);
    CHECK(f.role == "expand");
    CHECK(f.block_type == "fused_ibn");
  }
  const Layer& f3 = layer(fused, "ibn3_expand");
  CHECK(f3.out_channels == 144);
  CHECK(f3.epilogue.activation == Activation::Relu6);
  CHECK(layer(fused, "ibn3_project").inputs == std::vector<std::string>{"ibn3_expand"});
  CHECK(layer(fused, "ibn2_expand").stride_h == 2);  // the depthwise's stride
  check_round_trip(fused);
}

TEST_CASE("fuse then unfuse restores the layer table and the YAML") {
  for (const auto& e : zoo_entries()) {
    const Network net = build_zoo(e.name);
    const std::string ids = newly_fused(net, fuse_ibn(net, "all"));
    if (ids.empty()) continue;
    INFO(e.name << ": " << ids);
    const Network back = unfuse(fuse_ibn(net, ids), ids);
    CHECK(layer_table(back) == layer_table(net));
    CHECK(to_yaml(back) == to_yaml(net));
  }
  const Network net = build_zoo("mobilenet_v2");
  CHECK(to_yaml(unfuse(fuse_ibn(net, "0-3"), "ibn1,ibn2,2-3")) == to_yaml(net));
}

TEST_CASE("fuse_ibn by range touches only the chosen blocks") {
  const Network fused = fuse_ibn(build_zoo("mobilenet_v2"), "1-2,ibn10");
  const std::vector<IbnBlock> blocks = ibn_blocks(fused);
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    INFO(blocks[k].id);
    CHECK(blocks[k].fused == (k == 1 || k == 2 || k == 9));
  }
}

TEST_CASE("fuse_ibn / unfuse: wrong kinds and unknown blocks are UserErrors (all skips)") {
  const Network net = build_zoo("mobilenet_v2");
  const Network fused = fuse_ibn(net, "0-3");
  CHECK(contains(user_error([&] { fuse_ibn(fused, "2"); }),
                 "fuse_ibn: block 'ibn3' is already fused"));
  CHECK(contains(user_error([&] { unfuse(net, "ibn4"); }), "unfuse: block 'ibn4' is not fused"));
  CHECK(contains(user_error([&] { fuse_ibn(net, "ibn99"); }), "unknown IBN block 'ibn99'"));
  CHECK(contains(user_error([&] { fuse_ibn(net, "3-1"); }), "bad block range '3-1'"));
  CHECK(ibn_blocks(fuse_ibn(fused, "all"))[16].fused);  // all: fuses the rest, skips the fused
  CHECK(to_yaml(unfuse(net, "all")) == to_yaml(net));   // nothing fused: nothing to do
}

TEST_CASE("fuse_ibn: an expand that is not 1x1 or feeds other layers cannot be fused") {
  Layer expand = make_conv("e", "image", 32, 3);
  expand.block = "b";
  expand.block_type = "ibn";
  Layer dw = make_conv("dw", "e", 32, 3, 1, 32);
  dw.block = "b";
  dw.block_type = "ibn";
  const Network wide = make_net({make_input("image", 8, 8, 8), expand, dw});
  CHECK(contains(user_error([&] { fuse_ibn(wide, "b"); }), "is not a 1x1 stride-1"));
  expand.kernel_h = expand.kernel_w = 1;
  const Network shared = make_net(
      {make_input("image", 8, 8, 8), expand, dw, make_layer("cat", OpKind::Concat, {"e", "dw"})});
  CHECK(contains(user_error([&] { fuse_ibn(shared, "b"); }), "also feeds"));
}

TEST_CASE("set_kernel: 5x5 depthwise in ibn blocks, 5x5 full conv in fused ones") {
  const Network net = build_zoo("mobilenet_v2");
  const Network k5 = set_kernel(net, "all", 5);
  for (std::size_t i = 0; i < net.size(); ++i) {
    if (!is_depthwise(net, i)) continue;
    INFO(net.layer(i).name);
    CHECK(k5.layer(i).kernel_h == 5);
    CHECK(layer_macs(k5, i) * 9 == layer_macs(net, i) * 25);
  }
  const Network fused = set_kernel(fuse_ibn(net, "ibn3"), "ibn3", 7);
  CHECK(layer(fused, "ibn3_expand").kernel_w == 7);
  CHECK(output_shapes(k5) == output_shapes(net));
  CHECK(contains(user_error([&] { set_kernel(net, "all", 0); }),
                 "set_kernel: kernel must be in [1, 15], got 0"));
}

TEST_CASE("set_kernel: explicit padding is recomputed to keep the spatial size") {
  Layer dw = make_conv("dw", "image", 8, 3, 1, 8);
  dw.same_padding = false;
  dw.padding = Padding{1, 1, 1, 1};
  dw.block = "b";
  dw.block_type = "ibn";
  const Network net = make_net({make_input("image", 16, 16, 8), dw});
  const Network k5 = set_kernel(net, "b", 5);
  CHECK(out_of(k5, "dw") == Shape{16, 16, 8});
  CHECK(k5.layer(1).padding.top == 2);
}

TEST_CASE("set_expansion: expanded channels are round(in * e), the depthwise follows") {
  const Network net = build_zoo("mobilenet_v2");
  const Network e4 = set_expansion(net, "ibn3", 4);
  CHECK(out_of(e4, "ibn3_expand").c == 24 * 4);
  CHECK(layer(e4, "ibn3_dw").groups == 96);
  CHECK(out_of(e4, "ibn3_project") == out_of(net, "ibn3_project"));
  CHECK(out_of(set_expansion(net, "ibn3", 2.5, 16), "ibn3_expand").c == 64);  // 60 -> 64
  CHECK(contains(user_error([&] { set_expansion(net, "all", 0); }),
                 "set_expansion: expansion must be > 0"));
}

TEST_CASE("set_expansion: 1 removes the expand, and raising it again inserts one back") {
  const Network net = build_zoo("mobilenet_v2");
  const Network e1 = set_expansion(net, "ibn2", 1);
  CHECK_FALSE(e1.has("ibn2_expand"));
  CHECK(layer(e1, "ibn2_dw").groups == 16);
  const Network e6 = set_expansion(e1, "ibn2", 6);
  CHECK(to_yaml(e6) == to_yaml(net));
  const Network first = set_expansion(net, "ibn1", 6);  // t = 1 block gains an expand
  CHECK(out_of(first, "ibn1_expand").c == 32 * 6);
  CHECK(layer(first, "ibn1_expand").role == "expand");
  const Network fused = set_expansion(fuse_ibn(net, "ibn4"), "ibn4", 3);
  CHECK(out_of(fused, "ibn4_expand").c == 24 * 3);  // ibn4 opens stage 3 on 24 channels
}

TEST_CASE("IBN transforms give valid networks on every zoo network") {
  for (const auto& e : zoo_entries()) {
    const Network net = build_zoo(e.name);
    if (!has_ibn_blocks(net)) continue;
    INFO(e.name);
    const Network fused = fuse_ibn(net, "all");
    for (const Network& out : {fused, unfuse(fused, "all"), set_kernel(net, "all", 5),
                               set_kernel(fused, "all", 5), set_expansion(net, "all", 3, 8),
                               set_expansion(net, "all", 1), set_expansion(fused, "all", 2)}) {
      CHECK(out.finalized());
      CHECK(output_shapes(out) == output_shapes(net));
      check_round_trip(out);
    }
    if (!newly_fused(net, fused).empty()) CHECK(total_macs(fused) > total_macs(net));
  }
}

TEST_CASE("fuse_ibn all skips blocks whose expansion feeds other layers, and says why") {
  const Network net = build_zoo("ssdlite_mobilenet_v2");
  std::vector<std::string> skipped;
  const Network fused = fuse_ibn(net, "all", &skipped);
  REQUIRE(skipped.size() == 1);
  CHECK(contains(skipped[0], "ibn14 cannot be fused: the output of its expand layer"));
  CHECK(contains(user_error([&] { fuse_ibn(net, "ibn14"); }), "also feeds 'box1_dw'"));
  CHECK(fused.has("ibn14_dw"));
  CHECK_FALSE(fused.has("ibn13_dw"));
}
