// NSGA-II: Deb, Pratap, Agarwal and Meyarivan, "A Fast and Elitist Multiobjective Genetic
// Algorithm: NSGA-II", IEEE Trans. Evolutionary Computation 6(2), 2002 -- with constraint
// domination, uniform crossover and per-choice mutation on categorical choices.
#include <algorithm>
#include <limits>
#include <map>
#include <numeric>

#include "nas/pareto.h"
#include "nas/strategies/common.h"
#include "workloads/config/error.h"

namespace accelnas::nas::detail {

namespace {

constexpr const char* kName = "nsga2";
constexpr int kRetries = 4;  // mutations tried before a child equal to a known one is accepted
constexpr std::size_t kUnranked = std::numeric_limits<std::size_t>::max();

class Nsga2 : public Strategy {
 public:
  Nsga2(const StrategyContext& ctx, const StrategyInfo& info)
      : cards_(ctx.cardinalities), seed_(ctx.seed) {
    check_context(ctx, kName);
    population_size_ = static_cast<std::size_t>(
        parse_int_param("population", param_text(ctx, info, "population"), 2, 100000));
    crossover_ = parse_probability_param("crossover", param_text(ctx, info, "crossover"), false);
    mutation_text_ = param_text(ctx, info, "mutation");
    mutation_ = parse_probability_param("mutation", mutation_text_, true);
    if (mutation_ < 0) mutation_ = auto_mutation_probability(cards_);
  }

  std::vector<Encoding> ask(std::size_t n) override {
    const std::size_t count = std::min(n, population_size_);
    std::vector<std::size_t> parents;
    for (std::size_t i = 0; i < population_.size(); ++i)
      if (population_[i].result.status == Status::Ok) parents.push_back(i);
    std::vector<Encoding> out;
    if (parents.empty()) {  // the initial population (or nothing built yet): random
      runtime::Rng rng = step_rng(seed_, generation_, 3);
      for (std::size_t i = 0; i < count; ++i) out.push_back(random_encoding(cards_, rng));
      return out;
    }
    runtime::Rng rng = step_rng(seed_, generation_, 2);
    EncodingSet seen;
    for (const Member& m : population_) seen.insert(m.encoding);
    while (out.size() < count) {
      Encoding a = population_[tournament(parents, rng)].encoding;
      Encoding b = population_[tournament(parents, rng)].encoding;
      if (rng.chance(crossover_)) {
        for (std::size_t d = 0; d < a.size(); ++d)
          if (rng.chance(0.5)) std::swap(a[d], b[d]);
      }
      for (Encoding* crossed : {&a, &b}) {
        if (out.size() == count) break;
        Encoding child;
        for (int attempt = 0; attempt < kRetries; ++attempt) {
          child = *crossed;
          mutate(child, cards_, mutation_, rng, attempt > 0);
          if (!seen.count(child)) break;
        }
        seen.insert(child);
        out.push_back(std::move(child));
      }
    }
    return out;
  }

  void tell(const Encoding& candidate, const Result& result) override {
    told_.push_back({candidate, result});
  }

  void end_generation() override {
    // (mu + lambda): parents and offspring, each network once (the first occurrence).
    std::vector<Member> combined;
    EncodingSet seen;
    for (auto* list : {&population_, &told_})
      for (Member& m : *list)
        if (seen.insert(m.encoding).second) combined.push_back(std::move(m));
    told_.clear();
    select(std::move(combined));
    ++generation_;
  }

  nlohmann::json state() const override {
    return population_state_json(kName, generation_, population_, told_, MemberFields::Objectives);
  }

  void restore(const nlohmann::json& state) override {
    PopulationState restored;
    restore_population_state(state, kName, cards_, MemberFields::Objectives, restored);
    generation_ = restored.generation;
    population_ = std::move(restored.population);
    told_ = std::move(restored.told);
    rank_population();
  }

  std::map<std::string, std::string> params() const override {
    return {{"population", std::to_string(population_size_)},
            {"crossover", probability_text(crossover_)},
            {"mutation", mutation_text_ == "auto" ? "auto" : probability_text(mutation_)}};
  }
  std::size_t batch_size() const override { return population_size_; }

 private:
  // Binary tournament among the built members: lower rank, then larger crowding distance, then
  // the first drawn.
  std::size_t tournament(const std::vector<std::size_t>& parents, runtime::Rng& rng) const {
    const std::size_t a = parents[rng.below(parents.size())];
    const std::size_t b = parents[rng.below(parents.size())];
    if (rank_[b] != rank_[a]) return rank_[b] < rank_[a] ? b : a;
    return crowding_[b] > crowding_[a] ? b : a;
  }

