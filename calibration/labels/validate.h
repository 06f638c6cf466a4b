// Validation of the estimator on whole networks: each network is simulated in full by the
// SystemC model (sim::simulate_network) and predicted by the estimator, and the two are compared
// (docs/ESTIMATOR.md, "Validation").
//
// Contract: a network that cannot be mapped onto the hardware (the simulator or the estimator
// throws a UserError) is skipped and listed with its reason, never dropped silently. Rank
// correlations are over the "random" networks only: those are the population a search ranks.
#ifndef ACCELNAS_CALIBRATION_LABELS_VALIDATE_H
#define ACCELNAS_CALIBRATION_LABELS_VALIDATE_H

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "calibration/estimator/estimator.h"
#include "sim/planner.h"
#include "workloads/network.h"

namespace accelnas::cal {

struct ValidationNetwork {
  wl::Network net;
  std::string source;  // "zoo", "file" (a network YAML or ONNX file), "random" or "measured"
  // Cycles measured elsewhere (validate --measured): the reference the prediction is scored
  // against instead of the simulation, which still runs and is reported beside it. 0: none.
  double measured_cycles = 0;
};

struct ValidationRow {
  std::string network;
  std::string source;
  std::int64_t params = 0;
  std::int64_t simulated_cycles = 0;
  double predicted_cycles = 0;
  double measured_cycles = 0;  // 0 unless the network was measured
  // 100 * (predicted / reference - 1); the reference is measured_cycles when given, else
  // simulated_cycles.
  double error_pct = 0;
  // CPU time of this thread for the prediction (the estimator's cache as the earlier networks of
  // the run left it) and for the simulation; measured only with ValidationOptions::timing.
  double predict_us = 0, simulate_us = 0;
};

struct ValidationSkip {
  std::string network;
  std::string source;
  std::string reason;
};

struct ValidationSummary {
  std::int64_t networks = 0;  // compared
  std::int64_t skipped = 0;   // unmappable
  double mape = 0;            // mean |error_pct|
  double within5 = 0;         // share with |error| <= 5%
  double within10 = 0;
  double max_error_pct = 0;  // largest |error_pct|
  std::string max_error_network;
  // NaN when there is no such network
  double zoo_mape = 0, file_mape = 0, random_mape = 0, measured_mape = 0;
  std::int64_t zoo_networks = 0, file_networks = 0, random_networks = 0, measured_networks = 0;
  double kendall_tau = 0;  // over the random networks; NaN with fewer than two
  double spearman_rho = 0;
  // With timing: medians over the compared networks (speed-up: of simulate_us / predict_us).
  bool timing = false;
  double predict_us_median = 0, simulate_us_median = 0, speedup_median = 0;
};

struct ValidationReport {
  std::vector<ValidationRow> rows;
  std::vector<ValidationSkip> skipped;
  ValidationSummary summary;
};

// Progress: called after each network with (done, total, the row or nullptr when skipped,
// the skip or nullptr).
using ValidationProgress =
    std::function<void(std::size_t, std::size_t, const ValidationRow*, const ValidationSkip*)>;

struct ValidationOptions {
  // Time each prediction and simulation (thread CPU time). Off by default: times differ from run
  // to run, and without them the report files are a pure function of the inputs.
  bool timing = false;
};

// Networks with measured latencies, from a CSV file with columns `model` (a zoo spec, a network
// YAML or an ONNX file; a relative path is taken from the CSV's folder) and one of `cycles`,
// `latency_ns`, `latency_us` or `latency_ms` (turned into cycles at `hw`'s clock). `load` turns a
// model string into a network. Errors are UserErrors "file:line: column: reason".
std::vector<ValidationNetwork> read_measured_networks(
    const std::string& csv_path, const hw::HwSpec& hw,
    const std::function<wl::Network(const std::string&)>& load);

// Simulates and predicts each network on the estimator's hardware, in order, in this process's
// SystemC kernel.
ValidationReport validate(const Estimator& est, const std::vector<ValidationNetwork>& nets,
                          const sim::PlanOptions& opt, const ValidationProgress& progress = {},
                          const ValidationOptions& options = {});

ValidationSummary summarize(const std::vector<ValidationRow>& rows, std::int64_t skipped,
                            bool timing = false);

// network,source,params,simulated_cycles,predicted_cycles,error_pct[,predict_us,simulate_us]
// [,measured_cycles] (timing with `timing`; measured_cycles when any row was measured).
void write_validation_csv(std::ostream& os, const std::vector<ValidationRow>& rows,
                          bool timing = false);
// The summary plus the skipped networks; NaN statistics are null.
nlohmann::json to_json(const ValidationReport& r);
// A few lines for humans.
std::string format_summary(const ValidationReport& r);

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_LABELS_VALIDATE_H
