// The tiler's contract (hw_models/tiler.h) on hand-built layer jobs: bytes moved, SRAM budget,
// band count, weight streaming and passes of the dot-product array.
#include <doctest/doctest.h>

#include <algorithm>

#include "hw_models/tiler.h"
#include "tests/hw_models/jobs.h"

using namespace accelnas;
using namespace accelnas::hw;
using hw::test::conv_job;
using hw::test::ConvGeom;
using hw::test::hw_with;

namespace {

std::int64_t loaded_bytes(const TilePlan& p) {
  std::int64_t sum = p.preload_bytes;
  for (const auto& t : p.tiles) sum += t.load_bytes;
  return sum;
}

std::int64_t loaded_weight_bytes(const TilePlan& p) {
  std::int64_t sum = 0;
  for (const auto& t : p.tiles) sum += t.load_weight_bytes;
  return sum;
}

std::int64_t stored_bytes(const TilePlan& p) {
  std::int64_t sum = 0;
  for (const auto& t : p.tiles) sum += t.store_bytes;
  return sum;
}

// Activation SRAM one tile's streamed buffers take (its input band plus its output band).
std::int64_t largest_tile_buffer(const TilePlan& p) {
  std::int64_t most = 0;
  for (const auto& t : p.tiles) most = std::max(most, t.in_buffer_bytes + t.out_buffer_bytes);
  return most;
}

std::int64_t input_bytes(const LayerJob& j) {
  std::int64_t sum = 0;
  for (const auto& op : j.inputs) sum += op.bytes;
  return sum;
}

// A reduction on the vector unit (global average pool): bands cut along the input rows, the
// output appears whole at the last band.
LayerJob global_pool_job(std::int64_t h, std::int64_t w, std::int64_t c) {
  LayerJob j;
  j.name = "gap";
  j.op = "global_avgpool";
  j.engine = Engine::Vector;
  j.rows = h;
  j.cols = 1;
  j.vector_ops = h * w * c;
  OperandDesc in;
  in.bytes = h * w * c;
  in.rows = h;
  j.inputs.push_back(in);
  j.output_bytes = c;
  j.output_whole = true;
  return j;
}

// Hardware descriptions that force one band, many bands, several passes and streamed weights.
std::vector<HwSpec> varied_hw() {
  return {hw_with({}), hw_with({{"sram.activations", "32KiB"}}),
          hw_with({{"compute.parallelism_factor", "16"}, {"tiling.min_bands", "3"}}),
          hw_with({{"tiling.min_bands", "1"}}), hw_with({{"sram.weights", "8KiB"}})};
}

}  // namespace

TEST_CASE(
    "tiler: a 1x1 stride-1 conv loads its input and its weights exactly once (resident weights, "
    "or pass-outer with pinned inputs)") {
  for (const std::int64_t cout : {16, 64, 96}) {
    const LayerJob job = conv_job(ConvGeom{32, 32, 128, cout, 1, 1, 1, false});
    for (const HwSpec& hw : varied_hw()) {
      TilePlan p;
      if (job.weight_bytes <= hw.sram_weight_bytes) {
        plan_layer_in_order(job, hw, LoopOrder::Resident, p);
      } else {
        plan_layer_in_order(job, hw, LoopOrder::PassOuter, p);
        CHECK(p.inputs_pinned);
      }
      INFO("cout " << cout << " PF " << hw.parallelism_factor << " act SRAM "
                   << hw.sram_activation_bytes << ": " << p.bands << " bands, " << p.passes
                   << " passes, weights streamed " << p.weights_streamed);
      REQUIRE_FALSE(p.inputs_reread);
      CHECK(loaded_bytes(p) == input_bytes(job) + job.weight_bytes);
      CHECK(loaded_weight_bytes(p) == job.weight_bytes);
    }
  }
}

