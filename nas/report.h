// The end of a search (docs/NAS.md, "Verification" and "Outputs"): the front simulated in full
// in SystemC, and the report directory, both from the run store alone, so that
// `accelnas search report` renders a finished (or interrupted) run again.
//
// Verification rules:
// - The front is front_rows() of the stored candidates: feasible, first occurrences, sorted by
//   the first objective. `verify_k` > 0 verifies its first k members, 0 all of them.
// - Each verified network is decoded again from its encoding and simulated (sim::simulate_network)
//   with the run's batch and precision; its simulated latency, cycles and energy are stored.
// - The front under simulation replaces predicted latency (and energy) by simulated ones and
//   recomputes the non-dominated set among the verified members. The report says which members
//   become dominated and whether the latency order of the verified members changes.
#ifndef ACCELNAS_NAS_REPORT_H
#define ACCELNAS_NAS_REPORT_H

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hw_models/hw_spec.h"
#include "nas/run_store.h"
#include "nas/space.h"
#include "sim/planner.h"

namespace accelnas::nas {

// A stored run, read back: its configuration and every row.
struct StoredRun {
  std::map<std::string, std::string> config;
  std::vector<Objective> objectives;
  std::vector<CandidateRow> rows;
  std::vector<GenerationRow> generations;
  std::vector<VerifiedRow> verified;
  sim::PlanOptions plan;
  hw::HwSpec hw;  // rebuilt from the stored description
};
// Throws UserError "<path>: ..." for a store without a run or with a corrupt configuration.
StoredRun read_run(const RunStore& store);
// The run's space, rebuilt from the stored text on the stored hardware.
SearchSpace stored_space(const StoredRun& run);

// Simulates the front members not yet verified (see above) and stores them. `workers` > 1 runs
// the simulations in that many processes. `progress(done, total)` after each.
void verify_front(const SearchSpace& space, StoredRun& run, std::size_t verify_k, int workers,
                  RunStore& store,
                  const std::function<void(std::size_t, std::size_t)>& progress = {});

struct ReportFiles {
  std::vector<std::string> written;  // paths, in writing order
  nlohmann::json summary;            // what summary.json holds
};
// Writes pareto.csv, candidates.csv, history.csv, summary.json and networks/ into `dir` (created
// when missing; each file replaced atomically). Plots are the caller's (scripts/plot_search.py).
ReportFiles write_report(const std::string& dir, const SearchSpace& space, const StoredRun& run);

}  // namespace accelnas::nas

#endif  // ACCELNAS_NAS_REPORT_H
