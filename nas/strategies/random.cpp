// Random search: every choice drawn uniformly and independently.
#include "nas/strategies/common.h"
#include "workloads/config/error.h"

namespace accelnas::nas::detail {

namespace {

constexpr const char* kName = "random";

class RandomSearch : public Strategy {
 public:
  RandomSearch(const StrategyContext& ctx, const StrategyInfo& info)
      : cards_(ctx.cardinalities), seed_(ctx.seed) {
    check_context(ctx, kName);
    batch_ = static_cast<std::size_t>(
        parse_int_param("batch", param_text(ctx, info, "batch"), 1, 100000));
  }

  std::vector<Encoding> ask(std::size_t n) override {
    runtime::Rng rng = step_rng(seed_, generation_, 0);
    std::vector<Encoding> out;
    for (std::size_t i = 0; i < std::min(n, batch_); ++i)
      out.push_back(random_encoding(cards_, rng));
    return out;
  }
  void tell(const Encoding&, const Result&) override {}
  void end_generation() override { ++generation_; }

  nlohmann::json state() const override {
    nlohmann::json s = state_header(kName);
    s["generation"] = generation_;
    return s;
  }
  void restore(const nlohmann::json& state) override {
    check_state(state, kName);
    guard_restore(kName, [&] { generation_ = state.at("generation").get<std::uint64_t>(); });
  }
  std::map<std::string, std::string> params() const override {
    return {{"batch", std::to_string(batch_)}};
  }
  std::size_t batch_size() const override { return batch_; }

 private:
  std::vector<int> cards_;
  std::uint64_t seed_;
  std::size_t batch_ = 64;
  std::uint64_t generation_ = 0;
};

}  // namespace

StrategyInfo random_strategy() {
  StrategyInfo info;
  info.name = kName;
  info.description = "random search: each choice drawn uniformly and independently";
  info.params = {{"batch", "64", "candidates per generation (1 to 100000)"}};
  info.make = [](const StrategyContext& ctx) -> std::unique_ptr<Strategy> {
    return std::make_unique<RandomSearch>(ctx, random_strategy());
  };
  return info;
}

}  // namespace accelnas::nas::detail