TEST_CASE("tiler: the stores of a layer add up to its output bytes") {
  const std::vector<LayerJob> jobs = {
      conv_job(ConvGeom{32, 32, 128, 96, 1, 1, 1, false}),
      conv_job(ConvGeom{33, 33, 16, 40, 3, 2, 1, false}),
      conv_job(ConvGeom{28, 28, 96, 96, 3, 1, 96, true}),
      conv_job(ConvGeom{7, 7, 64, 320, 1, 1, 1, false}),
      global_pool_job(7, 7, 640),
  };
  for (const LayerJob& job : jobs) {
    for (const HwSpec& hw : varied_hw()) {
      const TilePlan p = plan_layer(job, hw);
      INFO(job.op << " rows " << job.rows << " output " << job.output_bytes << " on PF "
                  << hw.parallelism_factor << ": " << p.bands << " bands, " << p.passes
                  << " passes");
      CHECK(stored_bytes(p) == job.output_bytes);
    }
  }
}

TEST_CASE("tiler: an output kept on chip and not written back costs no stores") {
  LayerJob job = conv_job(ConvGeom{32, 32, 64, 96, 1, 1, 1, false});
  job.output_on_chip = true;
  job.output_to_dram = false;
  job.reserved_activation_bytes = job.output_bytes;
  const TilePlan p = plan_layer(job, hw_with({}));
  CHECK(p.tiles.size() > 1);
  for (const auto& t : p.tiles) {
    CHECK(t.store_bytes == 0);
    CHECK(t.out_buffer_bytes == 0);
  }
}

TEST_CASE("tiler: double-buffered bands plus pinned and reserved bytes fit the activation SRAM") {
  const std::vector<LayerJob> jobs = {
      conv_job(ConvGeom{56, 56, 24, 144, 1, 1, 1, false}),
      conv_job(ConvGeom{56, 56, 144, 144, 3, 2, 144, true}),
      conv_job(ConvGeom{64, 64, 32, 64, 3, 1, 1, false}),
      conv_job(ConvGeom{28, 28, 64, 256, 5, 1, 1, false}),
  };
  int planned = 0;
  for (const LayerJob& base : jobs) {
    for (const std::string act : {"24KiB", "64KiB", "200KiB", "1MiB"}) {
      for (const std::string weights : {"512KiB", "16KiB"}) {
        const HwSpec hw = hw_with({{"sram.activations", act}, {"sram.weights", weights}});
        for (const std::int64_t reserved : {std::int64_t{0}, hw.sram_activation_bytes / 4}) {
          LayerJob job = base;
          job.reserved_activation_bytes = reserved;
          TilePlan p;
          try {
            p = plan_layer(job, hw);
          } catch (const UserError&) {
            continue;  // too small to map at all: a located error, checked elsewhere
          }
          ++planned;
          INFO("rows " << job.rows << " kernel " << job.kernel_h << " act SRAM " << act
                       << " weight SRAM " << weights << " reserved " << reserved << ": " << p.bands
                       << " bands of " << p.band_rows << " rows, pinned "
                       << p.pinned_activation_bytes);
          CHECK(p.buffer_activation_bytes + p.pinned_activation_bytes + reserved <=
                hw.sram_activation_bytes);
          CHECK(2 * largest_tile_buffer(p) + p.pinned_activation_bytes + reserved <=
                hw.sram_activation_bytes);
          CHECK(p.weight_slot_bytes <= hw.sram_weight_bytes);
        }
      }
    }
  }
  CHECK(planned >= 32);
}

TEST_CASE("tiler: row bands cover every row of the layer exactly once per pass") {
  for (const std::int64_t rows : {1, 5, 7, 10, 14, 28, 56, 112}) {
    for (const HwSpec& hw : varied_hw()) {
      for (const ConvGeom& g : {ConvGeom{rows, 16, 128, 96, 1, 1, 1, false},
                                ConvGeom{rows, 16, 16, 32, 3, 1, 1, false}}) {
        const LayerJob job = conv_job(g);
        const TilePlan p = plan_layer(job, hw);
        INFO("rows " << rows << " kernel " << g.kernel << ": " << p.bands << " bands of "
                     << p.band_rows << ", " << p.passes << " passes");
        // Every output pixel once per pass (and per k-chunk), column segments included.
        std::int64_t pixel_passes = 0;
        for (const auto& t : p.tiles) pixel_passes += t.rows * t.cols * t.passes;
        CHECK(pixel_passes == rows * job.cols * p.passes * p.k_chunks);
        // Near-equal bands: heights differ by at most one row, band_rows is the tallest.
        std::int64_t tallest = 0, shortest = rows;
        for (const auto& t : p.tiles) {
          tallest = std::max(tallest, t.rows);
          shortest = std::min(shortest, t.rows);
        }
        CHECK(tallest == p.band_rows);
        CHECK(tallest - shortest <= 1);
      }
    }
  }
}

