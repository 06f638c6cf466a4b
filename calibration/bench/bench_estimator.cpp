// Prediction speed of the latency estimator, on one core: median microseconds per network for
// mobilenet_v2 and for a population of varied networks (every zoo network at its defaults plus
// width / resolution variants of mobilenet_v2), with the prediction cache cold (emptied before
// each timed run), warm (the same networks predicted once before; mobilenet_v2 as a batch of 16
// copies, so the per-call cost is shared as in a population), and disabled, and the speed-up over
// simulating the same networks with the SystemC model (sim::simulate_network, elaborated once per
// process: the first run is excluded from the timing; median of 7). The reference rows
// are Estimator::predict_reference, the path predict() took before it had a cache.
//
// Usage: accelnas_bench_estimator (--estimator FILE | --labels DB [--hw-hash HASH]
//                                  [--rounds N] [--save FILE]) [--reps N] [--sim-population]
//                                  [--net-space NAME|YAML ...]
//                                  [--profile-loops N [--profile-cold]]
// Times are CPU time of the predicting thread.
// --labels fits a small estimator in-process first (not timed): the forest's size changes the
// cold figures, so prefer --estimator with the estimator the search uses.
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "calibration/estimator/estimator.h"
#include "calibration/labels/label_db.h"
#include "calibration/labels/net_space.h"
#include "sim/simulate.h"
#include "workloads/config/error.h"
#include "workloads/zoo/zoo.h"

namespace {

using namespace accelnas;

struct Args {
  std::string estimator, labels, hw_hash, save;
  std::vector<std::string> net_spaces;  // of the first-sight rows: presets or YAML files
  int rounds = 300;
  int reps = 21;
  bool sim_population = false;
  int profile_loops = 0;      // > 0: only predict the population this many times (for perf)
  bool profile_cold = false;  // ... emptying the cache before each
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UserError(k + ": expected a value");
      return argv[++i];
    };
    if (k == "--estimator") {
      a.estimator = value();
    } else if (k == "--labels") {
      a.labels = value();
    } else if (k == "--save") {
      a.save = value();
    } else if (k == "--net-space") {
      a.net_spaces.push_back(value());
    } else if (k == "--hw-hash") {
      a.hw_hash = value();
    } else if (k == "--rounds") {
      a.rounds = std::stoi(value());
    } else if (k == "--reps") {
      a.reps = std::max(1, std::stoi(value()));
    } else if (k == "--profile-loops") {
      a.profile_loops = std::stoi(value());
    } else if (k == "--profile-cold") {
      a.profile_cold = true;
    } else if (k == "--sim-population") {
      a.sim_population = true;
    } else {
      throw UserError("unknown argument " + k);
    }
  }
  if (a.net_spaces.empty()) a.net_spaces.push_back("mobilenet");
  if (a.estimator.empty() == a.labels.empty())
    throw UserError("give one of --estimator FILE or --labels DB");
  return a;
}

cal::Estimator make_estimator(const Args& a) {
  if (!a.estimator.empty()) return cal::Estimator::load(a.estimator);
  const cal::LabelDb db(a.labels, cal::LabelDb::Mode::ReadOnly);
  std::string hash = a.hw_hash;
  if (hash.empty()) {
    if (db.hardware().empty()) throw UserError(a.labels + ": no hardware");
    hash = db.hardware().front().hash;
  }
  cal::FitOptions o;
  o.rounds = a.rounds;
  o.layout = cal::ModelLayout::PerType;
  std::fprintf(stderr, "fitting %d rounds on %s (not timed)...\n", a.rounds, a.labels.c_str());
  return cal::fit(db, hash, o);
}

std::vector<wl::Network> population() {
  std::vector<wl::Network> nets;
  for (const wl::ZooEntry& e : wl::zoo_entries()) nets.push_back(wl::build_zoo(e.name));
  for (const char* width : {"0.35", "0.5", "0.75", "1.0", "1.3", "1.4"})
    for (const char* res : {"96", "128", "160", "192", "224"})
      nets.push_back(
          wl::build_zoo(std::string("mobilenet_v2:width=") + width + ",resolution=" + res));
  return nets;
}

