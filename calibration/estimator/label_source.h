// What one label is, and where the estimator's training reads labels from. The label store
// (calibration/labels/label_db.h) is one LabelSource; the estimator library itself never opens
// a database, so it links no SQLite (docs/ARCHITECTURE.md).
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_LABEL_SOURCE_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_LABEL_SOURCE_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace accelnas::cal {

// What the simulator reports for one unit: its layers' stats summed (utilization is the
// cycle-weighted mean of each layer's own-engine utilization), plus every layer's stats as JSON.
struct LabelStats {
  std::int64_t cycles = 0;
  std::int64_t compute_cycles = 0;
  std::int64_t stall_cycles = 0;
  double latency_us = 0;
  std::int64_t macs = 0;
  std::int64_t vector_ops = 0;
  double utilization = 0;
  std::int64_t dram_read_bytes = 0;
  std::int64_t dram_write_bytes = 0;
  std::int64_t sram_peak_bytes = 0;  // the largest layer peak
  std::int64_t sram_access_bytes = 0;
  double energy_pj = 0;
  std::int64_t tiles = 0;
  std::int64_t weights_streamed_layers = 0;
};

// One field of LabelStats: its column name, its member (an integer or a real; the other is
// null), and the decimals a real is printed with in exports and dumps. kLabelStatFields lists
// every field once, in the store's column order; the store's schema, its rows, the rows sent
// between processes, exports and dumps all follow it, so a new field is added here only.
struct LabelStatField {
  const char* name;
  std::int64_t LabelStats::*integer;
  double LabelStats::*real;
  int decimals;
};
inline constexpr LabelStatField kLabelStatFields[] = {
    {"cycles", &LabelStats::cycles, nullptr, 0},
    {"compute_cycles", &LabelStats::compute_cycles, nullptr, 0},
    {"stall_cycles", &LabelStats::stall_cycles, nullptr, 0},
    {"latency_us", nullptr, &LabelStats::latency_us, 4},
    {"macs", &LabelStats::macs, nullptr, 0},
    {"vector_ops", &LabelStats::vector_ops, nullptr, 0},
    {"utilization", nullptr, &LabelStats::utilization, 6},
    {"dram_read_bytes", &LabelStats::dram_read_bytes, nullptr, 0},
    {"dram_write_bytes", &LabelStats::dram_write_bytes, nullptr, 0},
    {"sram_peak_bytes", &LabelStats::sram_peak_bytes, nullptr, 0},
    {"sram_access_bytes", &LabelStats::sram_access_bytes, nullptr, 0},
    {"energy_pj", nullptr, &LabelStats::energy_pj, 3},
    {"tiles", &LabelStats::tiles, nullptr, 0},
    {"weights_streamed_layers", &LabelStats::weights_streamed_layers, nullptr, 0}};

struct LabelRow {
  std::string key;
  std::string hw_hash;
  std::string unit_type;
  std::string unit_text;  // cal::canonical_text
  std::string status;     // "ok", or "unmappable" (the unit cannot run on this hardware)
  std::string reason;     // why, when unmappable
  LabelStats stats;       // zeros when unmappable
  std::string layers_json;
};

struct RunRecord {
  std::string hw_hash;
  std::string space_hash;
  std::uint64_t seed = 0;
  std::string space_name;
  std::string space_text;
  std::uint64_t count = 0;
};

struct HardwareRecord {
  std::string hash;
  std::string canonical;
  std::string description;
};

// A read-only collection of labels over one or more hardware descriptions.
class LabelSource {
 public:
  virtual ~LabelSource() = default;
  // What errors about its labels name (a database's path).
  virtual const std::string& name() const = 0;
  virtual std::vector<HardwareRecord> hardware() const = 0;
  // Every label, in key order.
  virtual void for_each(const std::function<void(const LabelRow&)>& fn) const = 0;
};

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_LABEL_SOURCE_H
