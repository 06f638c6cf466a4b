#include "calibration/labels/validate.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <optional>
#include <sstream>

#include "calibration/labels/csv_table.h"
#include "calibration/labels/rank_stats.h"
#include "sim/report.h"
#include "sim/simulate.h"
#include "workloads/config/error.h"
#include "workloads/loader.h"

namespace accelnas::cal {
namespace {

using json = nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double mean_abs(const std::vector<ValidationRow>& rows, const std::string& source) {
  double sum = 0;
  std::int64_t n = 0;
  for (const auto& r : rows) {
    if (!source.empty() && r.source != source) continue;
    sum += std::fabs(r.error_pct);
    ++n;
  }
  return n ? sum / static_cast<double>(n) : kNaN;
}

json number(double v) {
  return std::isfinite(v) ? json(v) : json(nullptr);
}

// CPU time of the calling thread, in microseconds.
double thread_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return 1e6 * static_cast<double>(ts.tv_sec) + 1e-3 * static_cast<double>(ts.tv_nsec);
}

double median(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string text(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  std::ostringstream os;
  os << std::fixed << std::setprecision(decimals) << v;
  return os.str();
}

struct SourceStats {
  const char* source;  // as in validation.csv
  const char* plural;  // as printed: "3 files"
  std::int64_t networks;
  double mape;
};

// The sources that have networks, in a fixed order: a summary names no source it did not see
// (no "files -%").
std::vector<SourceStats> present_sources(const ValidationSummary& s) {
  std::vector<SourceStats> out;
  for (const SourceStats& x :
       {SourceStats{"zoo", "zoo", s.zoo_networks, s.zoo_mape},
        SourceStats{"file", "files", s.file_networks, s.file_mape},
        SourceStats{"random", "random", s.random_networks, s.random_mape},
        SourceStats{"measured", "measured", s.measured_networks, s.measured_mape}})
    if (x.networks > 0) out.push_back(x);
  return out;
}

}  // namespace

ValidationReport validate(const Estimator& est, const std::vector<ValidationNetwork>& nets,
                          const sim::PlanOptions& opt, const ValidationProgress& progress,
                          const ValidationOptions& options) {
  ValidationReport out;
  for (std::size_t i = 0; i < nets.size(); ++i) {
    const ValidationNetwork& v = nets[i];
    ValidationRow row;
    row.network = v.net.name;
    row.source = v.source;
    row.params = wl::total_params(v.net);
    try {
      const double t0 = options.timing ? thread_us() : 0;
      const NetworkPrediction p = est.predict(v.net, opt);
      const double t1 = options.timing ? thread_us() : 0;
      const sim::SimResult s = sim::simulate_network(v.net, est.hw(), opt);
      if (options.timing) {
        row.predict_us = t1 - t0;
        row.simulate_us = thread_us() - t1;
      }
      row.simulated_cycles = s.total.cycles;
      row.predicted_cycles = p.cycles;
      row.measured_cycles = v.measured_cycles;
      const double reference =
          v.measured_cycles > 0 ? v.measured_cycles : static_cast<double>(s.total.cycles);
      row.error_pct = reference > 0 ? 100.0 * (p.cycles / reference - 1) : 0;
    } catch (const UserError& e) {
      out.skipped.push_back(ValidationSkip{v.net.name, v.source, e.what()});
      if (progress) progress(i + 1, nets.size(), nullptr, &out.skipped.back());
      continue;
    }
    out.rows.push_back(row);
    if (progress) progress(i + 1, nets.size(), &out.rows.back(), nullptr);
  }
  out.summary = summarize(out.rows, static_cast<std::int64_t>(out.skipped.size()), options.timing);
  return out;
}

ValidationSummary summarize(const std::vector<ValidationRow>& rows, std::int64_t skipped,
                            bool timing) {
  ValidationSummary s;
  s.networks = static_cast<std::int64_t>(rows.size());
  s.skipped = skipped;
  std::vector<double> sim_random, pred_random;
  std::int64_t in5 = 0, in10 = 0;
  for (const auto& r : rows) {
    const double e = std::fabs(r.error_pct);
    in5 += e <= 5.0;
    in10 += e <= 10.0;
    if (s.max_error_network.empty() || e > s.max_error_pct) {
      s.max_error_pct = e;
      s.max_error_network = r.network;
    }
    if (r.source == "random") {
      ++s.random_networks;
      sim_random.push_back(static_cast<double>(r.simulated_cycles));
      pred_random.push_back(r.predicted_cycles);
    }
    if (r.source == "zoo") ++s.zoo_networks;
    if (r.source == "file") ++s.file_networks;
    if (r.source == "measured") ++s.measured_networks;
  }
  const double n = static_cast<double>(rows.size());
  s.mape = rows.empty() ? kNaN : mean_abs(rows, "");
  s.within5 = rows.empty() ? kNaN : static_cast<double>(in5) / n;
  s.within10 = rows.empty() ? kNaN : static_cast<double>(in10) / n;
  if (rows.empty()) s.max_error_pct = kNaN;
  s.zoo_mape = mean_abs(rows, "zoo");
  s.file_mape = mean_abs(rows, "file");
  s.random_mape = mean_abs(rows, "random");
  s.measured_mape = mean_abs(rows, "measured");
  s.kendall_tau = kendall_tau_b(sim_random, pred_random);
  s.spearman_rho = spearman_rho(sim_random, pred_random);
  s.timing = timing;
  if (timing) {
    std::vector<double> predict, simulate, speedup;
    for (const auto& r : rows) {
      predict.push_back(r.predict_us);
      simulate.push_back(r.simulate_us);
      if (r.predict_us > 0) speedup.push_back(r.simulate_us / r.predict_us);
    }
    s.predict_us_median = median(predict);
    s.simulate_us_median = median(simulate);
    s.speedup_median = median(speedup);
  }
  return s;
}

void write_validation_csv(std::ostream& os, const std::vector<ValidationRow>& rows, bool timing) {
  const bool measured = std::any_of(rows.begin(), rows.end(),
                                    [](const ValidationRow& r) { return r.measured_cycles > 0; });
  os << "network,source,params,simulated_cycles,predicted_cycles,error_pct"
     << (timing ? ",predict_us,simulate_us" : "") << (measured ? ",measured_cycles" : "") << "\n";
  for (const auto& r : rows) {
    os << sim::csv_escape(r.network) << "," << r.source << "," << r.params << ","
       << r.simulated_cycles << "," << text(r.predicted_cycles, 1) << "," << text(r.error_pct, 4);
    if (timing) os << "," << text(r.predict_us, 1) << "," << text(r.simulate_us, 1);
    if (measured) os << "," << (r.measured_cycles > 0 ? text(r.measured_cycles, 1) : "");
    os << "\n";
  }
}

std::vector<ValidationNetwork> read_measured_networks(
    const std::string& csv_path, const hw::HwSpec& hw,
    const std::function<wl::Network(const std::string&)>& load) {
  const CsvTable t = read_csv_file(csv_path);
  const auto model = t.column("model");
  if (!model) throw UserError(csv_path + ": no model column (a zoo name, network YAML or ONNX)");
  const CsvMeasure measure = csv_measure_column(t);
  for (const auto& h : t.header) {
    if (h != "model" && h != measure.name)
      throw UserError(csv_path + ": unknown column " + h + " (expected model and one value)");
  }
  const std::filesystem::path base = std::filesystem::path(csv_path).parent_path();
  std::vector<ValidationNetwork> out;
  for (const CsvTable::Row& row : t.rows) {
    std::string spec = row.fields[*model];
    if (spec.empty()) throw UserError(t.where(row, "model") + "empty");
    // A file is named relative to the CSV, so the CSV and its models can move together.
    if (wl::is_model_file(spec) && std::filesystem::path(spec).is_relative())
      spec = (base / spec).string();
    ValidationNetwork v;
    try {
      v.net = load(spec);
    } catch (const UserError& e) {
      throw UserError(t.where(row, "model") + e.what());
    }
    v.source = "measured";
    v.measured_cycles = measure.cycles(t, row, hw.clock_hz);
    out.push_back(std::move(v));
  }
  if (out.empty()) throw UserError(csv_path + ": no networks (only a header)");
  return out;
}

json to_json(const ValidationReport& r) {
  const ValidationSummary& s = r.summary;
  json skipped = json::array();
  for (const auto& k : r.skipped)
    skipped.push_back({{"network", k.network}, {"source", k.source}, {"reason", k.reason}});
  json j{{"networks", s.networks},
         {"zoo_networks", s.zoo_networks},
         {"file_networks", s.file_networks},
         {"random_networks", s.random_networks},
         {"measured_networks", s.measured_networks},
         {"skipped", s.skipped},
         {"mape_pct", number(s.mape)},
         {"within_5pct", number(s.within5)},
         {"within_10pct", number(s.within10)},
         {"max_error_pct", number(s.max_error_pct)},
         {"max_error_network", s.max_error_network},
         {"skipped_networks", skipped}};
  for (const SourceStats& x : present_sources(s))
    j[std::string(x.source) + "_mape_pct"] = number(x.mape);
  if (s.random_networks > 0) {
    j["kendall_tau_b"] = number(s.kendall_tau);
    j["spearman_rho"] = number(s.spearman_rho);
  }
  if (s.timing) {
    j["timing"] = {{"predict_us_median", number(s.predict_us_median)},
                   {"simulate_us_median", number(s.simulate_us_median)},
                   {"speedup_median", number(s.speedup_median)}};
  }
  return j;
}

std::string format_summary(const ValidationReport& r) {
  const ValidationSummary& s = r.summary;
  const std::vector<SourceStats> sources = present_sources(s);
  std::string counts, mapes;
  for (const SourceStats& x : sources) {
    counts += (counts.empty() ? "" : ", ") + std::to_string(x.networks) + " " +
              (x.networks == 1 ? x.source : x.plural);
    mapes += (mapes.empty() ? "" : ", ") + std::string(x.plural) + " " + text(x.mape, 2) + "%";
  }
  std::ostringstream os;
  os << "validated " << s.networks << " networks" << (counts.empty() ? "" : " (" + counts + ")")
     << ", skipped " << s.skipped << " unmappable\n";
  if (s.networks > 0) {
    os << "  MAPE " << text(s.mape, 2) << "%" << (sources.size() > 1 ? " (" + mapes + ")" : "")
       << "\n";
    os << "  within 5%: " << text(100 * s.within5, 1)
       << "%, within 10%: " << text(100 * s.within10, 1) << "%\n";
    os << "  max error " << text(s.max_error_pct, 2) << "%"
       << (s.max_error_network.empty() ? "" : " (" + s.max_error_network + ")") << "\n";
  }
  if (s.random_networks > 0) {
    os << "  random networks: Kendall tau-b " << text(s.kendall_tau, 4) << ", Spearman rho "
       << text(s.spearman_rho, 4) << "\n";
  }
  if (s.timing) {
    os << "  median per network: predict " << text(s.predict_us_median, 1) << " us, simulate "
       << text(s.simulate_us_median, 1) << " us, speed-up " << text(s.speedup_median, 1)
       << "x (thread CPU time)\n";
  }
  for (const auto& k : r.skipped)
    os << "  skipped " << k.network << " (" << k.source << "): " << k.reason << "\n";
  return os.str();
}

}  // namespace accelnas::cal
