#include "nas/report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "calibration/estimator/hw_text.h"
#include "nas/pareto.h"
#include "nas/search.h"
#include "sim/json_text.h"
#include "sim/report.h"
#include "sim/runtime/worker_pool.h"
#include "sim/simulate.h"
#include "workloads/config/error.h"
#include "workloads/config/output_file.h"
#include "workloads/config/units.h"
#include "workloads/loader.h"

namespace accelnas::nas {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string num(double v) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

json num_json(double v) {
  return std::isnan(v) ? json(nullptr) : json(v);
}

const std::string& config_value(const StoredRun& run, const std::string& key,
                                const std::string& path) {
  const auto it = run.config.find(key);
  if (it == run.config.end())
    throw UserError(path + ": the run configuration has no '" + key + "' (corrupt run store?)");
  return it->second;
}

json metrics_json(const Metrics& m) {
  return {{"latency_ms", num_json(m.latency_ms)},
          {"cycles", num_json(m.cycles)},
          {"params", m.params},
          {"macs", m.macs},
          {"peak_activation_bytes", m.peak_activation_bytes},
          {"weight_bytes", m.weight_bytes},
          {"energy_uj", num_json(m.energy_uj)},
          {"accuracy", num_json(m.accuracy)}};
}

const std::vector<std::string> kMetricColumns = {
    "latency_ms",   "cycles",    "params",  "macs", "peak_activation_bytes",
    "weight_bytes", "energy_uj", "accuracy"};

std::vector<std::string> metric_fields(const CandidateRow& r) {
  if (r.status != Status::Ok) return std::vector<std::string>(kMetricColumns.size());
  const Metrics& m = r.metrics;
  return {num(m.latency_ms),
          num(m.cycles),
          std::to_string(m.params),
          std::to_string(m.macs),
          std::to_string(m.peak_activation_bytes),
          std::to_string(m.weight_bytes),
          num(m.energy_uj),
          num(m.accuracy)};
}

class Files {
 public:
  explicit Files(std::string dir) : dir_(std::move(dir)) {}
  // Writes one file of the report through an OutputFile.
  template <class F>
  void write(const std::string& name, F&& body) {
    const std::string path = (fs::path(dir_) / name).string();
    OutputFile out(path);
    body(out.stream());
    out.commit();
    written.push_back(path);
  }
  std::vector<std::string> written;

 private:
  std::string dir_;
};

// Metrics of a verified member with simulated latency (and energy) in place of the predicted.
Metrics simulated_metrics(const CandidateRow& r, const VerifiedRow& v) {
  Metrics m = r.metrics;
  m.latency_ms = v.latency_ms;
  m.cycles = v.cycles;
  m.energy_uj = v.energy_uj;
  return m;
}

}  // namespace

StoredRun read_run(const RunStore& store) {
  StoredRun run;
  run.config = store.config();
  if (run.config.empty())
    throw UserError(store.path() + ": the run store holds no run yet (run `accelnas search`)");
  try {
    run.objectives = parse_objectives(config_value(run, "objectives", store.path()));
    run.plan.batch = units::parse_integer(config_value(run, "batch", store.path()));
    const std::string& p = config_value(run, "precision", store.path());
    if (p != "per layer") {
      Precision prec = Precision::Int8;
      if (!parse_precision(p, prec)) throw UserError("unknown precision '" + p + "'");
      run.plan.precision = prec;
    }
  } catch (const std::exception& e) {
    throw UserError(store.path() + ": a corrupt run configuration (" + e.what() + ")");
  }
  run.hw = cal::hw_from_description(config_value(run, "hw_description", store.path()),
                                    config_value(run, "hw_canonical", store.path()), store.path());
  run.rows = store.candidates();
  run.generations = store.generations(false);
  run.verified = store.verified();
  return run;
}

SearchSpace stored_space(const StoredRun& run) {
  const auto text = run.config.find("space_text");
  const auto source = run.config.find("space_source");
  if (text == run.config.end() || source == run.config.end())
    throw UserError("the run store has no space text (corrupt run store?)");
  return SearchSpace::parse(text->second, source->second, run.hw);
}

