// First-improvement hill climbing over single-choice neighbours, with random restarts at local
// optima.
#include <algorithm>
#include <limits>

#include "nas/strategies/common.h"
#include "workloads/config/error.h"

namespace accelnas::nas::detail {

namespace {

constexpr const char* kName = "local";
constexpr std::int64_t kMaxRestarts = 1000000000;

class LocalSearch : public Strategy {
 public:
  LocalSearch(const StrategyContext& ctx, const StrategyInfo& info)
      : cards_(ctx.cardinalities), seed_(ctx.seed) {
    check_context(ctx, kName);
    batch_ = static_cast<std::size_t>(
        parse_int_param("batch", param_text(ctx, info, "batch"), 1, 100000));
    const std::string restarts = param_text(ctx, info, "restarts");
    max_restarts_ =
        restarts == "unlimited" ? -1 : parse_int_param("restarts", restarts, 0, kMaxRestarts);
    if (ctx.base) {
      current_.encoding = *ctx.base;
    } else {
      runtime::Rng rng = step_rng(seed_, 0, 1);
      current_.encoding = random_encoding(cards_, rng);
    }
    build_order();
  }

  std::vector<Encoding> ask(std::size_t n) override {
    asked_.clear();
    if (done_) return asked_;
    const std::size_t count = std::min(n, batch_);
    if (!evaluated_ && count > 0) asked_.push_back(current_.encoding);
    for (std::size_t k = pos_; k < order_.size() && asked_.size() < count; ++k)
      asked_.push_back(neighbour(order_[k]));
    return asked_;
  }

  void tell(const Encoding& candidate, const Result& result) override {
    told_.push_back({candidate, result});
  }

  void end_generation() override {
    std::size_t k = 0;
    if (!evaluated_ && !asked_.empty() && !told_.empty()) {
      current_.result = told_[0].result;  // the start point, asked first
      evaluated_ = true;
      k = 1;
    }
    const std::size_t neighbours_asked = asked_.size() - std::min<std::size_t>(asked_.size(), k);
    bool moved = false;
    for (; evaluated_ && k < told_.size(); ++k) {
      if (better_by_score(told_[k].result, current_.result)) {
        current_ = told_[k];  // the first improvement in ask order
        ++step_;
        pos_ = 0;
        build_order();
        moved = true;
        break;
      }
    }
    if (!moved) pos_ += neighbours_asked;
    if (evaluated_ && !moved && pos_ >= order_.size()) restart();
    asked_.clear();
    told_.clear();
    ++generation_;
  }

  nlohmann::json state() const override {
    nlohmann::json s = state_header(kName);
    s["generation"] = generation_;
    s["step"] = step_;
    s["tried"] = pos_;
    s["restarts"] = restarts_;
    s["done"] = done_;
    s["evaluated"] = evaluated_;
    s["current"] = members_json({current_}, MemberFields::Score);
    nlohmann::json asked = nlohmann::json::array();
    for (const Encoding& e : asked_) asked.push_back(encoding_text(e));
    s["asked"] = asked;
    s["told"] = members_json(told_, MemberFields::Score);
    return s;
  }

  void restore(const nlohmann::json& state) override {
    check_state(state, kName);
    guard_restore(kName, [&] {
      const auto generation = state.at("generation").get<std::uint64_t>();
      const auto step = state.at("step").get<std::uint64_t>();
      const auto pos = state.at("tried").get<std::size_t>();
      const auto restarts = state.at("restarts").get<std::uint64_t>();
      const bool done = state.at("done").get<bool>();
      const bool evaluated = state.at("evaluated").get<bool>();
      auto currents = members_from_json(state.at("current"), MemberFields::Score);
      if (currents.size() != 1) throw UserError("restore of strategy local: malformed state");
      Member current = std::move(currents[0]);
      std::vector<Encoding> asked;
      for (const auto& e : state.at("asked")) asked.push_back(encoding_from_json(e));
      auto told = members_from_json(state.at("told"), MemberFields::Score);
      check_encoding(current.encoding, cards_, kName);
      for (const Encoding& e : asked) check_encoding(e, cards_, kName);
      generation_ = generation;
      step_ = step;
      restarts_ = restarts;
      done_ = done;
      evaluated_ = evaluated;
      current_ = std::move(current);
      asked_ = std::move(asked);
      told_ = std::move(told);
      build_order();
      if (pos > order_.size()) throw UserError("restore of strategy local: malformed state");
      pos_ = pos;
    });
  }

  std::map<std::string, std::string> params() const override {
    return {{"batch", std::to_string(batch_)},
            {"restarts", max_restarts_ < 0 ? "unlimited" : std::to_string(max_restarts_)}};
  }
  std::size_t batch_size() const override { return batch_; }

 private:
  struct Move {
    std::size_t dim;
    int choice;
  };

  Encoding neighbour(const Move& m) const {
    Encoding e = current_.encoding;
    e[m.dim] = m.choice;
    return e;
  }

  // Every single-choice neighbour of the current point, shuffled by the seed and the step.
  void build_order() {
    order_.clear();
    for (std::size_t d = 0; d < cards_.size(); ++d)
      for (int v = 0; v < cards_[d]; ++v)
        if (v != current_.encoding[d]) order_.push_back({d, v});
    runtime::Rng rng = step_rng(seed_, step_, 2);
    shuffle(order_, rng);
  }

  // A local optimum: a random point, unless the restarts are used up or the space has a single
  // point (nothing left to try): then the strategy is done.
  void restart() {
    if (order_.empty() ||
        (max_restarts_ >= 0 && restarts_ >= static_cast<std::uint64_t>(max_restarts_))) {
      done_ = true;
      return;
    }
    ++restarts_;
    ++step_;
    runtime::Rng rng = step_rng(seed_, step_, 1);
    current_ = Member{random_encoding(cards_, rng), Result{}};
    evaluated_ = false;
    pos_ = 0;
    build_order();
  }

  std::vector<int> cards_;
  std::uint64_t seed_;
  std::size_t batch_ = 32;
  std::int64_t max_restarts_ = -1;  // -1: unlimited
  std::uint64_t generation_ = 0;
  std::uint64_t step_ = 0;      // moves and restarts so far: seeds the neighbour order
  std::uint64_t restarts_ = 0;  // restarts so far
  bool done_ = false;
  bool evaluated_ = false;  // the current point's result is known
  Member current_;
  std::vector<Move> order_;  // derived from current_ and step_
  std::size_t pos_ = 0;      // neighbours order_[0, pos_) tried without improvement
  std::vector<Encoding> asked_;
  std::vector<Member> told_;
};

}  // namespace

StrategyInfo local_strategy() {
  StrategyInfo info;
  info.name = kName;
  info.description =
      "first-improvement hill climbing on score over single-choice neighbours, from the base "
      "point (else a random one), restarting at random after a local optimum";
  info.params = {
      {"batch", "32", "neighbours asked per generation (1 to 100000)"},
      {"restarts", "unlimited",
       "random restarts after local optima, 0 to 1000000000 or unlimited; then the strategy is "
       "done (ask returns nothing)"},
  };
  info.make = [](const StrategyContext& ctx) -> std::unique_ptr<Strategy> {
    return std::make_unique<LocalSearch>(ctx, local_strategy());
  };
  return info;
}

}  // namespace accelnas::nas::detail
