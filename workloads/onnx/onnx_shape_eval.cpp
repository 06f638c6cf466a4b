#include "workloads/onnx/onnx_shape_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

namespace accelnas::wl::onnx_detail {
namespace {

// Shape arithmetic is a handful of nodes deep and a few values long; anything deeper or longer
// is not worth following (and Concat(x, x) chains would double in size at each step).
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxValues = std::size_t{1} << 16;

struct Val {
  std::vector<double> v;
  bool integer = true;  // an integer element type: Div truncates
};

bool integral_type(int t) {
  switch (t) {
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::UINT8:
      return true;
    default:
      return false;
  }
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const char* name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

std::int64_t saturate(double x) {
  constexpr double kMax = 9.2e18;  // below 2^63, so the casts are defined
  if (x >= kMax) return std::numeric_limits<std::int64_t>::max();
  if (x <= -kMax) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(x);
}

void clamp_range(double start, double end, std::int64_t n, std::int64_t& b, std::int64_t& e) {
  clamp_slice(saturate(start), saturate(end), n, b, e);
}

class Evaluator {
 public:
  Evaluator(const OnnxModel& model, const DimsLookup& known_dims)
      : model_(model), known_dims_(known_dims) {
    for (const auto& node : model.graph().node()) {
      for (const auto& out : node.output()) producer_[out] = &node;
    }
    for (const auto& t : model.graph().initializer()) initializer_type_[t.name()] = t.data_type();
  }

  std::optional<Val> eval(const std::string& tensor, int depth) {
    if (tensor.empty() || depth > kMaxDepth) return std::nullopt;
    const auto memo = memo_.find(tensor);
    if (memo != memo_.end()) return memo->second;
    std::optional<Val> v = compute(tensor, depth);
    if (v && v->v.size() > kMaxValues) v.reset();
    memo_[tensor] = v;
    return v;
  }

 private:
  // Flattened values are only meaningful for Gather / Concat / Slice on 1-D (or scalar) data.
  bool at_most_1d(const std::string& tensor) const {
    Dims d;
    return !model_.dims(tensor, d) || d.size() <= 1;
  }

  std::optional<Val> compute(const std::string& tensor, int depth) {
    const auto init = initializer_type_.find(tensor);
    if (init != initializer_type_.end()) {
      Val v;
      if (!model_.constant_values(tensor, v.v)) return std::nullopt;
      v.integer = integral_type(init->second);
      return v;
    }
    const auto it = producer_.find(tensor);
    if (it == producer_.end()) return std::nullopt;
    const onnx::NodeProto& n = *it->second;
    if (!n.domain().empty() && n.domain() != "ai.onnx") return std::nullopt;
    const std::string& op = n.op_type();
    if (op == "Constant") return constant(n, tensor);
    if (op == "Shape") return shape(n);
    auto arg = [&](int k) -> std::optional<Val> {
      if (k >= n.input_size()) return std::nullopt;
      return eval(n.input(k), depth + 1);
    };
    if (op == "Identity" || op == "Unsqueeze" || op == "Squeeze" || op == "Reshape") return arg(0);
    if (op == "Cast") {
      std::optional<Val> a = arg(0);
      const auto* to = find_attr(n, "to");
      if (!a || to == nullptr) return std::nullopt;
      a->integer = integral_type(static_cast<int>(to->i()));
      if (a->integer) {
        for (double& x : a->v) x = std::trunc(x);
      }
      return a;
    }
    if (op == "Neg" || op == "Floor" || op == "Ceil") {
      std::optional<Val> a = arg(0);
      if (!a) return std::nullopt;
      for (double& x : a->v) x = op == "Neg" ? -x : op == "Floor" ? std::floor(x) : std::ceil(x);
      return a;
    }
    if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Min" || op == "Max") {
      std::optional<Val> acc = arg(0);
      for (int k = 1; acc && k < n.input_size(); ++k) acc = binary(op, *acc, arg(k));
      return acc;
    }
    if (op == "Gather") return gather(n, arg(0), arg(1));
    if (op == "Concat") {
      const auto* axis = find_attr(n, "axis");
      if (axis != nullptr && axis->i() != 0 && axis->i() != -1) return std::nullopt;
      Val out;
      for (int k = 0; k < n.input_size(); ++k) {
        const std::optional<Val> a = arg(k);
        if (!a || !at_most_1d(n.input(k))) return std::nullopt;
        out.v.insert(out.v.end(), a->v.begin(), a->v.end());
        out.integer = a->integer;
      }
      return out;
    }
    if (op == "Slice") return slice(n, depth);
    return std::nullopt;
  }

  std::optional<Val> constant(const onnx::NodeProto& n, const std::string& tensor) const {
    Val v;
    if (!model_.constant_values(tensor, v.v)) return std::nullopt;
    for (const auto& a : n.attribute()) {
      if (a.name() == "value") v.integer = integral_type(a.t().data_type());
      if (a.name() == "value_float" || a.name() == "value_floats") v.integer = false;
    }
    return v;
  }

  std::optional<Val> shape(const onnx::NodeProto& n) const {
    Dims d;
    if (n.input_size() < 1) return std::nullopt;
    if (!model_.dims(n.input(0), d) && !(known_dims_ && known_dims_(n.input(0), d)))
      return std::nullopt;
    const auto rank = static_cast<std::int64_t>(d.size());
    std::int64_t b = 0, e = rank;
    const auto* start = find_attr(n, "start");
    const auto* end = find_attr(n, "end");
    clamp_range(start ? static_cast<double>(start->i()) : 0.0,
                end ? static_cast<double>(end->i()) : static_cast<double>(rank), rank, b, e);
    Val v;
    for (std::int64_t k = b; k < e; ++k) v.v.push_back(static_cast<double>(d[k]));
    return v;
  }

  static std::optional<Val> binary(const std::string& op, const Val& a,
                                   const std::optional<Val>& b) {
    if (!b) return std::nullopt;
    const std::size_t na = a.v.size(), nb = b->v.size();
    if (na != nb && na != 1 && nb != 1) return std::nullopt;
    Val out;
    out.integer = a.integer;
    for (std::size_t k = 0; k < std::max(na, nb); ++k) {
      const double x = a.v[na == 1 ? 0 : k], y = b->v[nb == 1 ? 0 : k];
      double r = 0;
      if (op == "Add") {
        r = x + y;
      } else if (op == "Sub") {
        r = x - y;
      } else if (op == "Mul") {
        r = x * y;
      } else if (op == "Min") {
        r = std::min(x, y);
      } else if (op == "Max") {
        r = std::max(x, y);
      } else {  // Div
        if (y == 0) return std::nullopt;
        r = a.integer ? std::trunc(x / y) : x / y;
      }
      out.v.push_back(r);
    }
    return out;
  }

  std::optional<Val> gather(const onnx::NodeProto& n, const std::optional<Val>& data,
                            const std::optional<Val>& indices) const {
    const auto* axis = find_attr(n, "axis");
    if (!data || !indices || (axis != nullptr && axis->i() != 0) || !at_most_1d(n.input(0)))
      return std::nullopt;
    const auto size = static_cast<std::int64_t>(data->v.size());
    Val out;
    out.integer = data->integer;
    for (double x : indices->v) {
      std::int64_t k = saturate(x);
      if (k < 0) k += size;
      if (k < 0 || k >= size) return std::nullopt;
      out.v.push_back(data->v[static_cast<std::size_t>(k)]);
    }
    return out;
  }

  // A Slice of 1-D data with step 1 (bounds as attributes before opset 10, inputs after).
  std::optional<Val> slice(const onnx::NodeProto& n, int depth) {
    if (n.input_size() < 1) return std::nullopt;
    std::optional<Val> data = eval(n.input(0), depth + 1);
    if (!data || !at_most_1d(n.input(0))) return std::nullopt;
    double start = 0, end = 0;
    if (model_.opset() < 10) {
      const auto* s = find_attr(n, "starts");
      const auto* e = find_attr(n, "ends");
      if (s == nullptr || e == nullptr || s->ints_size() != 1 || e->ints_size() != 1)
        return std::nullopt;
      start = static_cast<double>(s->ints(0));
      end = static_cast<double>(e->ints(0));
    } else {
      std::optional<Val> s = n.input_size() > 1 ? eval(n.input(1), depth + 1) : std::nullopt;
      std::optional<Val> e = n.input_size() > 2 ? eval(n.input(2), depth + 1) : std::nullopt;
      if (!s || !e || s->v.size() != 1 || e->v.size() != 1) return std::nullopt;
      if (n.input_size() > 4 && !n.input(4).empty()) {
        const std::optional<Val> step = eval(n.input(4), depth + 1);
        if (!step || step->v.size() != 1 || step->v[0] != 1) return std::nullopt;
      }
      start = s->v[0];
      end = e->v[0];
    }
    std::int64_t b = 0, e = 0;
    clamp_range(start, end, static_cast<std::int64_t>(data->v.size()), b, e);
    Val out;
    out.integer = data->integer;
    for (std::int64_t k = b; k < e; ++k) out.v.push_back(data->v[static_cast<std::size_t>(k)]);
    return out;
  }

  const OnnxModel& model_;
  const DimsLookup& known_dims_;
  std::map<std::string, const onnx::NodeProto*> producer_;
  std::map<std::string, int> initializer_type_;
  std::map<std::string, std::optional<Val>> memo_;
};

}  // namespace

void clamp_slice(std::int64_t start, std::int64_t end, std::int64_t n, std::int64_t& b,
                 std::int64_t& e) {
  if (start < 0) start = start < -n ? 0 : start + n;
  if (end < 0) end = end < -n ? 0 : end + n;
  b = std::min(start, n);
  e = std::min(end, n);
}

bool integer_values(const OnnxModel& model, const std::string& tensor,
                    std::vector<std::int64_t>& out, const DimsLookup& known_dims) {
  Evaluator e(model, known_dims);
  const std::optional<Val> v = e.eval(tensor, 0);
  if (!v) return false;
  out.clear();
  for (double x : v->v) {
    if (std::isnan(x) || (std::abs(x) < 9.2e18 && x != std::trunc(x))) return false;
    out.push_back(saturate(x));
  }
  return true;
}

}  // namespace accelnas::wl::onnx_detail
