#include "nas/search.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "calibration/estimator/hw_text.h"
#include "nas/pareto.h"
#include "workloads/config/error.h"

namespace accelnas::nas {
namespace {

using json = nlohmann::json;

struct Built {
  std::optional<wl::Network> net;
  std::string key, arch, reason;
};

// Decodes batch[i] for every i in `which` (OpenMP; SearchSpace::decode is pure) and keys each
// built network; the other entries stay empty.
std::vector<Built> decode_batch(const SearchSpace& space, const std::vector<Encoding>& batch,
                                const std::vector<std::size_t>& which, int threads) {
  std::vector<Built> out(batch.size());
  const auto n = static_cast<std::int64_t>(which.size());
#pragma omp parallel for schedule(dynamic, 4) num_threads(std::max(1, threads))
  for (std::int64_t k = 0; k < n; ++k) {
    const std::size_t i = which[static_cast<std::size_t>(k)];
    Built& b = out[i];
    try {
      Decoded d = space.decode(batch[i]);
      b.arch = std::move(d.arch);
      if (d.net) {
        b.key = network_key(*d.net);
        b.net = std::move(d.net);
      } else {
        b.reason = d.reason.empty() ? "the candidate cannot be built" : d.reason;
      }
    } catch (const std::exception& e) {  // decode promises not to throw; keep the run alive
      b.net.reset();
      b.reason = e.what();
    }
  }
  return out;
}

Result result_of(const CandidateRow& r, const std::vector<Objective>& objectives) {
  Result res;
  res.status = r.status;
  if (r.status == Status::Ok) {
    res.objectives = objective_values(objectives, r.metrics);
    res.violation = r.violation;
    res.score = r.score;
  }
  return res;
}

bool feasible_ok(const CandidateRow& r) {
  return r.status == Status::Ok && r.duplicate_of < 0 && r.violation == 0;
}

// Hypervolume of the front scaled to [lo, hi] per objective (reference 1.1 per axis).
double normalised_hypervolume(const std::vector<Point>& front, const Point& lo, const Point& hi) {
  if (front.empty()) return 0;
  std::vector<Point> scaled;
  for (const Point& p : front) {
    Point q(p.size());
    for (std::size_t d = 0; d < p.size(); ++d)
      q[d] = hi[d] > lo[d] ? (p[d] - lo[d]) / (hi[d] - lo[d]) : 0.0;
    scaled.push_back(std::move(q));
  }
  return hypervolume(scaled, Point(lo.size(), 1.1));
}

}  // namespace

std::map<std::string, std::string> run_info(const SearchSpace& space, const EvalContext& ctx) {
  std::map<std::string, std::string> info = {
      {"space_name", space.name()},
      {"space_source", space.source()},
      {"space_text", space.text()},
      {"hw_name", ctx.hw->name},
      {"hw_description", cal::hw_description_json(*ctx.hw)},
      {"hw_canonical", cal::hw_canonical_text(*ctx.hw)},
  };
  if (const wl::Network* base = space.base_network()) {
    const Evaluation e = evaluate_batch({base}, ctx).front();
    json j = {{"encoding", encoding_text(*space.base_encoding())},
              {"status", status_name(e.status)}};
    if (e.status == Status::Ok) {
      j["latency_ms"] = e.metrics.latency_ms;
      j["params"] = e.metrics.params;
      j["macs"] = e.metrics.macs;
      j["peak_activation_bytes"] = e.metrics.peak_activation_bytes;
      if (!std::isnan(e.metrics.accuracy)) j["accuracy"] = e.metrics.accuracy;
      if (!std::isnan(e.metrics.energy_uj)) j["energy_uj"] = e.metrics.energy_uj;
    } else {
      j["reason"] = e.reason;
    }
    info["base_metrics"] = j.dump();
  }
  return info;
}

std::map<std::string, std::string> run_identity(const SearchSpace& space, const EvalContext& ctx,
                                                const std::string& estimator_hash,
                                                const SearchOptions& opt,
                                                const std::map<std::string, std::string>& params) {
  json p = json::object();
  for (const auto& [k, v] : params) p[k] = v;
  return {
      {"space", space.name() + " " + space.hash()},
      {"hardware", cal::hardware_record(*ctx.hw).hash},
      {"score", ctx.mode == ScoreMode::Sim ? "sim" : "estimator"},
      {"estimator", ctx.mode == ScoreMode::Sim ? "none" : estimator_hash},
      {"strategy", opt.strategy + " " + p.dump()},
      {"seed", std::to_string(opt.seed)},
      {"objectives", objectives_text(opt.objectives)},
      {"constraints", opt.constraints.to_json().dump()},
      {"evaluator", opt.evaluator},
      {"reward", opt.reward.to_json().dump()},
      {"batch", std::to_string(ctx.plan.batch)},
      {"precision", ctx.plan.precision ? precision_name(*ctx.plan.precision) : "per layer"},
  };
}

std::vector<std::size_t> front_rows(const std::vector<CandidateRow>& rows,
                                    const std::vector<Objective>& objectives) {
  std::vector<std::size_t> ids;
  std::vector<Point> points;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!feasible_ok(rows[i])) continue;
    ids.push_back(i);
    points.push_back(objective_values(objectives, rows[i].metrics));
  }
  std::vector<std::size_t> out;
  for (const std::size_t k : pareto_front(points)) out.push_back(k);
  // Sorted by the objectives, then id; of networks with equal objective values (e.g. choices
  // that change nothing the objectives see) the first found stands for them.
  std::sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
    return points[a] != points[b] ? points[a] < points[b] : ids[a] < ids[b];
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [&](std::size_t a, std::size_t b) { return points[a] == points[b]; }),
            out.end());
  for (std::size_t& k : out) k = ids[k];
  return out;
}