// CPU time of the calling thread (predict_batch runs on it with one OpenMP thread): other
// processes sharing the machine do not inflate it the way they inflate wall time.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double seconds_of(const std::function<void()>& fn) {
  const double t0 = thread_seconds();
  fn();
  return thread_seconds() - t0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Median over `reps` runs of µs per network; `before` runs untimed ahead of each run.
double us_per_net(int reps, std::size_t nets, const std::function<void()>& before,
                  const std::function<void()>& run) {
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    before();
    t.push_back(seconds_of(run) * 1e6 / static_cast<double>(nets));
  }
  return median(t);
}

constexpr int kFirstSightNetworks = 300;

struct FirstSight {
  std::string name;
  double predict_us = 0, simulate_us = 0;  // per network
  double unit_hit_percent = 0, layer_hit_percent = 0;
  std::size_t mapped = 0;
};

double percent(std::int64_t hits, std::int64_t misses) {
  return 100.0 * static_cast<double>(hits) /
         static_cast<double>(std::max<std::int64_t>(1, hits + misses));
}

// Networks seen for the first time: random networks of a net space, predicted in one batch from
// an empty cache that fills as it goes (a zero-shot scan of a search space), against simulating
// the same networks (the unmappable ones are left out of the simulation mean).
FirstSight first_sight(cal::Estimator& est, const sim::PlanOptions& opt, const std::string& space) {
  FirstSight f;
  const cal::NetSampler sampler(cal::load_net_space(space), est.hw().parallelism_factor, 7);
  f.name = sampler.space().name;
  std::vector<wl::Network> nets;
  for (int i = 0; i < kFirstSightNetworks; ++i)
    nets.push_back(sampler.sample(static_cast<std::uint64_t>(i)));
  for (const wl::Network& n : nets) {
    try {
      f.simulate_us += seconds_of([&] { sim::simulate_network(n, est.hw(), opt); }) * 1e6;
      ++f.mapped;
    } catch (const UserError&) {
    }
  }
  f.simulate_us /= static_cast<double>(std::max<std::size_t>(1, f.mapped));
  est.set_cache_capacity(32768, 65536);
  f.predict_us =
      seconds_of([&] { est.predict_batch(nets, opt); }) * 1e6 / static_cast<double>(nets.size());
  const cal::PredictionCacheStats st = est.cache_stats();
  f.unit_hit_percent = percent(st.unit_hits, st.unit_misses);
  f.layer_hit_percent = percent(st.layer_hits, st.layer_misses);
  return f;
}

void row(const char* what, double us, double sim_us) {
  std::printf("| %-34s | %12.2f | %14.0f |\n", what, us, sim_us / us);
}

