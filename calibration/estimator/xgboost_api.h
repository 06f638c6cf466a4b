// Internal to the estimator: XGBoost's C API, loaded on first use: only training (cal::fit) calls
// it, and linking libxgboost into the binary would add about 6 ms to the start-up of every accelnas
// command (measured: `accelnas --version` 34.6 ms -> 40.3 ms). Prediction never needs it: the trees
// are evaluated by tree_eval.h.
#ifndef ACCELNAS_CALIBRATION_ESTIMATOR_XGBOOST_API_H
#define ACCELNAS_CALIBRATION_ESTIMATOR_XGBOOST_API_H

#include <xgboost/c_api.h>

namespace accelnas::cal {

struct XgbApi {
  decltype(&::XGBGetLastError) GetLastError;
  decltype(&::XGBoostVersion) Version;
  decltype(&::XGDMatrixCreateFromMat) DMatrixCreateFromMat;
  decltype(&::XGDMatrixSetFloatInfo) DMatrixSetFloatInfo;
  decltype(&::XGDMatrixFree) DMatrixFree;
  decltype(&::XGBoosterCreate) BoosterCreate;
  decltype(&::XGBoosterFree) BoosterFree;
  decltype(&::XGBoosterSetParam) BoosterSetParam;
  decltype(&::XGBoosterUpdateOneIter) BoosterUpdateOneIter;
  decltype(&::XGBoosterSaveModelToBuffer) BoosterSaveModelToBuffer;
  decltype(&::XGBoosterPredict) BoosterPredict;
};

// The API, loading libxgboost.so.0 on the first call (thread-safe). Throws UserError naming the
// library when it is missing (Debian: libxgboost0) or lacks a function.
const XgbApi& xgb();

}  // namespace accelnas::cal

#endif  // ACCELNAS_CALIBRATION_ESTIMATOR_XGBOOST_API_H
