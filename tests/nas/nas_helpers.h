// Helpers of the NAS tests: a tiny search space and an estimator fitted once per process.
#ifndef ACCELNAS_TESTS_NAS_NAS_HELPERS_H
#define ACCELNAS_TESTS_NAS_NAS_HELPERS_H

#include <sstream>
#include <string>

#include "calibration/labels/label_db.h"
#include "hw_models/hw_spec.h"
#include "nas/run_store.h"
#include "nas/space.h"
#include "tests/calibration/cal_helpers.h"
#include "tests/common/toy_search_space.h"

namespace accelnas::test {

inline const hw::HwSpec& toy_hw() {
  static const hw::HwSpec hw = hw::load_hw("npu-pf32");
  return hw;
}

inline const nas::SearchSpace& toy_space() {
  static const nas::SearchSpace s =
      nas::SearchSpace::parse(test_util::kToySearchSpace, "toy.yaml", toy_hw());
  return s;
}

// An estimator for the toy hardware (npu-pf32), fitted once per process on a small label store
// of the shared small space.
inline const cal::Estimator& toy_estimator() {
  static ProcessTempDir tmp("accelnas_nas_estimator");
  static const std::unique_ptr<cal::Estimator> est = [] {
    const std::string db = make_label_store(tmp.path, 300, 5);
    const cal::LabelDb labels(db, cal::LabelDb::Mode::ReadOnly);
    cal::FitOptions fit;
    fit.rounds = 30;
    fit.layout = cal::ModelLayout::Global;
    return std::make_unique<cal::Estimator>(cal::fit(labels, labels.hardware().front().hash, fit));
  }();
  return *est;
}

inline std::string dump(const nas::RunStore& s) {
  std::ostringstream os;
  s.canonical_dump(os);
  return os.str();
}

}  // namespace accelnas::test

#endif  // ACCELNAS_TESTS_NAS_NAS_HELPERS_H
