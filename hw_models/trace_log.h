// Busy intervals of each block, collected when the user asks for --trace. Cycles are relative
// to the start of the run.
#ifndef ACCELNAS_HW_MODELS_TRACE_LOG_H
#define ACCELNAS_HW_MODELS_TRACE_LOG_H

#include <cstdint>
#include <string>
#include <vector>

namespace accelnas::hw {

struct TraceEvent {
  std::string block;  // "dma", "dot_product_array", "vector_unit", "controller"
  std::string label;  // layer name and what was done
  std::int64_t start_cycle = 0;
  std::int64_t end_cycle = 0;
};

class TraceLog {
 public:
  void set_origin(std::int64_t cycle) { origin_ = cycle; }
  void add(const char* block, std::string label, std::int64_t start, std::int64_t end) {
    events_.push_back(TraceEvent{block, std::move(label), start - origin_, end - origin_});
  }
  const std::vector<TraceEvent>& events() const { return events_; }

 private:
  std::int64_t origin_ = 0;
  std::vector<TraceEvent> events_;
};

}  // namespace accelnas::hw

#endif  // ACCELNAS_HW_MODELS_TRACE_LOG_H
