// The compiler's tiling of one layer job into a static program of tiles (row bands x passes).
// Pure function of (job, hw): the controller executes the plan, the blocks time it.
//
// Contract: the sum of tile loads + preload equals the DRAM read bytes the layer will do, the sum
// of stores its DRAM write bytes; double-buffered streaming buffers (2 x the largest band) plus
// pinned inputs plus reserved bytes fit the activation SRAM; weight slots fit the weight SRAM.
// A layer that cannot be mapped (one row band or one pass of weights does not fit) is a
// UserError naming the layer and the sizes.
#ifndef ACCELNAS_HW_MODELS_TILER_H
#define ACCELNAS_HW_MODELS_TILER_H

#include <cstdint>
#include <vector>

#include "hw_models/hw_spec.h"
#include "hw_models/layer_job.h"

namespace accelnas::hw {

struct Tile {
  std::int64_t rows = 0;               // band height
  std::int64_t passes = 0;             // passes computed on this band in this tile
  std::int64_t load_bytes = 0;         // DRAM -> SRAM before compute (inputs and weights)
  std::int64_t load_weight_bytes = 0;  // of which weights
  std::int64_t store_bytes = 0;        // SRAM -> DRAM after compute
  std::int64_t in_buffer_bytes = 0;    // activation SRAM taken by this tile's streamed inputs
  std::int64_t input_last_use = 0;     // index of the last tile that reads this tile's inputs
  std::int64_t out_buffer_bytes = 0;   // activation SRAM taken by this tile's streamed output
  std::int64_t output_store_tile = 0;  // index of the tile whose store drains this output
  std::int64_t pixels = 0;             // array: output pixels of the band
  std::int64_t steps_per_pixel = 0;    // array: 0 = the layer's (A1/A3); else this k-chunk's
  std::int64_t vector_ops = 0;         // vector: element operations of the band
  std::int64_t fused_vector_ops = 0;   // array: the fused op's element operations of the tile (F3)
  std::int64_t sram_access_bytes = 0;  // reads + writes of on-chip SRAM, for energy
};

struct TilePlan {
  std::int64_t passes = 1;
  std::int64_t bands = 1;
  std::int64_t band_rows = 1;        // the tallest band; bands differ by at most one row
  bool weights_streamed = false;     // weights do not fit: a slice per pass, double-buffered
  std::int64_t k_chunks = 1;         // >1: each pass's weights split along input channels
  bool first_band_per_pass = false;  // weights fit: band 0 runs pass by pass as slices land
  bool inputs_pinned = false;        // streamed inputs loaded whole once (weights streamed)
  bool inputs_reread = false;        // inputs re-read from DRAM for every pass
  std::int64_t preload_bytes = 0;    // loaded before tile 0: inputs pinned for the whole layer
  std::int64_t preload_sram_access_bytes = 0;
  std::int64_t weight_slot_bytes = 0;  // weight SRAM taken (whole weights or 2 slices)
  std::int64_t pinned_activation_bytes = 0;
  std::int64_t buffer_activation_bytes = 0;  // double-buffered band buffers at their largest
  std::vector<Tile> tiles;
};

TilePlan plan_layer(const LayerJob& job, const HwSpec& hw);
// The same plan written into `plan` (every field replaced), reusing the storage of its tile list:
// for loops that plan many layers (the estimator's features). After a UserError `plan` is
// unspecified.
void plan_layer(const LayerJob& job, const HwSpec& hw, TilePlan& plan);

// Passes of PF output channels the array makes over every pixel.
std::int64_t array_passes(const LayerJob& job, const HwSpec& hw);

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_TILER_H
