// A gradient-boosted forest as flat arrays, evaluated without XGBoost (docs/ESTIMATOR.md).
//
// Built from XGBoost's JSON model (learner.gradient_booster.model.trees[] and
// learner.learner_model_param.base_score), it walks every tree exactly as XGBoost's CPU
// predictor does for numerical splits: go left when `x < split_condition` in float, a missing
// (NaN) value goes to the default child, and the margin is base_score plus the leaf values
// accumulated in float in tree order.
//
// Contract: margin() is const, allocation-free and thread-safe; to_json(from_json(j)) keeps
// every float bit-exactly, so a saved forest predicts identically after loading.
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_TREE_EVAL_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_TREE_EVAL_H

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace accelnas::cal {

class Forest {
 public:
  // From XGBoost's own JSON model (XGBoosterSaveModelToBuffer {"format":"json"}). Only the
  // "gbtree" booster with numerical splits is accepted. Throws UserError naming `where`.
  static Forest from_xgboost_json(const std::string& model_json, const std::string& where);

  // The estimator file's compact form, and back (throws UserError naming `where`).
  nlohmann::json to_json() const;
  static Forest from_json(const nlohmann::json& j, const std::string& where);

  float margin(const float* features) const;

  std::size_t trees() const { return roots_.size(); }
  std::size_t nodes() const { return nodes_.size(); }
  // The largest feature index a split reads, or -1 (to check against the feature count).
  int max_feature() const;

 private:
  struct Node {
    std::int32_t left = -1;  // -1: a leaf, whose value is `value`
    std::int32_t right = -1;
    std::int32_t feature = 0;
    float value = 0;  // split condition, or the leaf value
    bool default_left = false;
  };
  float base_score_ = 0;
  std::vector<std::int32_t> roots_;
  std::vector<Node> nodes_;
  void check(const std::string& where) const;
};

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_TREE_EVAL_H
