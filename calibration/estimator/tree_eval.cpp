#include "calibration/estimator/tree_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/json_text.h"
#include "workloads/config/error.h"

namespace accelnas::cal {
namespace {

using json = nlohmann::json;

float as_float(const json& v) {
  if (v.is_string()) return std::stof(v.get<std::string>());
  return static_cast<float>(v.get<double>());
}

template <typename T>
std::vector<T> array_of(const json& tree, const char* key) {
  const json& a = tree.at(key);
  std::vector<T> out;
  out.reserve(a.size());
  for (const json& v : a) {
    if constexpr (std::is_same_v<T, float>) {
      out.push_back(as_float(v));
    } else if (v.is_boolean()) {
      out.push_back(static_cast<T>(v.get<bool>()));
    } else {
      out.push_back(static_cast<T>(v.get<std::int64_t>()));
    }
  }
  return out;
}

}  // namespace

Forest Forest::from_xgboost_json(const std::string& model_json, const std::string& where) {
  Forest f;
  try {
    const json j = json::parse(model_json);
    const json& learner = j.at("learner");
    f.base_score_ = as_float(learner.at("learner_model_param").at("base_score"));
    const json& booster = learner.at("gradient_booster");
    if (booster.at("name").get<std::string>() != "gbtree")
      throw UserError("only the gbtree booster is supported");
    for (const json& tree : booster.at("model").at("trees")) {
      const auto left = array_of<std::int32_t>(tree, "left_children");
      const auto right = array_of<std::int32_t>(tree, "right_children");
      const auto feature = array_of<std::int32_t>(tree, "split_indices");
      const auto cond = array_of<float>(tree, "split_conditions");
      const auto dflt = array_of<std::int32_t>(tree, "default_left");
      if (tree.contains("split_type")) {
        for (const json& t : tree.at("split_type"))
          if (t.get<int>() != 0) throw UserError("categorical splits are not supported");
      }
      const std::size_t n = left.size();
      if (right.size() != n || feature.size() != n || cond.size() != n || dflt.size() != n)
        throw UserError("tree arrays of different lengths");
      const auto base = static_cast<std::int32_t>(f.nodes_.size());
      f.roots_.push_back(base);
      for (std::size_t i = 0; i < n; ++i) {
        Node node;
        node.left = left[i] < 0 ? -1 : base + left[i];
        node.right = right[i] < 0 ? -1 : base + right[i];
        node.feature = feature[i];
        node.value = cond[i];
        node.default_left = dflt[i] != 0;
        f.nodes_.push_back(node);
      }
    }
  } catch (const UserError& e) {
    throw UserError(where + ": XGBoost model: " + e.what());
  } catch (const json::exception& e) {
    throw UserError(where + ": XGBoost model: " + sim::json_error_text(e));
  }
  f.check(where);
  return f;
}

json Forest::to_json() const {
  json left = json::array(), right = json::array(), feature = json::array();
  json value = json::array(), dflt = json::array();
  for (const Node& n : nodes_) {
    left.push_back(n.left);
    right.push_back(n.right);
    feature.push_back(n.feature);
    value.push_back(static_cast<double>(n.value));  // a float is exact as a double
    dflt.push_back(n.default_left ? 1 : 0);
  }
  return json{{"base_score", static_cast<double>(base_score_)},
              {"roots", roots_},
              {"left", left},
              {"right", right},
              {"feature", feature},
              {"value", value},
              {"default_left", dflt}};
}

Forest Forest::from_json(const json& j, const std::string& where) {
  Forest f;
  try {
    f.base_score_ = static_cast<float>(j.at("base_score").get<double>());
    f.roots_ = j.at("roots").get<std::vector<std::int32_t>>();
    const auto left = j.at("left").get<std::vector<std::int32_t>>();
    const auto right = j.at("right").get<std::vector<std::int32_t>>();
    const auto feature = j.at("feature").get<std::vector<std::int32_t>>();
    const auto value = j.at("value").get<std::vector<double>>();
    const auto dflt = j.at("default_left").get<std::vector<int>>();
    const std::size_t n = left.size();
    if (right.size() != n || feature.size() != n || value.size() != n || dflt.size() != n)
      throw UserError("forest arrays of different lengths");
    f.nodes_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      f.nodes_[i] = Node{left[i], right[i], feature[i], static_cast<float>(value[i]), dflt[i] != 0};
    }
  } catch (const json::exception& e) {
    throw UserError(where + ": forest: " + sim::json_error_text(e));
  } catch (const UserError& e) {
    throw UserError(where + ": forest: " + e.what());
  }
  f.check(where);
  return f;
}

void Forest::check(const std::string& where) const {
  const auto n = static_cast<std::int32_t>(nodes_.size());
  for (const std::int32_t r : roots_) {
    if (r < 0 || r >= n) throw UserError(where + ": forest: a root out of range");
  }
  for (std::int32_t i = 0; i < n; ++i) {
    const Node& node = nodes_[static_cast<std::size_t>(i)];
    if (node.left < 0) continue;
    // Children come after their parent, so every walk ends.
    if (node.left <= i || node.left >= n || node.right <= i || node.right >= n || node.feature < 0)
      throw UserError(where + ": forest: node " + std::to_string(i) + " is malformed");
  }
}

int Forest::max_feature() const {
  int m = -1;
  for (const Node& n : nodes_)
    if (n.left >= 0) m = std::max(m, static_cast<int>(n.feature));
  return m;
}

float Forest::margin(const float* x) const {
  float sum = base_score_;
  const Node* nodes = nodes_.data();
  for (const std::int32_t root : roots_) {
    const Node* n = nodes + root;
    while (n->left >= 0) {
      const float v = x[n->feature];
      const bool left = std::isnan(v) ? n->default_left : v < n->value;
      n = nodes + (left ? n->left : n->right);
    }
    sum += n->value;
  }
  return sum;
}

}  // namespace accelnas::cal
