#include "calibration/estimator/coverage.h"

#include "workloads/config/error.h"
#include "workloads/zoo/zoo.h"

namespace accelnas::cal {

std::string unit_kind(const UnitDesc& d) {
  const std::string type = unit_type_name(d.type);
  if ((d.type == UnitType::Conv || d.type == UnitType::Vector) && !d.layers.empty()) {
    const LayerDesc& l = d.layers.front();
    // A fused conv (F1, F2) is its own kind, named as its job: "conv:conv2d+add".
    const std::string fused = l.fused.any() ? std::string("+") + wl::op_name(l.fused.op) : "";
    return type + ":" + wl::op_name(l.op) + fused;
  }
  return type;
}

std::map<std::string, std::vector<std::string>> kinds_needed_by_zoo(const hw::HwSpec& hw) {
  std::map<std::string, std::vector<std::string>> needed;
  sim::PlanOptions opt;
  for (const wl::ZooEntry& entry : wl::zoo_entries()) {
    std::vector<Unit> units;
    try {
      units = decompose(wl::build_zoo(entry.name), hw, opt);
    } catch (const UserError&) {
      continue;  // not mappable on this hardware: it needs nothing of the labels
    }
    for (const Unit& u : units) {
      auto& nets = needed[unit_kind(u.desc)];
      if (nets.empty() || nets.back() != entry.name) nets.push_back(entry.name);
    }
  }
  return needed;
}

std::vector<std::string> coverage_warnings(
    std::int64_t labels, const std::map<std::string, std::int64_t>& train_kinds,
    const std::map<std::string, std::vector<std::string>>& needed) {
  std::vector<std::string> out;
  if (labels < kFewLabels) {
    out.push_back("only " + std::to_string(labels) + " usable labels (fewer than " +
                  std::to_string(kFewLabels) +
                  "): the validation scores are noisy and units unlike the labels will be "
                  "predicted poorly; label more (docs/ESTIMATOR.md uses about 30,000)");
  }
  for (const auto& [kind, nets] : needed) {
    const auto it = train_kinds.find(kind);
    const std::int64_t have = it == train_kinds.end() ? 0 : it->second;
    if (have >= kFewKindLabels) continue;
    std::string who;
    for (std::size_t i = 0; i < nets.size() && i < 3; ++i) who += (i ? ", " : "") + nets[i];
    if (nets.size() > 3) who += " and " + std::to_string(nets.size() - 3) + " more";
    out.push_back(std::to_string(have) + " training labels of unit kind " + kind + " (fewer than " +
                  std::to_string(kFewKindLabels) + "), which " + who +
                  " need: such units are predicted from other kinds' labels; add them to the "
                  "sampling space");
  }
  return out;
}

}  // namespace accelnas::cal