void verify_front(const SearchSpace& space, StoredRun& run, std::size_t verify_k, int workers,
                  RunStore& store, const std::function<void(std::size_t, std::size_t)>& progress) {
  std::vector<std::size_t> front = front_rows(run.rows, run.objectives);
  if (verify_k > 0 && front.size() > verify_k) front.resize(verify_k);
  std::set<std::string> done;
  for (const VerifiedRow& v : run.verified) done.insert(v.network_key);
  std::vector<const CandidateRow*> todo;
  for (const std::size_t i : front)
    if (!done.count(run.rows[i].network_key)) todo.push_back(&run.rows[i]);
  if (todo.empty()) return;

  const auto simulate_one = [&](const CandidateRow& r) {
    VerifiedRow v;
    v.network_key = r.network_key;
    try {
      const Decoded d = space.decode(r.encoding);
      if (!d.net) throw UserError("cannot be built any more: " + d.reason);
      if (network_key(*d.net) != r.network_key)
        throw UserError("decodes to another network than the one evaluated");
      const sim::SimResult s = sim::simulate_network(*d.net, run.hw, run.plan);
      v.latency_ms = s.total.latency_ms;
      v.cycles = static_cast<double>(s.total.cycles);
      v.energy_uj = s.total.energy_uj;
    } catch (const std::exception& e) {
      v.status = Status::Failed;
      v.reason = e.what();
    }
    return v;
  };
  // Each result is stored as it arrives, so an interrupted verification resumes where it was.
  if (workers > 1) {
    std::size_t finished = 0;
    runtime::run_in_order(
        "verify", todo.size(), workers,
        [&](std::size_t i) {
          const VerifiedRow v = simulate_one(*todo[i]);
          Evaluation e;
          e.status = v.status;
          e.reason = v.reason;
          e.metrics.latency_ms = v.latency_ms;
          e.metrics.cycles = v.cycles;
          e.metrics.energy_uj = v.energy_uj;
          return evaluation_line(e);
        },
        [&](std::size_t i, const std::string& line) {
          const Evaluation e = parse_evaluation_line(line);
          store.add_verified({{todo[i]->network_key, e.status, e.reason, e.metrics.latency_ms,
                               e.metrics.cycles, e.metrics.energy_uj}});
          if (progress) progress(++finished, todo.size());
        });
  } else {
    for (std::size_t i = 0; i < todo.size(); ++i) {
      store.add_verified({simulate_one(*todo[i])});
      if (progress) progress(i + 1, todo.size());
    }
  }
  run.verified = store.verified();
}

