#include "calibration/estimator/prediction_cache.h"

#include <memory>

#include "calibration/estimator/estimator.h"

namespace accelnas::cal {
namespace {

// Content hashing for the prediction cache: every field goes in, and a hit is confirmed by a
// full comparison, so a collision costs a miss, never a wrong answer.
class Hasher {
 public:
  template <typename T>
  void add(T v) {
    h_ = (h_ ^ static_cast<std::uint64_t>(v)) * 0x100000001b3ULL;
    h_ ^= h_ >> 29;
  }
  void add(const std::string& s) {
    add(s.size());
    for (const char c : s) add(static_cast<unsigned char>(c));
  }
  std::uint64_t value() const {
    std::uint64_t h = h_;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

// A field added to one of these structs must be added to the key's hash and comparison below.
static_assert(sizeof(wl::Shape) == 3 * sizeof(std::int64_t), "update the unit cache key");
static_assert(sizeof(wl::Padding) == 4 * sizeof(int), "update the unit cache key");

// Small fields are packed into one word before mixing: a hash may lose bits (the comparison
// decides), and fewer mixing steps make a warm lookup cheaper.
std::uint64_t pack(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  return a ^ (b << 16) ^ (c << 32) ^ (d << 48);
}

bool same_fused(const FusedDesc& a, const FusedDesc& b) {
  return a.op == b.op && a.precision == b.precision && a.kernel_h == b.kernel_h &&
         a.kernel_w == b.kernel_w && a.stride_h == b.stride_h && a.stride_w == b.stride_w &&
         a.padding.top == b.padding.top && a.padding.left == b.padding.left &&
         a.padding.bottom == b.padding.bottom && a.padding.right == b.padding.right;
}

bool same_layer_desc(const LayerDesc& a, const LayerDesc& b) {
  return same_fused(a.fused, b.fused) && a.op == b.op && a.inputs == b.inputs &&
         a.precision == b.precision && a.kernel_h == b.kernel_h && a.kernel_w == b.kernel_w &&
         a.stride_h == b.stride_h && a.stride_w == b.stride_w && a.padding.top == b.padding.top &&
         a.padding.left == b.padding.left && a.padding.bottom == b.padding.bottom &&
         a.padding.right == b.padding.right && a.groups == b.groups &&
         a.out_channels == b.out_channels && a.bias == b.bias && a.out_h == b.out_h &&
         a.out_w == b.out_w && a.resize_mode == b.resize_mode &&
         a.output_on_chip == b.output_on_chip && a.output_to_dram == b.output_to_dram &&
         a.other_reserved_bytes == b.other_reserved_bytes &&
         a.prefetched_weight_bytes == b.prefetched_weight_bytes;
}

}  // namespace

std::uint64_t hash_desc(const UnitDesc& d) {
  Hasher h;
  h.add(pack(static_cast<std::uint64_t>(d.type), d.inputs.size(), d.layers.size(),
             static_cast<std::uint64_t>(d.batch)));
  for (const ExternalInput& in : d.inputs) {
    h.add(pack(static_cast<std::uint64_t>(in.shape.h), static_cast<std::uint64_t>(in.shape.w),
               static_cast<std::uint64_t>(in.shape.c),
               static_cast<std::uint64_t>(in.precision) * 2 + in.on_chip));
  }
  for (const LayerDesc& l : d.layers) {
    std::uint64_t refs = l.inputs.size();
    for (const TensorRef& r : l.inputs)
      refs = refs * 31 + static_cast<std::uint64_t>(r.index) * 2 + r.external;
    const std::uint64_t flags =
        static_cast<std::uint64_t>(l.op) | static_cast<std::uint64_t>(l.precision) << 5 |
        static_cast<std::uint64_t>(l.resize_mode) << 8 | std::uint64_t{l.bias} << 10 |
        std::uint64_t{l.output_on_chip} << 11 | std::uint64_t{l.output_to_dram} << 12;
    h.add(pack(flags, refs, static_cast<std::uint64_t>(l.kernel_h),
               static_cast<std::uint64_t>(l.kernel_w)));
    h.add(pack(static_cast<std::uint64_t>(l.stride_h), static_cast<std::uint64_t>(l.stride_w),
               static_cast<std::uint64_t>(l.groups), static_cast<std::uint64_t>(l.out_channels)));
    h.add(pack(
        static_cast<std::uint64_t>(l.padding.top), static_cast<std::uint64_t>(l.padding.left),
        static_cast<std::uint64_t>(l.padding.bottom), static_cast<std::uint64_t>(l.padding.right)));
    h.add(pack(static_cast<std::uint64_t>(l.out_h), static_cast<std::uint64_t>(l.out_w), 0, 0));
    h.add(l.other_reserved_bytes);
    h.add(l.prefetched_weight_bytes);
    if (l.fused.any()) {  // F1, F2
      const FusedDesc& f = l.fused;
      h.add(pack(
          static_cast<std::uint64_t>(f.op) | static_cast<std::uint64_t>(f.precision) << 5,
          static_cast<std::uint64_t>(f.kernel_h), static_cast<std::uint64_t>(f.kernel_w),
          static_cast<std::uint64_t>(f.stride_h) << 8 | static_cast<std::uint64_t>(f.stride_w)));
      h.add(pack(static_cast<std::uint64_t>(f.padding.top),
                 static_cast<std::uint64_t>(f.padding.left),
                 static_cast<std::uint64_t>(f.padding.bottom),
                 static_cast<std::uint64_t>(f.padding.right)));
    }
  }
  return h.value();
}

bool SameDesc::operator()(const UnitDesc& a, const UnitDesc& b) const {
  if (a.type != b.type || a.batch != b.batch || a.inputs.size() != b.inputs.size() ||
      a.layers.size() != b.layers.size())
    return false;
  for (std::size_t k = 0; k < a.inputs.size(); ++k) {
    const ExternalInput &x = a.inputs[k], &y = b.inputs[k];
    if (x.shape != y.shape || x.precision != y.precision || x.on_chip != y.on_chip) return false;
  }
  for (std::size_t t = 0; t < a.layers.size(); ++t)
    if (!same_layer_desc(a.layers[t], b.layers[t])) return false;
  return true;
}

// Every field of a job but its name (a label: it changes no tile, cycle or byte).
std::uint64_t hash_job(const hw::LayerJob& j) {
  Hasher h;
  h.add(j.op);
  h.add(static_cast<int>(j.engine));
  h.add(static_cast<int>(j.precision));
  h.add(j.rows);
  h.add(j.cols);
  h.add(j.kernel_h);
  h.add(j.kernel_w);
  h.add(j.groups);
  h.add(j.in_channels_per_group);
  h.add(j.out_channels_per_group);
  h.add(j.depthwise);
  h.add(j.macs);
  h.add(j.vector_ops);
  h.add(static_cast<int>(j.fused_op));
  h.add(j.fused_vector_ops);
  h.add(j.fused_halo_rows);
  h.add(j.inputs.size());
  for (const hw::OperandDesc& in : j.inputs) {
    h.add(in.bytes);
    h.add(in.rows);
    h.add(in.halo_rows);
    h.add(in.on_chip);
    h.add(in.whole);
    h.add(in.cols);
    h.add(in.halo_cols);
  }
  h.add(static_cast<std::int64_t>(j.fused_op));
  h.add(j.fused_vector_ops);
  h.add(j.fused_halo_rows);
  h.add(j.prefetched_weight_bytes);
  h.add(j.weight_bytes);
  h.add(j.output_bytes);
  h.add(j.output_whole);
  h.add(j.output_on_chip);
  h.add(j.output_to_dram);
  h.add(j.reserved_activation_bytes);
  return h.value();
}

bool SameJob::operator()(const hw::LayerJob& a, const hw::LayerJob& b) const {
  if (a.inputs.size() != b.inputs.size()) return false;
  for (std::size_t k = 0; k < a.inputs.size(); ++k) {
    const hw::OperandDesc &x = a.inputs[k], &y = b.inputs[k];
    if (x.bytes != y.bytes || x.rows != y.rows || x.halo_rows != y.halo_rows ||
        x.on_chip != y.on_chip || x.whole != y.whole || x.cols != y.cols ||
        x.halo_cols != y.halo_cols)
      return false;
  }
  return a.op == b.op && a.engine == b.engine && a.precision == b.precision && a.rows == b.rows &&
         a.cols == b.cols && a.kernel_h == b.kernel_h && a.kernel_w == b.kernel_w &&
         a.groups == b.groups && a.in_channels_per_group == b.in_channels_per_group &&
         a.out_channels_per_group == b.out_channels_per_group && a.depthwise == b.depthwise &&
         a.macs == b.macs && a.vector_ops == b.vector_ops && a.weight_bytes == b.weight_bytes &&
         a.output_bytes == b.output_bytes && a.output_whole == b.output_whole &&
         a.output_on_chip == b.output_on_chip && a.output_to_dram == b.output_to_dram &&
         a.reserved_activation_bytes == b.reserved_activation_bytes && a.fused_op == b.fused_op &&
         a.fused_vector_ops == b.fused_vector_ops && a.fused_halo_rows == b.fused_halo_rows &&
         a.prefetched_weight_bytes == b.prefetched_weight_bytes;
}

PredictionCacheSlot::PredictionCacheSlot() : cache_(std::make_unique<PredictionCache>()) {}
PredictionCacheSlot::~PredictionCacheSlot() = default;
PredictionCacheSlot::PredictionCacheSlot(const PredictionCacheSlot& other)
    : cache_(std::make_unique<PredictionCache>()) {
  cache_->units.set_capacity(other.cache_->units.capacity());
  cache_->layers.set_capacity(other.cache_->layers.capacity());
}
PredictionCacheSlot& PredictionCacheSlot::operator=(const PredictionCacheSlot& other) {
  if (this != &other) *this = PredictionCacheSlot(other);
  return *this;
}
PredictionCacheSlot::PredictionCacheSlot(PredictionCacheSlot&&) noexcept = default;
PredictionCacheSlot& PredictionCacheSlot::operator=(PredictionCacheSlot&&) noexcept = default;

}  // namespace accelnas::cal