TEST_CASE("tiler: a layer is cut into at least min(rows, tiling.min_bands) row bands") {
  std::string too_few;  // "rows/min_bands->bands" for every violation
  for (const std::string min_bands : {"1", "3", "8", "16"}) {
    const HwSpec hw = hw_with({{"tiling.min_bands", min_bands}});
    for (std::int64_t rows = 1; rows <= 64; ++rows) {
      const TilePlan p = plan_layer(conv_job(ConvGeom{rows, 8, 16, 32, 1, 1, 1, false}), hw);
      if (p.bands < std::min(rows, hw.tiling_min_bands)) {
        too_few += " " + std::to_string(rows) + "/" + min_bands + "->" + std::to_string(p.bands);
      }
    }
  }
  INFO("rows/min_bands->bands:" << too_few);
  CHECK(too_few.empty());
}

TEST_CASE(
    "tiler: pass-outer, weights larger than the weight SRAM stream one slice per pass, loaded "
    "once") {
  const HwSpec hw = hw_with({{"sram.weights", "4KiB"}});
  for (const std::int64_t cout : {96, 256}) {
    const LayerJob job = conv_job(ConvGeom{32, 32, 64, cout, 1, 1, 1, false});
    REQUIRE(job.weight_bytes > hw.sram_weight_bytes);
    TilePlan p;
    plan_layer_in_order(job, hw, LoopOrder::PassOuter, p);
    INFO("cout " << cout << ": " << p.passes << " passes, weights " << job.weight_bytes);
    CHECK(p.weights_streamed);
    CHECK(p.weight_slot_bytes <= hw.sram_weight_bytes);
    CHECK(loaded_weight_bytes(p) == job.weight_bytes);
    std::int64_t slices = 0;
    for (const auto& t : p.tiles) {
      if (t.load_weight_bytes > 0) {
        ++slices;
        CHECK(t.passes == 1);
      }
    }
    CHECK(slices == p.passes);
  }
}

TEST_CASE("tiler: pass-outer, an input that cannot be pinned is re-read every pass") {
  // 64 KiB of input cannot stay pinned beside the band buffers in 64 KiB of activation SRAM.
  const HwSpec hw = hw_with({{"sram.weights", "4KiB"}, {"sram.activations", "64KiB"}});
  const LayerJob job = conv_job(ConvGeom{32, 32, 64, 96, 1, 1, 1, false});
  TilePlan p;
  plan_layer_in_order(job, hw, LoopOrder::PassOuter, p);
  REQUIRE(p.weights_streamed);
  CHECK(p.inputs_reread);
  CHECK_FALSE(p.inputs_pinned);
  CHECK(loaded_weight_bytes(p) == job.weight_bytes);
  CHECK(loaded_bytes(p) == p.passes * input_bytes(job) + job.weight_bytes);
}

TEST_CASE(
    "tiler: resident tensors larger than the activation SRAM are a UserError naming the layer") {
  const HwSpec hw = hw_with({});
  LayerJob job = conv_job(ConvGeom{}, "crowded_conv");
  job.reserved_activation_bytes = hw.sram_activation_bytes + 1;
  const std::string e = hw::test::user_error([&] { plan_layer(job, hw); });
  CHECK(hw::test::contains(e, "layer 'crowded_conv'"));
  CHECK(hw::test::contains(e, "activation SRAM"));
}

