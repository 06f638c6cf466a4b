// Network sampling spaces: random MobileNet-like networks for validating the estimator on whole
// networks it has never seen (docs/ESTIMATOR.md, "Validation").
//
// A network is a stem conv (stride 2), `stages` stages of `repeats` IBN or fused-IBN blocks each
// (the first block of a stage takes the stage's stride), a 1x1 head conv, a global average pool
// and a classifier. Blocks are built by zoo::inverted_bottleneck, so block ids, types and roles
// are the zoo's and cal::decompose makes one ibn / fused_ibn unit of each.
//
// Contract: NetSampler::sample(i) is a pure function of (space, multiple, seed, i): each index
// draws from its own cal::Rng stream with the project's own draws, like cal::Sampler, so any
// process or platform builds the same network for the same index. A NetSpace from
// net_space_preset / load_net_space is valid (non-empty ranges, probabilities in [0, 1]).
#ifndef ACCELNAS_CALIBRATION_LABELS_NET_SPACE_H
#define ACCELNAS_CALIBRATION_LABELS_NET_SPACE_H

#include <cstdint>
#include <string>
#include <vector>

#include "calibration/labels/space.h"
#include "workloads/network.h"
#include "workloads/precision.h"

namespace accelnas::cal {

struct NetSpace {
  std::string name = "mobilenet";
  std::string source = "builtin:mobilenet";
  std::string description =
      "MobileNet / EfficientNet-like networks: 2-6 stages of 1-4 IBN or fused-IBN blocks, "
      "kernels 3/5/7, expansion 1-6, optional SE, 96-320 px, mixed precision";
  IntDist resolution = IntDist::range(96, 320);  // input height = width
  IntDist stages = IntDist::range(2, 6);
  IntDist repeats = IntDist::range(1, 4);     // blocks per stage
  IntDist stride = IntDist{{1, 2, 2}, 0, 0};  // of a stage's first block
  IntDist stem_channels = IntDist::range(8, 48);
  IntDist first_channels = IntDist::range(8, 40);  // the first stage's output channels
  RealDist growth = RealDist::range(1.0, 2.0);     // channels of stage s+1 / stage s
  std::int64_t max_channels = 448;
  // Applied to every stage's channels after growth: a multiple of `multiple` (0: the hardware's
  // PF) with probability `aligned`, a multiple +-1..jitter with `near`, as grown otherwise.
  ChannelAlignment channel_alignment{0.4, 0.3, 4, 0};
  IntDist head_channels = IntDist::range(256, 1280);
  std::int64_t classes = 1000;
  IntDist expansion = IntDist::range(1, 6);
  IntDist kernel = IntDist{{3, 5, 7}, 0, 0};
  double fused = 0.3;  // probability a block is a fused IBN
  SeDist se{0.3, RealDist::value(0.25)};
  // The network's precision, one draw; repeat an entry to weight it.
  std::vector<Precision> precision = {Precision::Int8,  Precision::Int8, Precision::Int8,
                                      Precision::Int16, Precision::Fp16, Precision::Bf16};
  double mixed_precision = 0.3;  // probability the network mixes precisions, drawn from
                                 // `precision` per layer or per block
  double per_layer = 0.5;        // of the mixed networks: per layer (else per block)
  // Largest activation tensor (elements, one image; 0: no limit). Draws over it are redrawn.
  std::int64_t max_tensor_elements = 4'000'000;
};

// "mobilenet": the defaults above.
std::vector<std::string> net_space_names();
NetSpace net_space_preset(const std::string& name);  // UserError on an unknown name

// A preset name or a YAML file (anything with a '/' or a .yaml suffix, or an existing file).
// The file's keys are NetSpace's fields; every key is optional, an unknown key is an error.
NetSpace load_net_space(const std::string& name_or_path);
NetSpace parse_net_space_string(const std::string& yaml, const std::string& source_name);

class NetSampler {
 public:
  // `pf`: the hardware's parallelism factor, the alignment multiple when the space leaves it 0.
  NetSampler(NetSpace space, std::int64_t pf, std::uint64_t seed);
  // Network `index`, named "<space>_<seed>_<index>". Throws UserError when no draw of the index
  // fits max_tensor_elements in 1,000 tries.
  wl::Network sample(std::uint64_t index) const;
  const NetSpace& space() const { return space_; }

 private:
  NetSpace space_;
  std::int64_t multiple_;
  std::uint64_t seed_;
};

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABELS_NET_SPACE_H
