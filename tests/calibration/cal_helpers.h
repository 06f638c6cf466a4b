// Helpers shared by the calibration tests.
#ifndef ACCELNAS_TESTS_CALIBRATION_CAL_HELPERS_H
#define ACCELNAS_TESTS_CALIBRATION_CAL_HELPERS_H

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "calibration/estimator/estimator.h"
#include "calibration/labels/label_gen.h"
#include "hw_models/hw_spec.h"
#include "hw_models/layer_job.h"
#include "tests/common/small_space.h"

namespace accelnas::test {

// Labels `count` samples of the shared small space (seed `seed`, npu-pf32) in this process into
// `dir`/labels.db, and returns the database path.
inline std::string make_label_store(const std::filesystem::path& dir, std::uint64_t count,
                                    std::uint64_t seed) {
  std::filesystem::create_directories(dir);
  const std::string space = (dir / "space.yaml").string();
  std::ofstream(space) << test_util::kSmallSpace;
  cal::LabelRequest req;
  req.space = space;
  req.count = count;
  req.seed = seed;
  req.db = (dir / "labels.db").string();
  const cal::LabelContext ctx = cal::load_label_context(req);
  auto db = cal::open_label_db(req, ctx);
  cal::LabelWriter writer(*db, true);
  cal::run_labels(*ctx.sampler, ctx.hw_record, ctx.hw, db->keys(ctx.hw_record.hash), req.count, 1,
                  writer);
  writer.finish();
  return req.db;
}

// A directory <tmp>/<prefix>_<pid>, removed with its contents when this object is destroyed.
struct ProcessTempDir {
  std::filesystem::path path;
  explicit ProcessTempDir(const std::string& prefix)
      : path(std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~ProcessTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  ProcessTempDir(const ProcessTempDir&) = delete;
  ProcessTempDir& operator=(const ProcessTempDir&) = delete;
};

// A label store made in-process (make_label_store) and an estimator fitted on it.
struct EstimatorFixture {
  std::filesystem::path dir;
  std::string db_path;
  std::string hw_hash;
  std::unique_ptr<cal::Estimator> est;
  cal::FitReport report;
};

inline EstimatorFixture make_estimator_fixture(const std::filesystem::path& dir,
                                               std::uint64_t count, std::uint64_t seed,
                                               const cal::FitOptions& fit) {
  EstimatorFixture x;
  x.dir = dir;
  x.db_path = make_label_store(dir, count, seed);
  const cal::LabelDb db(x.db_path, cal::LabelDb::Mode::ReadOnly);
  x.hw_hash = db.hardware().front().hash;
  x.est = std::make_unique<cal::Estimator>(cal::fit(db, x.hw_hash, fit, &x.report));
  return x;
}

inline const hw::HwSpec& pf32() {
  static const hw::HwSpec hw = hw::load_hw("npu-pf32");
  return hw;
}

// Every field of two jobs but the name (a label, not part of a unit's description).
inline void check_same_job(const hw::LayerJob& a, const hw::LayerJob& b, const std::string& where) {
  INFO(where);
  CHECK(a.op == b.op);
  CHECK(a.engine == b.engine);
  CHECK(a.precision == b.precision);
  CHECK(a.rows == b.rows);
  CHECK(a.cols == b.cols);
  CHECK(a.kernel_h == b.kernel_h);
  CHECK(a.kernel_w == b.kernel_w);
  CHECK(a.groups == b.groups);
  CHECK(a.in_channels_per_group == b.in_channels_per_group);
  CHECK(a.out_channels_per_group == b.out_channels_per_group);
  CHECK(a.depthwise == b.depthwise);
  CHECK(a.macs == b.macs);
  CHECK(a.vector_ops == b.vector_ops);
  CHECK(a.fused_op == b.fused_op);
  CHECK(a.fused_vector_ops == b.fused_vector_ops);
  CHECK(a.fused_halo_rows == b.fused_halo_rows);
  CHECK(a.weight_bytes == b.weight_bytes);
  CHECK(a.output_bytes == b.output_bytes);
  CHECK(a.output_whole == b.output_whole);
  CHECK(a.output_on_chip == b.output_on_chip);
  CHECK(a.output_to_dram == b.output_to_dram);
  CHECK(a.reserved_activation_bytes == b.reserved_activation_bytes);
  REQUIRE(a.inputs.size() == b.inputs.size());
  for (std::size_t k = 0; k < a.inputs.size(); ++k) {
    INFO("operand " << k);
    CHECK(a.inputs[k].bytes == b.inputs[k].bytes);
    CHECK(a.inputs[k].rows == b.inputs[k].rows);
    CHECK(a.inputs[k].halo_rows == b.inputs[k].halo_rows);
    CHECK(a.inputs[k].on_chip == b.inputs[k].on_chip);
    CHECK(a.inputs[k].whole == b.inputs[k].whole);
  }
}

}  // namespace accelnas::test

#endif  // ACCELNAS_TESTS_CALIBRATION_CAL_HELPERS_H
