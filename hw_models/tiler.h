// The compiler's tiling of one layer job into a static program of tiles (row bands x passes).
// Pure function of (job, hw): the controller executes the plan, the blocks time it.
//
// A mapper (rules T1-T8, docs/HARDWARE_MODEL.md): it enumerates loop orders (resident weights,
// pass-outer, band-outer), row bands, column segments, k-chunks and input-channel splits, replays
// every feasible candidate's tile program (hw::replay_tile_program) and keeps the one with the
// fewest cycles (then the fewest DRAM bytes, then the first in a fixed candidate order).
//
// Contract: the sum of tile loads + preload equals the DRAM read bytes the layer will do, the sum
// of stores its DRAM write bytes; double-buffered streaming buffers (2 x the largest tile) plus
// pinned inputs plus reserved bytes fit the activation SRAM; weight slots fit the weight SRAM.
// A layer that cannot be mapped (its smallest tile does not fit) is a UserError naming the layer
// and the sizes.
#ifndef ACCELNAS_HW_MODELS_TILER_H
#define ACCELNAS_HW_MODELS_TILER_H

#include <cstdint>
#include <vector>

#include "hw_models/hw_spec.h"
#include "hw_models/layer_job.h"

namespace accelnas::hw {

struct Tile {
  std::int64_t rows = 0;               // band height
  std::int64_t cols = 0;               // output columns of the tile's column segment
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
  std::int64_t fused_vector_ops = 0;   // element ops of a fused output-stage op in this tile
  std::int64_t sram_access_bytes = 0;  // reads + writes of on-chip SRAM, for energy
};

// T6: the loop orders the mapper considers.
enum class LoopOrder : std::uint8_t {
  Resident,   // T3: weights loaded once with the first tile; spatial tiles outer, all passes each
  PassOuter,  // T4: weight-stationary; passes outer, spatial tiles inner, inputs pinned or re-read
  BandOuter,  // T6: input-stationary; spatial tiles outer, every pass (and chunk) inner
};

struct TilePlan {
  LoopOrder order = LoopOrder::Resident;
  std::int64_t passes = 1;
  std::int64_t bands = 1;
  std::int64_t band_rows = 1;        // the tallest band; bands differ by at most one row
  std::int64_t col_segments = 1;     // T7: column segments per band (1: whole rows)
  std::int64_t seg_cols = 1;         // the widest column segment
  bool input_k_split = false;        // T8: input tiles split along input channels with the chunks
  bool weights_streamed = false;     // the weight slot holds slices, not the whole weights
  std::int64_t k_chunks = 1;         // >1: each pass's weights split along input channels
  bool first_band_per_pass = false;  // weights fit: band 0 runs pass by pass as slices land
  bool inputs_pinned = false;        // streamed inputs loaded whole once (weights streamed)
  bool inputs_reread = false;        // inputs re-read from DRAM for every pass
  std::int64_t preload_bytes = 0;    // loaded before tile 0: inputs pinned for the whole layer
  std::int64_t preload_sram_access_bytes = 0;
  std::int64_t weight_slot_bytes = 0;  // weight SRAM taken (whole weights or 2 slices)
  std::int64_t pinned_activation_bytes = 0;
  std::int64_t buffer_activation_bytes = 0;  // double-buffered band buffers at their largest
  std::int64_t cycles = 0;           // the replayed cycles of this program (replay_tile_program)
  std::int64_t idle_bus_cycles = 0;  // and its idle bus time after the setup (C4)
  std::int64_t dram_bytes = 0;       // preload + loads + stores
  std::int64_t candidates = 0;       // tile programs replayed to choose this one (cost diagnostics)
  std::vector<Tile> tiles;
};

TilePlan plan_layer(const LayerJob& job, const HwSpec& hw);
// The same plan written into `plan` (every field replaced), reusing the storage of its tile list:
// for loops that plan many layers (the estimator's features). After a UserError `plan` is
// unspecified.
void plan_layer(const LayerJob& job, const HwSpec& hw, TilePlan& plan);
// plan_layer() keeps this thread's last plans (a job is often planned more than once in a row);
// benchmarks clear them to time a first mapping.
void clear_plan_memo();

// The mapper restricted to one loop order: the best tiling in that order (for tests and
// diagnostics; a layer that order cannot map is a UserError).
void plan_layer_in_order(const LayerJob& job, const HwSpec& hw, LoopOrder order, TilePlan& plan);

// Passes of PF output channels the array makes over every pixel.
std::int64_t array_passes(const LayerJob& job, const HwSpec& hw);

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_TILER_H