SearchResult run_search(const SearchSpace& space, const EvalContext& ctx,
                        const std::string& estimator_hash, RunStore& store,
                        const SearchOptions& opt,
                        const std::function<void(const SearchProgress&)>& progress) {
  if (opt.evaluations < 1) throw UserError("--evaluations: expected an integer >= 1");
  StrategyContext sctx;
  sctx.cardinalities = space.cardinalities();
  sctx.base = space.base_encoding();
  sctx.seed = opt.seed;
  sctx.params = opt.strategy_params;
  std::unique_ptr<Strategy> strategy = make_strategy(opt.strategy, sctx);
  store.open_run(run_identity(space, ctx, estimator_hash, opt, strategy->params()),
                 run_info(space, ctx));

  SearchResult result;
  result.rows = store.candidates();
  std::vector<CandidateRow>& rows = result.rows;
  std::int64_t generation = 0;
  std::int64_t evaluations = 0;
  if (const auto last = store.last_generation()) {
    if (last->candidates != static_cast<std::int64_t>(rows.size())) {
      throw UserError(store.path() + ": generation " + std::to_string(last->generation) +
                      " records " + std::to_string(last->candidates) +
                      " candidates but the store holds " + std::to_string(rows.size()) +
                      " (corrupt run store?)");
    }
    json state;
    try {
      state = json::parse(last->state);
    } catch (const json::exception&) {
      throw UserError(store.path() + ": the strategy state of generation " +
                      std::to_string(last->generation) + " is not JSON (corrupt run store?)");
    }
    strategy->restore(state);
    generation = last->generation + 1;
    evaluations = last->evaluations;
  } else if (!rows.empty()) {
    throw UserError(store.path() + ": candidates without a generation record (corrupt run store?)");
  }
  result.resumed_at = evaluations;

  // Deduplication: by the architecture text first (the same text builds the same network, and
  // costs no decode), then by the built network's key.
  std::unordered_map<std::string, std::int64_t> by_arch, by_network;
  SearchProgress prog;
  prog.budget = opt.evaluations;
  prog.resumed_at = evaluations;
  // The progress front: kept incrementally (the front of the front and the new points), with
  // the ranges of every feasible point for its normalisation.
  std::vector<Point> front_points, new_points;
  Point lo, hi;
  const auto account = [&](const CandidateRow& r) {
    if (r.duplicate_of >= 0) {
      ++prog.duplicates;
      return;
    }
    if (r.status == Status::CannotBuild) ++prog.cannot_build;
    if (r.status == Status::Failed) ++prog.failed;
    if (!feasible_ok(r)) return;
    ++prog.feasible;
    Point p = objective_values(opt.objectives, r.metrics);
    if (prog.best.empty()) prog.best = lo = hi = p;
    for (std::size_t d = 0; d < p.size(); ++d) {
      prog.best[d] = lo[d] = std::min(lo[d], p[d]);
      hi[d] = std::max(hi[d], p[d]);
    }
    new_points.push_back(std::move(p));
  };
  const auto update_front = [&] {
    for (Point& p : new_points) insert_into_front(front_points, std::move(p));
    new_points.clear();
  };
  for (const CandidateRow& r : rows) {
    by_arch.emplace(r.arch, r.id);
    if (!r.network_key.empty()) by_network.emplace(r.network_key, r.id);
    account(r);
  }

  // Generations in a row without a new network, counted from the store too, so that a resumed
  // run stops where the uninterrupted one would.
  std::int64_t stalled = 0;
  {
    const std::vector<GenerationRow> gens = store.generations(false);
    for (std::size_t g = gens.size(); g > 0; --g) {
      const std::int64_t before = g >= 2 ? gens[g - 2].evaluations : 0;
      if (gens[g - 1].evaluations != before) break;
      ++stalled;
    }
  }
  const auto stall_reason = [&] {
    return "stalled (" + std::to_string(stalled) +
           " generations in a row without a new network: the strategy has exhausted what it "
           "reaches of the space)";
  };
  std::chrono::steady_clock::time_point front_time{};
  result.stop = "budget";
  if (stalled >= opt.stall_generations && evaluations < opt.evaluations)
    result.stop = stall_reason();
  while (evaluations < opt.evaluations && stalled < opt.stall_generations) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::int64_t>(
        static_cast<std::int64_t>(strategy->batch_size()), opt.evaluations - evaluations));
    const std::vector<Encoding> batch = strategy->ask(want);
    if (batch.empty()) {
      result.stop = "strategy finished";
      break;
    }
    if (batch.size() > want) {
      throw UserError("search: strategy " + opt.strategy + " asked " +
                      std::to_string(batch.size()) + " candidates where at most " +
                      std::to_string(want) + " were wanted");
    }
    for (const Encoding& e : batch) {
      if (!space.valid(e)) {
        throw UserError("search: strategy " + opt.strategy + " asked for candidate " +
                        encoding_text(e) + ", which is not in space " + space.name());
      }
    }
    // Architectures, in parallel; the first candidate of each new architecture is decoded.
    std::vector<std::string> archs(batch.size());
    const auto n_batch = static_cast<std::int64_t>(batch.size());