int run(const Args& a) {
  omp_set_num_threads(1);
  cal::Estimator est = make_estimator(a);
  if (!a.save.empty()) est.save(a.save);
  const sim::PlanOptions opt;
  const std::vector<wl::Network> one = {wl::build_zoo("mobilenet_v2")};
  // The warm rows predict batches, as a search does: 16 copies of mobilenet_v2 per call.
  const std::vector<wl::Network> one_batch(16, one[0]);
  const std::vector<wl::Network> pop = population();

  if (a.profile_loops > 0) {
    for (int i = 0; i < a.profile_loops; ++i) {
      if (a.profile_cold) est.clear_cache();
      est.predict_batch(pop, opt);
    }
    return 0;
  }
  // Simulation: elaborate once, then time.
  sim::simulate_network(one[0], est.hw(), opt);
  std::vector<double> sim_t;
  for (int r = 0; r < 7; ++r)
    sim_t.push_back(seconds_of([&] { sim::simulate_network(one[0], est.hw(), opt); }));
  const double sim_one_us = median(sim_t) * 1e6;
  double sim_pop_us = 0;
  if (a.sim_population) {
    double total = 0;
    for (const wl::Network& n : pop)
      total += seconds_of([&] { sim::simulate_network(n, est.hw(), opt); });
    sim_pop_us = total * 1e6 / static_cast<double>(pop.size());
  }

  auto batch = [&](const std::vector<wl::Network>& nets) {
    return [&est, &nets, &opt] {
      for (const cal::NetworkPrediction& p : est.predict_batch(nets, opt))
        if (!p.error.empty()) throw UserError(p.error);
    };
  };
  auto reference = [&](const std::vector<wl::Network>& nets) {
    return [&est, &nets, &opt] {
      for (const wl::Network& n : nets) est.predict_reference(n, opt);
    };
  };
  auto nothing = [] {};
  auto clear = [&] { est.clear_cache(); };
  const int reps = a.reps;

  const double one_ref = us_per_net(reps, 1, nothing, reference(one));
  const double pop_ref = us_per_net(std::max(3, reps / 4), pop.size(), nothing, reference(pop));
  // mobilenet_v2
  const double one_cold = us_per_net(reps, 1, clear, batch(one));
  batch(one)();
  const double one_warm = us_per_net(reps, one_batch.size(), nothing, batch(one_batch));
  // population
  const double pop_cold = us_per_net(std::max(3, reps / 4), pop.size(), clear, batch(pop));
  batch(pop)();
  const double pop_warm = us_per_net(reps, pop.size(), nothing, batch(pop));
  const cal::PredictionCacheStats stats = est.cache_stats();
  // no cache at all
  est.set_cache_capacity(0, 0);
  const double one_off = us_per_net(reps, one_batch.size(), nothing, batch(one_batch));
  const double pop_off = us_per_net(std::max(3, reps / 4), pop.size(), nothing, batch(pop));

  std::vector<FirstSight> first;
  for (const std::string& space : a.net_spaces) first.push_back(first_sight(est, opt, space));

  std::size_t units = 0;
  for (const cal::NetworkPrediction& p : est.predict_batch(pop, opt)) units += p.units.size();
  std::printf(
      "hardware %s, %zu-network population (%zu units; %zu distinct units, %zu distinct "
      "layer jobs), 1 thread, thread CPU time, median of %d runs\n\n",
      est.hw().name.c_str(), pop.size(), units, stats.units, stats.layers, reps);
  std::printf("| %-34s | %12s | %14s |\n", "predict (predict_batch)", "us / network",
              "x simulation");
  std::printf("|%s|%s|%s|\n", std::string(36, '-').c_str(), std::string(14, '-').c_str(),
              std::string(16, '-').c_str());
  row("mobilenet_v2, reference path", one_ref, sim_one_us);
  row("mobilenet_v2 x16, cache off", one_off, sim_one_us);
  row("mobilenet_v2, cold cache", one_cold, sim_one_us);
  row("mobilenet_v2 x16, warm cache", one_warm, sim_one_us);
  const double sim_pop = a.sim_population ? sim_pop_us : sim_one_us;
  row("population, reference path", pop_ref, sim_pop);
  row("population, cache off", pop_off, sim_pop);
  row("population, cold cache", pop_cold, sim_pop);
  row("population, warm cache", pop_warm, sim_pop);
  for (const FirstSight& f : first)
    row(("first sight: " + f.name).c_str(), f.predict_us, f.simulate_us);
  std::printf("\n");
  for (const FirstSight& f : first) {
    std::printf(
        "first sight: %d random networks of net space %s (seed 7), one batch from an empty "
        "cache: %.0f%% unit hits, %.0f%% layer-job hits; simulating them: %.0f us per network "
        "(%zu mappable)\n",
        kFirstSightNetworks, f.name.c_str(), f.unit_hit_percent, f.layer_hit_percent, f.simulate_us,
        f.mapped);
  }
  std::printf("simulation (sim::simulate_network, 1 thread): mobilenet_v2 %.0f us", sim_one_us);
  if (a.sim_population) {
    std::printf(", population mean %.0f us per network\n", sim_pop_us);
  } else {
    std::printf(
        "\n(population rows compare with mobilenet_v2's simulation time; "
        "--sim-population simulates every network)\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_args(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "accelnas_bench_estimator: %s\n", e.what());
    return 1;
  }
}