TEST_CASE("tiler: a pass whose weights do not fit is split along input channels into k-chunks") {
  const HwSpec small = hw_with({{"sram.weights", "16KiB"}});
  const HwSpec big = hw_with({});
  // 3x3x64x32 = 18 KiB of weights in a single pass of PF 32.
  const LayerJob job = conv_job(ConvGeom{16, 16, 64, 32, 3, 1, 1, false}, "fat_conv");
  REQUIRE(array_passes(job, small) == 1);
  const TilePlan split = plan_layer(job, small);
  const TilePlan whole = plan_layer(job, big);
  CHECK(split.weights_streamed);
  CHECK(split.k_chunks > 1);
  CHECK(split.weight_slot_bytes <= small.sram_weight_bytes);
  std::int64_t weights = 0, steps_split = 0, steps_whole = 0;
  for (const auto& t : split.tiles) {
    weights += t.load_weight_bytes;
    steps_split += t.pixels * t.steps_per_pixel;
  }
  for (const auto& t : whole.tiles) steps_whole += t.pixels * t.passes * 9 * 4;
  CHECK(weights == job.weight_bytes * split.bands);  // every band re-fetches its chunks
  CHECK(steps_split == 16 * 16 * 9 * 4);             // the chunks add up to the pass's work
  CHECK(steps_whole >= steps_split);
}

TEST_CASE("tiler: weights that cannot be split small enough are a UserError with sizes") {
  const HwSpec hw = hw_with({{"sram.weights", "16KiB"}});
  // 7x7x16x32 = 25 KiB in one pass over 16 input channels: one dot_width group, no split.
  const LayerJob job = conv_job(ConvGeom{16, 16, 16, 32, 7, 1, 1, false}, "fat_conv");
  REQUIRE(array_passes(job, hw) == 1);
  const std::string e = hw::test::user_error([&] { plan_layer(job, hw); });
  CHECK(hw::test::contains(e, "layer 'fat_conv'"));
  CHECK(hw::test::contains(e, "16384 available"));
  CHECK(hw::test::contains(e, "weight SRAM"));
}

TEST_CASE("tiler: array passes are groups*ceil(Cout_per_group/PF) dense and ceil(C/PF) depthwise") {
  const HwSpec pf32 = hw_with({});
  const HwSpec pf16 = hw_with({{"compute.parallelism_factor", "16"}});
  struct Case {
    ConvGeom g;
    std::int64_t passes_pf32, passes_pf16;
  };
  const Case cases[] = {
      {ConvGeom{8, 8, 16, 32, 1, 1, 1, false}, 1, 2},
      {ConvGeom{8, 8, 16, 33, 1, 1, 1, false}, 2, 3},
      {ConvGeom{8, 8, 16, 64, 3, 1, 1, false}, 2, 4},
      {ConvGeom{8, 8, 16, 66, 1, 1, 2, false}, 4, 6},  // 2 groups of 33 output channels
      {ConvGeom{8, 8, 32, 64, 1, 1, 4, false}, 4, 4},  // 4 groups of 16
      {ConvGeom{8, 8, 96, 96, 3, 1, 96, true}, 3, 6},
      {ConvGeom{8, 8, 33, 33, 3, 1, 33, true}, 2, 3},
      {ConvGeom{8, 8, 8, 8, 3, 1, 8, true}, 1, 1},
  };
  for (const Case& c : cases) {
    const LayerJob job = conv_job(c.g);
    INFO("cin " << c.g.cin << " cout " << c.g.cout << " groups " << c.g.groups
                << (c.g.depthwise ? " depthwise" : ""));
    CHECK(array_passes(job, pf32) == c.passes_pf32);
    CHECK(array_passes(job, pf16) == c.passes_pf16);
    // The mapper may run the layer as on a narrower array (T6): a multiple of the passes.
    CHECK(plan_layer(job, pf32).passes % c.passes_pf32 == 0);
  }
  CHECK(array_passes(global_pool_job(7, 7, 1280), pf32) == 1);
}

TEST_CASE("tiler: inputs already on chip cost no input loads") {
  for (const std::int64_t cout : {32, 96}) {
    LayerJob job = conv_job(ConvGeom{32, 32, 64, cout, 3, 1, 1, false});
    job.inputs[0].on_chip = true;
    job.reserved_activation_bytes = job.inputs[0].bytes;
    const TilePlan p = plan_layer(job, hw_with({}));
    INFO("cout " << cout << ": " << p.passes << " passes");
    CHECK(p.preload_bytes == 0);
    CHECK(p.pinned_activation_bytes == 0);
    for (const auto& t : p.tiles) {
      CHECK(t.load_bytes == t.load_weight_bytes);
      CHECK(t.in_buffer_bytes == 0);
    }
    CHECK(loaded_bytes(p) == job.weight_bytes);
  }
}