#pragma omp parallel for schedule(dynamic, 8) num_threads(std::max(1, ctx.threads))
    for (std::int64_t i = 0; i < n_batch; ++i)
      archs[static_cast<std::size_t>(i)] = space.arch(batch[static_cast<std::size_t>(i)]);
    std::vector<std::int64_t> dup(batch.size(), -1);
    std::vector<std::size_t> to_decode;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto id = static_cast<std::int64_t>(rows.size() + i);
      const auto [it, inserted] = by_arch.emplace(archs[i], id);
      if (inserted) {
        to_decode.push_back(i);
      } else {
        dup[i] = it->second;
      }
    }
    std::vector<Built> built = decode_batch(space, batch, to_decode, ctx.threads);

    // Rows in ask order (ids are consecutive: row i of the batch is rows.size() + i); new
    // networks to evaluate, in order.
    std::vector<CandidateRow> fresh;
    std::vector<const wl::Network*> to_eval;
    std::vector<std::size_t> eval_row;
    std::int64_t new_evaluations = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      CandidateRow r;
      r.id = static_cast<std::int64_t>(rows.size() + i);
      r.generation = generation;
      r.encoding = batch[i];
      r.arch = archs[i];
      r.duplicate_of = dup[i];
      if (r.duplicate_of < 0 && built[i].net) {
        r.network_key = built[i].key;
        const auto [it, inserted] = by_network.emplace(r.network_key, r.id);
        if (!inserted) r.duplicate_of = it->second;
      }
      if (r.duplicate_of < 0) {
        ++new_evaluations;
        if (!built[i].net) {
          r.status = Status::CannotBuild;
          r.reason = built[i].reason;
        } else {
          eval_row.push_back(fresh.size());
          to_eval.push_back(&*built[i].net);
        }
      }
      fresh.push_back(std::move(r));
    }
    const std::vector<Evaluation> evals = evaluate_batch(to_eval, ctx);
    for (std::size_t k = 0; k < evals.size(); ++k) {
      CandidateRow& r = fresh[eval_row[k]];
      r.status = evals[k].status;
      r.reason = evals[k].reason;
      if (r.status == Status::Ok) {
        r.metrics = evals[k].metrics;
        r.violation = violation(opt.constraints, r.metrics, *ctx.hw);
        r.score = score(opt.reward, opt.objectives, r.metrics);
      }
    }
    // Duplicates repeat the first occurrence's results (stored, or earlier in this batch).
    const auto row_by_id = [&](std::int64_t id) -> const CandidateRow& {
      const auto stored = static_cast<std::int64_t>(rows.size());
      return id < stored ? rows[static_cast<std::size_t>(id)]
                         : fresh[static_cast<std::size_t>(id - stored)];
    };
    for (CandidateRow& r : fresh) {
      if (r.duplicate_of < 0) continue;
      const CandidateRow& f = row_by_id(r.duplicate_of);
      r.network_key = f.network_key;
      r.status = f.status;
      r.reason = f.reason;
      r.metrics = f.metrics;
      r.violation = f.violation;
      r.score = f.score;
    }
    for (const CandidateRow& r : fresh) strategy->tell(r.encoding, result_of(r, opt.objectives));
    strategy->end_generation();
    evaluations += new_evaluations;
    GenerationRow g;
    g.generation = generation;
    g.candidates = static_cast<std::int64_t>(rows.size() + fresh.size());
    g.evaluations = evaluations;
    g.state = strategy->state().dump();
    store.commit_generation(fresh, g);
    for (CandidateRow& r : fresh) {
      account(r);
      rows.push_back(std::move(r));
    }

    if (progress) {
      prog.generation = generation;
      prog.candidates = static_cast<std::int64_t>(rows.size());
      prog.evaluations = evaluations;
      // The front and its hypervolume are for people: refreshed at most every half second.
      const auto now = std::chrono::steady_clock::now();
      if (now - front_time > std::chrono::milliseconds(500) || evaluations >= opt.evaluations) {
        front_time = now;
        update_front();
        prog.front = front_points.size();
        prog.hypervolume = normalised_hypervolume(front_points, lo, hi);
      }
      progress(prog);
    }
    ++generation;
    stalled = new_evaluations == 0 ? stalled + 1 : 0;
    if (stalled >= opt.stall_generations) {
      result.stop = stall_reason();
      break;
    }
  }
  result.evaluations = evaluations;
  return result;
}

}  // namespace accelnas::nas
