// Label generation: sampled units through the SystemC model into the label store
// (docs/ESTIMATOR.md, "Label generation").
//
// A request is (hardware, space, seed, count). plan_labels() draws samples 0..count-1 (the
// sampler is a pure function of the index), keys each by SHA-256 of the hardware's canonical
// text and the unit's canonical text, and keeps the keys that are neither in the database nor
// drawn before: duplicates are simulated once, and a rerun after a kill simulates only what is
// missing. The pending units are then simulated in this process, in forked worker processes
// (one SystemC kernel each), or on MPI ranks (sim/cli/label_mpi.cpp); every result reaches the
// one writer, which inserts them in batched transactions. A row depends only on its unit and
// hardware, so the database does not depend on the number of processes or on interruptions.
#ifndef ACCELNAS_CALIBRATION_LABELS_LABEL_GEN_H
#define ACCELNAS_CALIBRATION_LABELS_LABEL_GEN_H

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "calibration/estimator/unit.h"
#include "calibration/labels/label_db.h"
#include "calibration/labels/sampler.h"
#include "hw_models/hw_spec.h"

namespace accelnas::cal {

// What `accelnas label` is asked for.
struct LabelRequest {
  std::string hw = "npu-pf32";        // preset name or YAML file
  std::optional<hw::HwSpec> hw_spec;  // when set, used instead of loading `hw`
  std::string space;                  // space preset name or YAML file
  std::string space_yaml;             // when set, the space's text (`space` names it)
  std::uint64_t count = 0;            // samples 0..count-1
  std::uint64_t seed = 1;
  std::string db;
  bool append_hw = false;  // allow a database that holds labels of other hardware
};

// The request resolved: hardware, its record, the sampler and the run record. Throws UserError
// on a bad hardware description or space, or a count of 0.
struct LabelContext {
  hw::HwSpec hw;
  HardwareRecord hw_record;
  std::unique_ptr<Sampler> sampler;
  RunRecord run;
};
LabelContext load_label_context(const LabelRequest& req);

// Opens (or creates) the request's database, refuses one that holds labels for other hardware
// unless append_hw, and records the hardware and the run.
std::unique_ptr<LabelDb> open_label_db(const LabelRequest& req, const LabelContext& ctx);

// Refuses (UserError naming the file) a store that holds labels of hardware other than `hw`,
// unless append_hw.
void check_store_hardware(const LabelDb& db, const HardwareRecord& hw, const std::string& name,
                          bool append_hw);

// SHA-256 (hex) of the hardware's canonical text and the unit's canonical text.
std::string label_key(const std::string& hw_canonical, const std::string& unit_text);

struct PendingUnit {
  std::uint64_t index = 0;  // sample index
  std::string key;
};

struct LabelPlan {
  std::uint64_t samples = 0;     // requested
  std::uint64_t already = 0;     // samples whose label the database has
  std::uint64_t duplicates = 0;  // samples equal to an earlier sample of this request
  std::vector<PendingUnit> pending;
};

// `progress(done, total)` is called now and then while sampling. Samples are drawn and keyed on
// `threads` OpenMP threads; the plan is the same for any thread count.
LabelPlan plan_labels(const Sampler& sampler, const std::string& hw_canonical,
                      const std::unordered_set<std::string>& existing, std::uint64_t count,
                      const std::function<void(std::uint64_t, std::uint64_t)>& progress = {},
                      int threads = 1);

// Simulates sample `p.index` in this process's SystemC kernel. A unit the tiler cannot map
// onto the hardware gives status "unmappable" with the reason; any other error throws.
LabelRow simulate_label(const Sampler& sampler, const hw::HwSpec& hw, const std::string& hw_hash,
                        const PendingUnit& p);

// One line (no newline inside) carrying a row between processes, and back; reals round-trip
// exactly. decode_row() throws UserError on a malformed line, and on an encode_error() line
// with that error's text.
std::string encode_row(const LabelRow& row);
std::string encode_error(const std::string& what);
LabelRow decode_row(const std::string& line);

// Batches rows into transactions (every kBatchRows rows or kBatchSeconds, and at finish()) and
// reports progress on stderr: done/total, rate and ETA.
class LabelWriter {
 public:
  static constexpr std::size_t kBatchRows = 1000;
  static constexpr double kBatchSeconds = 0.5;
  // The number of rows expected is unknown until set_total() (progress shows the count alone).
  LabelWriter(LabelDb& db, bool quiet);
  void set_total(std::uint64_t total);
  void add(LabelRow row);
  void finish();  // commits the rest and ends the progress line
  std::uint64_t done() const { return done_; }
  std::uint64_t ok() const { return ok_; }
  double seconds() const;

 private:
  using Clock = std::chrono::steady_clock;
  LabelDb& db_;
  std::uint64_t total_ = 0;
  bool total_known_ = false;
  bool quiet_;
  bool tty_;
  std::vector<LabelRow> batch_;
  std::uint64_t done_ = 0, ok_ = 0;
  Clock::time_point start_, last_commit_, last_report_;
  void commit();
  void report(bool final);
};

struct LabelSummary {
  std::uint64_t samples = 0, already = 0, duplicates = 0, pending = 0;
};

// Plans and simulates a request; rows reach `writer` in this process. With jobs == 1 it plans
// (plan_labels) and simulates here. With jobs > 1 it forks `jobs` worker processes first (one
// SystemC kernel each), then plans in chunks, appending each pending sample index to a queue in
// shared memory that the workers take chunks from, so planning overlaps simulation and the
// workers balance themselves. `on_planned` is called once the plan is complete. A worker that
// fails ends the run with its error after the rows already received reach the writer.
LabelSummary run_labels(const Sampler& sampler, const HardwareRecord& hw_record,
                        const hw::HwSpec& hw, const std::unordered_set<std::string>& existing,
                        std::uint64_t count, int jobs, LabelWriter& writer,
                        const std::function<void(const LabelSummary&)>& on_planned = {});

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABELS_LABEL_GEN_H
