// Internal to the estimator: its prediction cache, content-keyed maps from a unit
// description to its predicted cycles and from a layer job to its feature terms. Keys are hashed
// field by field and a hit is confirmed by a full comparison, so a collision costs a miss, never
// a wrong answer. Values are pure functions of their keys, so the cache changes how fast a
// prediction is, never what it is.
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_PREDICTION_CACHE_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_PREDICTION_CACHE_H

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "calibration/estimator/unit.h"
#include "calibration/estimator/unit_features.h"
#include "hw_models/layer_job.h"

namespace accelnas::cal {

std::uint64_t hash_desc(const UnitDesc& d);
std::uint64_t hash_job(const hw::LayerJob& j);  // the job's name is not part of the key

struct SameDesc {
  bool operator()(const UnitDesc& a, const UnitDesc& b) const;
};
struct SameJob {
  bool operator()(const hw::LayerJob& a, const hw::LayerJob& b) const;
};

// A content-keyed map in shards, one mutex each. Values are pure functions of their keys, so
// which thread inserts first, or whether a shard was emptied, never changes a result.
template <typename Key, typename Value, typename Same>
class ContentCache {
 public:
  static constexpr std::size_t kShards = 16;

  bool find(std::uint64_t hash, const Key& key, Value& out) {
    Shard& s = shard(hash);
    std::lock_guard<std::mutex> lock(s.mutex);
    const auto [first, last] = s.map.equal_range(hash);
    for (auto it = first; it != last; ++it) {
      if (Same()(it->second.first, key)) {
        out = it->second.second;
        ++s.hits;
        return true;
      }
    }
    ++s.misses;
    return false;
  }

  void insert(std::uint64_t hash, const Key& key, const Value& value) {
    if (capacity_ == 0) return;
    Shard& s = shard(hash);
    std::lock_guard<std::mutex> lock(s.mutex);
    const auto [first, last] = s.map.equal_range(hash);
    for (auto it = first; it != last; ++it)
      if (Same()(it->second.first, key)) return;  // another thread was first
    if (s.map.size() >= std::max<std::size_t>(1, capacity_ / kShards)) s.map.clear();
    s.map.emplace(hash, std::make_pair(key, value));
  }

  void set_capacity(std::size_t entries) {
    capacity_ = entries;
    clear();
  }
  std::size_t capacity() const { return capacity_; }

  void clear() {
    for (Shard& s : shards_) {
      std::lock_guard<std::mutex> lock(s.mutex);
      s.map.clear();
      s.hits = s.misses = 0;
    }
  }

  void stats(std::size_t& size, std::int64_t& hits, std::int64_t& misses) {
    size = 0;
    hits = misses = 0;
    for (Shard& s : shards_) {
      std::lock_guard<std::mutex> lock(s.mutex);
      size += s.map.size();
      hits += s.hits;
      misses += s.misses;
    }
  }

 private:
  struct Shard {
    std::mutex mutex;
    std::unordered_multimap<std::uint64_t, std::pair<Key, Value>> map;
    std::int64_t hits = 0, misses = 0;
  };
  std::array<Shard, kShards> shards_;
  std::size_t capacity_ = 0;

  Shard& shard(std::uint64_t hash) { return shards_[hash >> 60]; }
};

class PredictionCache {
 public:
  ContentCache<UnitDesc, double, SameDesc> units;
  ContentCache<hw::LayerJob, LayerTerms, SameJob> layers;
  PredictionCache() {
    units.set_capacity(32768);
    layers.set_capacity(65536);
  }
};

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_PREDICTION_CACHE_H