  // Non-dominated sort with constraint domination, the last front cut by crowding distance;
  // failed and cannot_build members only fill what is left. The survivors keep their ranks (a
  // survivor's dominators all survive, so sorting the survivors alone gives the same ranks).
  void select(std::vector<Member> combined) {
    std::vector<std::size_t> built;
    std::vector<std::size_t> broken;
    for (std::size_t i = 0; i < combined.size(); ++i)
      (combined[i].result.status == Status::Ok ? built : broken).push_back(i);
    std::vector<Point> points;
    std::vector<double> violation;
    for (std::size_t i : built) {
      points.push_back(combined[i].result.objectives);
      violation.push_back(combined[i].result.violation);
    }
    population_.clear();
    rank_.clear();
    const auto fronts = nondominated_sort(points, violation);
    for (std::size_t r = 0; r < fronts.size() && population_.size() < population_size_; ++r) {
      const auto& front = fronts[r];
      std::vector<std::size_t> order(front.size());
      std::iota(order.begin(), order.end(), 0);
      if (population_.size() + front.size() > population_size_) {
        const auto crowd = crowding_distance(points, front);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t x, std::size_t y) { return crowd[x] > crowd[y]; });
        order.resize(population_size_ - population_.size());
        std::sort(order.begin(), order.end());
      }
      for (std::size_t k : order) {
        population_.push_back(std::move(combined[built[front[k]]]));
        rank_.push_back(r);
      }
    }
    for (std::size_t i : broken) {
      if (population_.size() == population_size_) break;
      population_.push_back(std::move(combined[i]));
      rank_.push_back(kUnranked);
    }
    crowd_by_rank();
  }

  // Rank (after a restore) and crowding distance of every member, for the tournaments.
  void rank_population() {
    rank_.assign(population_.size(), kUnranked);
    std::vector<std::size_t> built;
    std::vector<Point> points;
    std::vector<double> violation;
    for (std::size_t i = 0; i < population_.size(); ++i) {
      if (population_[i].result.status != Status::Ok) continue;
      built.push_back(i);
      points.push_back(population_[i].result.objectives);
      violation.push_back(population_[i].result.violation);
    }
    const auto fronts = nondominated_sort(points, violation);
    for (std::size_t r = 0; r < fronts.size(); ++r)
      for (std::size_t k : fronts[r]) rank_[built[k]] = r;
    crowd_by_rank();
  }

  // The crowding distance of each member within its front (members of equal rank).
  void crowd_by_rank() {
    crowding_.assign(population_.size(), 0.0);
    std::map<std::size_t, std::vector<std::size_t>> fronts;
    for (std::size_t i = 0; i < population_.size(); ++i)
      if (rank_[i] != kUnranked) fronts[rank_[i]].push_back(i);
    std::vector<Point> points(population_.size());
    for (const auto& [rank, front] : fronts)
      for (std::size_t i : front) points[i] = population_[i].result.objectives;
    for (const auto& [rank, front] : fronts) {
      const auto crowd = crowding_distance(points, front);
      for (std::size_t k = 0; k < front.size(); ++k) crowding_[front[k]] = crowd[k];
    }
  }

  std::vector<int> cards_;
  std::uint64_t seed_;
  std::size_t population_size_ = 64;
  double crossover_ = 0.9;
  std::string mutation_text_;
  double mutation_ = 0;
  std::uint64_t generation_ = 0;
  std::vector<Member> population_;
  std::vector<Member> told_;
  std::vector<std::size_t> rank_;  // of population_, derived
  std::vector<double> crowding_;   // of population_, derived
};

}  // namespace

StrategyInfo nsga2_strategy() {
  StrategyInfo info;
  info.name = kName;
  info.description =
      "NSGA-II on the objectives with constraint domination (Deb et al. 2002, IEEE TEC 6(2))";
  info.params = {
      {"population", "64", "population size N, and offspring per generation (2 to 100000)"},
      {"crossover", "0.9", "probability of uniform crossover of a pair of parents (0 to 1)"},
      {"mutation", "auto",
       "per-choice mutation probability, 0 to 1, or auto = 1 / dimensions with a choice"},
  };
  info.make = [](const StrategyContext& ctx) -> std::unique_ptr<Strategy> {
    return std::make_unique<Nsga2>(ctx, nsga2_strategy());
  };
  return info;
}

}  // namespace accelnas::nas::detail
