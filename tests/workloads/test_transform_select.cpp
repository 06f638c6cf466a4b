// Naming blocks and layers for transforms (transforms/select.h).
#include <doctest/doctest.h>

#include "tests/workloads/helpers.h"
#include "workloads/loader.h"
#include "workloads/transforms/select.h"
#include "workloads/zoo/zoo.h"

using namespace accelnas;
using namespace accelnas::wl;
using namespace accelnas::wl::test;

namespace {

std::vector<std::size_t> pick(const std::string& spec) {
  static const Network net = build_zoo("mobilenet_v2");
  return select_ibn_blocks(ibn_blocks(net), spec, "test");
}

std::string pick_error(const std::string& spec) {
  return user_error([&] { pick(spec); });
}

Network without_roles(const Network& net) {
  Network out;
  out.name = net.name;
  for (std::size_t i = 0; i < net.size(); ++i) {
    Layer l = net.layer(i);
    l.role.clear();
    out.add_layer(l);
  }
  out.finalize();
  return out;
}

}  // namespace

TEST_CASE("ibn blocks: mobilenet_v2 has 17, in order - the t=1 block ibn1 has no expand") {
  const Network net = build_zoo("mobilenet_v2");
  const std::vector<IbnBlock> blocks = ibn_blocks(net);
  REQUIRE(blocks.size() == 17);
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    INFO(blocks[k].id);
    CHECK(blocks[k].id == "ibn" + std::to_string(k + 1));
    CHECK_FALSE(blocks[k].fused);
    REQUIRE(blocks[k].depthwise != kNoLayer);
    CHECK(net.layer(blocks[k].depthwise).name == blocks[k].id + "_dw");
    if (k == 0) {
      CHECK(blocks[k].expand == kNoLayer);
    } else {
      REQUIRE(blocks[k].expand != kNoLayer);
      CHECK(net.layer(blocks[k].expand).name == blocks[k].id + "_expand");
    }
  }
}

TEST_CASE("ibn blocks: without roles, structure finds the same expand and depthwise") {
  const Network net = build_zoo("mobilenet_v2");
  const Network bare = without_roles(net);
  const auto with = ibn_blocks(net), without = ibn_blocks(bare);
  REQUIRE(with.size() == without.size());
  for (std::size_t k = 0; k < with.size(); ++k) {
    CHECK(with[k].expand == without[k].expand);
    CHECK(with[k].depthwise == without[k].depthwise);
  }
}

TEST_CASE("block selection: ids, 0-based indices, inclusive ranges, lists and all") {
  CHECK(pick("0-3") == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK(pick("1,4,5") == std::vector<std::size_t>{1, 4, 5});
  CHECK(pick("ibn3") == std::vector<std::size_t>{2});
  CHECK(pick(" ibn3 , 2-3 ") == std::vector<std::size_t>{2, 3});
  CHECK(pick("all").size() == 17);
  CHECK(pick("16") == std::vector<std::size_t>{16});
}

TEST_CASE("block selection: bad items are UserErrors naming the item and the blocks available") {
  const std::string unknown = pick_error("ibn99");
  CHECK(contains(unknown, "test: unknown IBN block 'ibn99'"));
  CHECK(contains(unknown, "did you mean: ibn9"));
  CHECK(contains(unknown, "indices 0-16"));
  CHECK(contains(pick_error("3-1"), "bad block range '3-1'"));
  CHECK(contains(pick_error("17"), "block index 17"));
  CHECK(contains(pick_error("0-40"), "out of range"));
  CHECK(contains(pick_error("1,,2"), "empty item"));
  CHECK(contains(pick_error(""), "empty item"));
  CHECK(contains(
      user_error([] { select_ibn_blocks(ibn_blocks(build_zoo("tiny")), "ibn4", "fuse_ibn"); }),
      "IBN blocks: ibn1 (indices 0-0)"));
}

TEST_CASE("layer selection: names and block ids, all by default, unknown names suggested") {
  const Network net = build_zoo("tiny");
  CHECK(select_layers(net, "", "t").size() == net.size());
  CHECK(select_layers(net, "all", "t").size() == net.size());
  CHECK(select_layers(net, "stem,classifier", "t") ==
        std::vector<std::size_t>{net.index_of("stem"), net.index_of("classifier")});
  CHECK(select_layers(net, "ibn1", "t").size() == 4);
  const std::string err = user_error([&] { select_layers(net, "stme", "set_precision"); });
  CHECK(contains(err, "set_precision: network 'tiny' has no layer or block 'stme'"));
  CHECK(contains(err, "did you mean: stem"));
}

TEST_CASE("list_names: long lists keep their ends and a count") {
  CHECK(list_names({"a", "b"}) == "a, b");
  std::vector<std::string> many;
  for (int i = 0; i < 12; ++i) many.push_back("x" + std::to_string(i));
  CHECK(list_names(many) == "x0, x1, x2, ..., x10, x11 (12 in all)");
}