TEST_CASE("tiler: shares of counts whose products overflow 64 bits stay exact") {
  // A vector job with 2^20 rows and ~2^44 element operations: a band's share
  // vector_ops * row / rows needs 128-bit arithmetic, and the tiles must still add up exactly.
  LayerJob j = global_pool_job(1, 1, 1);
  j.op = "add";
  j.output_whole = false;
  j.rows = std::int64_t{1} << 20;
  j.vector_ops = (std::int64_t{1} << 44) + 12345;
  j.inputs[0].rows = j.rows;
  j.inputs[0].bytes = j.rows;
  j.output_bytes = j.rows;
  const TilePlan p = plan_layer(j, hw_with({}));
  std::int64_t ops = 0, rows = 0;
  for (const Tile& t : p.tiles) {
    ops += t.vector_ops;
    rows += t.rows;
  }
  CHECK(p.tiles.size() > 1);
  CHECK(ops == j.vector_ops);
  CHECK(rows == j.rows);
}

TEST_CASE("tiler: a tile of an operand whose rows times bytes overflow 64 bits does not fit") {
  // 8 rows of 2^59 bytes: a one-row band's halo-aligned bound is 2 rows, 2 * 2^62 bytes before
  // the division by 8 rows. Narrowed to 64 bits that product is negative and the band "fits".
  LayerJob j = global_pool_job(1, 1, 1);
  j.op = "add";
  j.output_whole = false;
  j.rows = 8;
  j.vector_ops = 8;
  j.inputs[0].rows = 8;
  j.inputs[0].bytes = std::int64_t{1} << 62;
  j.output_bytes = 8;
  const std::string e = test_util::user_error([&] { plan_layer(j, hw_with({})); });
  CHECK(test_util::contains(e, "its smallest tile (one output pixel) does not fit"));
  CHECK(test_util::contains(e, "(activation SRAM)"));
}

TEST_CASE("tiler: planning into a reused TilePlan gives the plan a fresh call gives") {
  std::vector<LayerJob> jobs = {conv_job({56, 56, 24, 144, 1}), global_pool_job(7, 7, 1280),
                                conv_job({112, 112, 32, 32, 3, 1, 32, true}),
                                conv_job({14, 14, 512, 1024, 3})};
  for (const HwSpec& hw : varied_hw()) {
    TilePlan reused;
    for (int round = 0; round < 2; ++round) {
      for (const LayerJob& j : jobs) {
        INFO(j.op << " " << j.rows << " rows, round " << round);
        TilePlan fresh;
        try {
          fresh = plan_layer(j, hw);
        } catch (const accelnas::UserError&) {
          continue;  // unmappable on this hardware: nothing to compare
        }
        plan_layer(j, hw, reused);
        CHECK(reused.passes == fresh.passes);
        CHECK(reused.bands == fresh.bands);
        CHECK(reused.band_rows == fresh.band_rows);
        CHECK(reused.weights_streamed == fresh.weights_streamed);
        CHECK(reused.k_chunks == fresh.k_chunks);
        CHECK(reused.first_band_per_pass == fresh.first_band_per_pass);
        CHECK(reused.inputs_pinned == fresh.inputs_pinned);
        CHECK(reused.inputs_reread == fresh.inputs_reread);
        CHECK(reused.preload_bytes == fresh.preload_bytes);
        CHECK(reused.weight_slot_bytes == fresh.weight_slot_bytes);
        CHECK(reused.pinned_activation_bytes == fresh.pinned_activation_bytes);
        CHECK(reused.buffer_activation_bytes == fresh.buffer_activation_bytes);
        REQUIRE(reused.tiles.size() == fresh.tiles.size());
        for (std::size_t i = 0; i < fresh.tiles.size(); ++i) {
          const Tile &a = reused.tiles[i], &b = fresh.tiles[i];
          CHECK(a.rows == b.rows);
          CHECK(a.passes == b.passes);
          CHECK(a.load_bytes == b.load_bytes);
          CHECK(a.store_bytes == b.store_bytes);
          CHECK(a.pixels == b.pixels);
          CHECK(a.vector_ops == b.vector_ops);
          CHECK(a.sram_access_bytes == b.sram_access_bytes);
        }
      }
    }
  }
}