ReportFiles write_report(const std::string& dir, const SearchSpace& space, const StoredRun& run) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "networks", ec);
  if (ec || !fs::is_directory(fs::path(dir) / "networks"))
    throw UserError(dir + ": cannot create the report directory" +
                    (ec ? " (" + ec.message() + ")" : std::string()));
  Files files(dir);
  const std::vector<CandidateRow>& rows = run.rows;
  const std::vector<Objective>& objectives = run.objectives;
  const std::vector<std::size_t> front = front_rows(rows, objectives);
  std::map<std::string, const VerifiedRow*> verified;
  for (const VerifiedRow& v : run.verified) verified[v.network_key] = &v;
  const std::set<std::size_t> on_front(front.begin(), front.end());

  // networks/: every front network as YAML, loadable by `simulate --model`.
  std::map<std::size_t, std::string> network_file;
  for (std::size_t k = 0; k < front.size(); ++k) {
    const CandidateRow& r = rows[front[k]];
    const Decoded d = space.decode(r.encoding);
    if (!d.net) continue;
    wl::Network net = *d.net;
    net.name = space.name() + "_" + std::to_string(r.id);
    const std::string name =
        "networks/front" + std::to_string(k + 1) + "_candidate" + std::to_string(r.id) + ".yaml";
    files.write(name, [&](std::ostream& os) { os << wl::to_yaml(net); });
    network_file[front[k]] = name;
  }

  // Verification over the front.
  json verification = json::object();
  std::vector<std::size_t> checked;  // front members with a successful simulation
  double sum_abs = 0, max_abs = 0;
  for (const std::size_t i : front) {
    const auto it = verified.find(rows[i].network_key);
    if (it == verified.end() || it->second->status != Status::Ok) continue;
    checked.push_back(i);
    const double err = 100.0 * (rows[i].metrics.latency_ms / it->second->latency_ms - 1.0);
    sum_abs += std::abs(err);
    max_abs = std::max(max_abs, std::abs(err));
  }
  std::vector<std::int64_t> dominated_under_sim, sim_front_ids;
  bool order_changed = false;
  if (!checked.empty()) {
    std::vector<Point> sim_points;
    for (const std::size_t i : checked)
      sim_points.push_back(objective_values(
          objectives, simulated_metrics(rows[i], *verified.at(rows[i].network_key))));
    const std::vector<std::size_t> sim_front = pareto_front(sim_points);
    std::set<std::size_t> kept(sim_front.begin(), sim_front.end());
    for (std::size_t k = 0; k < checked.size(); ++k) {
      if (kept.count(k)) {
        sim_front_ids.push_back(rows[checked[k]].id);
      } else {
        dominated_under_sim.push_back(rows[checked[k]].id);
      }
    }
    std::vector<std::size_t> by_pred = checked, by_sim = checked;
    std::stable_sort(by_pred.begin(), by_pred.end(), [&](std::size_t a, std::size_t b) {
      return rows[a].metrics.latency_ms < rows[b].metrics.latency_ms;
    });
    std::stable_sort(by_sim.begin(), by_sim.end(), [&](std::size_t a, std::size_t b) {
      return verified.at(rows[a].network_key)->latency_ms <
             verified.at(rows[b].network_key)->latency_ms;
    });
    order_changed = by_pred != by_sim || !dominated_under_sim.empty();
  }
  std::int64_t failed_verifications = 0;
  for (const std::size_t i : front) {
    const auto it = verified.find(rows[i].network_key);
    if (it != verified.end() && it->second->status != Status::Ok) ++failed_verifications;
  }
  verification = {
      {"front", front.size()},
      {"verified", checked.size()},
      {"failed", failed_verifications},
      {"latency_mape_pct", checked.empty() ? json(nullptr) : json(sum_abs / checked.size())},
      {"latency_max_abs_error_pct", checked.empty() ? json(nullptr) : json(max_abs)},
      {"order_changed", order_changed},
      {"dominated_under_simulation", dominated_under_sim},
      {"front_under_simulation", sim_front_ids}};

  // pareto.csv
  files.write("pareto.csv", [&](std::ostream& os) {
    std::vector<std::string> head = {"rank", "candidate", "encoding", "arch"};
    for (const Objective o : objectives)
      head.push_back(std::string("objective_") + objective_name(o));
    head.insert(head.end(), kMetricColumns.begin(), kMetricColumns.end());
    for (const char* c : {"simulated_latency_ms", "simulated_cycles", "simulated_energy_uj",
                          "latency_error_pct", "network_file"})
      head.push_back(c);
    sim::write_csv_row(os, head);
    for (std::size_t k = 0; k < front.size(); ++k) {
      const CandidateRow& r = rows[front[k]];
      std::vector<std::string> f = {std::to_string(k + 1), std::to_string(r.id),
                                    encoding_text(r.encoding), r.arch};
      for (const double v : objective_values(objectives, r.metrics)) f.push_back(num(v));
      for (auto& m : metric_fields(r)) f.push_back(std::move(m));
      const auto it = verified.find(r.network_key);
      if (it != verified.end() && it->second->status == Status::Ok) {
        f.push_back(num(it->second->latency_ms));
        f.push_back(num(it->second->cycles));
        f.push_back(num(it->second->energy_uj));
        f.push_back(num(100.0 * (r.metrics.latency_ms / it->second->latency_ms - 1.0)));
      } else {
        f.insert(f.end(), 4, "");
      }
      f.push_back(network_file.count(front[k]) ? network_file.at(front[k]) : "");
      sim::write_csv_row(os, f);
    }
  });

  // candidates.csv
  std::int64_t duplicates = 0, cannot_build = 0, failed = 0, feasible = 0;
  files.write("candidates.csv", [&](std::ostream& os) {
    std::vector<std::string> head = {"candidate", "generation",   "encoding",    "status",
                                     "reason",    "duplicate_of", "network_key", "arch"};
    head.insert(head.end(), kMetricColumns.begin(), kMetricColumns.end());
    for (const char* c : {"violation", "score", "feasible", "on_front"}) head.push_back(c);
    sim::write_csv_row(os, head);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const CandidateRow& r = rows[i];
      if (r.duplicate_of >= 0) {
        ++duplicates;
      } else if (r.status == Status::CannotBuild) {
        ++cannot_build;
      } else if (r.status == Status::Failed) {
        ++failed;
      } else if (r.violation == 0) {
        ++feasible;
      }
      std::vector<std::string> f = {std::to_string(r.id),
                                    std::to_string(r.generation),
                                    encoding_text(r.encoding),
                                    status_name(r.status),
                                    r.reason,
                                    r.duplicate_of >= 0 ? std::to_string(r.duplicate_of) : "",
                                    r.network_key,
                                    r.arch};
      for (auto& m : metric_fields(r)) f.push_back(std::move(m));
      const bool ok = r.status == Status::Ok;
      f.push_back(ok ? num(r.violation) : "");
      f.push_back(ok ? num(r.score) : "");
      f.push_back(ok && r.violation == 0 ? "1" : "0");
      f.push_back(on_front.count(i) ? "1" : "0");
      sim::write_csv_row(os, f);
    }
  });

  // history.csv: the best feasible value of each objective and the normalised hypervolume after
  // each generation (at most ~200 points, evenly spread, and the last generation).
  Point lo, hi;
  for (const CandidateRow& r : rows) {
    if (r.status != Status::Ok || r.duplicate_of >= 0 || r.violation != 0) continue;
    const Point p = objective_values(objectives, r.metrics);
    if (lo.empty()) lo = hi = p;
    for (std::size_t d = 0; d < p.size(); ++d) {
      lo[d] = std::min(lo[d], p[d]);
      hi[d] = std::max(hi[d], p[d]);
    }
  }
  const auto scaled = [&](const Point& p) {
    Point q(p.size());
    for (std::size_t d = 0; d < p.size(); ++d)
      q[d] = hi[d] > lo[d] ? (p[d] - lo[d]) / (hi[d] - lo[d]) : 0.0;
    return q;
  };
  double final_hv = 0;
  files.write("history.csv", [&](std::ostream& os) {
    std::vector<std::string> head = {"generation", "candidates", "evaluations"};
    for (const Objective o : objectives) head.push_back(std::string("best_") + objective_name(o));
    head.push_back("hypervolume");
    sim::write_csv_row(os, head);
    std::vector<Point> front_pts;
    Point best;
    std::size_t at = 0;
    const std::size_t n = run.generations.size();
    const std::size_t step = std::max<std::size_t>(1, n / 200);
    for (std::size_t g = 0; g < n; ++g) {
      const GenerationRow& gen = run.generations[g];
      for (; at < rows.size() && rows[at].id < gen.candidates; ++at) {
        const CandidateRow& r = rows[at];
        if (r.status != Status::Ok || r.duplicate_of >= 0 || r.violation != 0) continue;
        const Point p = objective_values(objectives, r.metrics);
        if (best.empty()) best = p;
        for (std::size_t d = 0; d < p.size(); ++d) best[d] = std::min(best[d], p[d]);
        insert_into_front(front_pts, scaled(p));
      }
      if (g % step != 0 && g + 1 != n) continue;
      const double hv = hypervolume(front_pts, Point(objectives.size(), 1.1));
      final_hv = hv;
      std::vector<std::string> f = {std::to_string(gen.generation), std::to_string(gen.candidates),
                                    std::to_string(gen.evaluations)};
      for (std::size_t d = 0; d < objectives.size(); ++d)
        f.push_back(best.empty() ? ""
                                 : num(objectives[d] == Objective::Accuracy ? -best[d] : best[d]));
      f.push_back(num(hv));
      sim::write_csv_row(os, f);
    }
  });

  // summary.json
  json front_json = json::array();
  for (std::size_t k = 0; k < front.size(); ++k) {
    const CandidateRow& r = rows[front[k]];
    json m = {{"rank", k + 1},
              {"candidate", r.id},
              {"encoding", encoding_text(r.encoding)},
              {"arch", r.arch},
              {"metrics", metrics_json(r.metrics)},
              {"network_file",
               network_file.count(front[k]) ? json(network_file.at(front[k])) : json(nullptr)}};
    const auto it = verified.find(r.network_key);
    if (it != verified.end()) {
      const VerifiedRow& v = *it->second;
      m["simulated"] =
          v.status == Status::Ok
              ? json{{"latency_ms", num_json(v.latency_ms)},
                     {"cycles", num_json(v.cycles)},
                     {"energy_uj", num_json(v.energy_uj)},
                     {"latency_error_pct", 100.0 * (r.metrics.latency_ms / v.latency_ms - 1.0)}}
              : json{{"failed", v.reason}};
    }
    front_json.push_back(std::move(m));
  }
  json config = json::object();
  for (const auto& [k, v] : run.config) {
    if (k == "space_text" || k == "hw_description" || k == "hw_canonical") continue;
    config[k] = v;
  }
  json summary = {{"run", config},
                  {"objectives", objectives_text(objectives)},
                  {"candidates", rows.size()},
                  {"evaluations", rows.size() - static_cast<std::size_t>(duplicates)},
                  {"duplicates", duplicates},
                  {"cannot_build", cannot_build},
                  {"failed", failed},
                  {"feasible", feasible},
                  {"generations", run.generations.size()},
                  {"hypervolume", final_hv},
                  {"front", front_json},
                  {"verification", verification}};
  const auto base = run.config.find("base_metrics");
  if (base != run.config.end()) {
    try {
      summary["base"] = json::parse(base->second);
    } catch (const json::exception&) {
    }
  }
  files.write("summary.json", [&](std::ostream& os) { os << sim::json_text(summary, 2) << "\n"; });
  return ReportFiles{files.written, summary};
}

}  // namespace accelnas::nas
