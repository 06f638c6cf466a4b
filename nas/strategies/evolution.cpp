// Regularized (aging) evolution: Real, Aggarwal, Huang and Le, "Regularized Evolution for Image
// Classifier Architecture Search", AAAI 2019. Tournament of `sample` drawn from the population,
// the winner mutated; the oldest member dies.
#include <algorithm>

#include "nas/strategies/common.h"
#include "workloads/config/error.h"

namespace accelnas::nas::detail {

namespace {

constexpr const char* kName = "evolution";
constexpr int kRetries = 4;  // mutations tried before a child equal to a sibling is accepted

class RegularizedEvolution : public Strategy {
 public:
  RegularizedEvolution(const StrategyContext& ctx, const StrategyInfo& info)
      : cards_(ctx.cardinalities), seed_(ctx.seed) {
    check_context(ctx, kName);
    population_size_ = static_cast<std::size_t>(
        parse_int_param("population", param_text(ctx, info, "population"), 2, 100000));
    sample_ = static_cast<std::size_t>(
        parse_int_param("sample", param_text(ctx, info, "sample"), 1, 100000));
    batch_ = static_cast<std::size_t>(
        parse_int_param("batch", param_text(ctx, info, "batch"), 1, 100000));
    mutation_text_ = param_text(ctx, info, "mutation");
    mutation_ = parse_probability_param("mutation", mutation_text_, true);
    if (mutation_ < 0) mutation_ = auto_mutation_probability(cards_);
  }

  std::vector<Encoding> ask(std::size_t n) override {
    std::vector<Encoding> out;
    std::size_t count = std::min(n, batch_);
    if (population_.size() < population_size_) {
      // Filling: random members until the population is complete.
      runtime::Rng rng = step_rng(seed_, generation_, 0);
      count = std::min(count, population_size_ - population_.size());
      for (std::size_t i = 0; i < count; ++i) out.push_back(random_encoding(cards_, rng));
      return out;
    }
    runtime::Rng rng = step_rng(seed_, generation_, 1);
    EncodingSet seen;
    for (std::size_t i = 0; i < count; ++i) {
      const Member& parent = population_[tournament(rng)];
      Encoding child;
      for (int attempt = 0; attempt < kRetries; ++attempt) {
        child = parent.encoding;
        mutate(child, cards_, mutation_, rng);
        if (!seen.count(child)) break;
      }
      seen.insert(child);
      out.push_back(std::move(child));
    }
    return out;
  }

  void tell(const Encoding& candidate, const Result& result) override {
    told_.push_back({candidate, result});
  }

  void end_generation() override {
    for (Member& m : told_) population_.push_back(std::move(m));
    told_.clear();
    if (population_.size() > population_size_) {
      const std::size_t dead = population_.size() - population_size_;  // the oldest
      population_.erase(population_.begin(), population_.begin() + static_cast<long>(dead));
    }
    ++generation_;
  }

  nlohmann::json state() const override {
    return population_state_json(kName, generation_, population_, told_, MemberFields::Score);
  }

  void restore(const nlohmann::json& state) override {
    PopulationState restored;
    restore_population_state(state, kName, cards_, MemberFields::Score, restored);
    generation_ = restored.generation;
    population_ = std::move(restored.population);
    told_ = std::move(restored.told);
  }

  std::map<std::string, std::string> params() const override {
    return {{"population", std::to_string(population_size_)},
            {"sample", std::to_string(sample_)},
            {"mutation", mutation_text_ == "auto" ? "auto" : probability_text(mutation_)},
            {"batch", std::to_string(batch_)}};
  }
  std::size_t batch_size() const override { return batch_; }

 private:
  // `sample` members drawn uniformly with replacement (as in the paper's reference code); the
  // best by score wins, the first drawn on a tie.
  std::size_t tournament(runtime::Rng& rng) const {
    std::size_t best = rng.below(population_.size());
    for (std::size_t k = 1; k < sample_; ++k) {
      const std::size_t other = rng.below(population_.size());
      if (better_by_score(population_[other].result, population_[best].result)) best = other;
    }
    return best;
  }

  std::vector<int> cards_;
  std::uint64_t seed_;
  std::size_t population_size_ = 64;
  std::size_t sample_ = 16;
  std::size_t batch_ = 16;
  std::string mutation_text_;
  double mutation_ = 0;
  std::uint64_t generation_ = 0;
  std::vector<Member> population_;  // oldest first
  std::vector<Member> told_;        // this generation's children, in tell order
};

}  // namespace

StrategyInfo evolution_strategy() {
  StrategyInfo info;
  info.name = kName;
  info.description =
      "regularized (aging) evolution on score (Real et al. 2019, AAAI, \"Regularized Evolution "
      "for Image Classifier Architecture Search\")";
  info.params = {
      {"population", "64", "members kept; the oldest die (2 to 100000)"},
      {"sample", "16", "tournament size, drawn with replacement (1 to 100000)"},
      {"mutation", "auto",
       "per-choice mutation probability, 0 to 1, or auto = 1 / dimensions with a choice; at "
       "least one choice changes"},
      {"batch", "16", "children per generation (1 to 100000)"},
  };
  info.make = [](const StrategyContext& ctx) -> std::unique_ptr<Strategy> {
    return std::make_unique<RegularizedEvolution>(ctx, evolution_strategy());
  };
  return info;
}

}  // namespace accelnas::nas::detail
