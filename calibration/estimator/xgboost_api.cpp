#include "calibration/estimator/xgboost_api.h"

#include <dlfcn.h>

#include <string>

#include "workloads/config/error.h"

namespace accelnas::cal {
namespace {

constexpr const char* kLibrary = "libxgboost.so.0";

template <class F>
void bind(void* lib, const char* name, F& out) {
  void* sym = ::dlsym(lib, name);
  if (!sym) throw UserError(std::string(kLibrary) + ": has no " + name + " (XGBoost too old?)");
  out = reinterpret_cast<F>(sym);
}

XgbApi load() {
  void* lib = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    throw UserError(std::string("cannot load XGBoost, needed to train an estimator (Debian: "
                                "libxgboost0): ") +
                    ::dlerror());
  }
  XgbApi api{};
  bind(lib, "XGBGetLastError", api.GetLastError);
  bind(lib, "XGBoostVersion", api.Version);
  bind(lib, "XGDMatrixCreateFromMat", api.DMatrixCreateFromMat);
  bind(lib, "XGDMatrixSetFloatInfo", api.DMatrixSetFloatInfo);
  bind(lib, "XGDMatrixFree", api.DMatrixFree);
  bind(lib, "XGBoosterCreate", api.BoosterCreate);
  bind(lib, "XGBoosterFree", api.BoosterFree);
  bind(lib, "XGBoosterSetParam", api.BoosterSetParam);
  bind(lib, "XGBoosterUpdateOneIter", api.BoosterUpdateOneIter);
  bind(lib, "XGBoosterSaveModelToBuffer", api.BoosterSaveModelToBuffer);
  bind(lib, "XGBoosterPredict", api.BoosterPredict);
  return api;  // the library stays loaded for the life of the process
}

}  // namespace

const XgbApi& xgb() {
  static const XgbApi api = load();  // a failed load throws and is retried on the next call
  return api;
}

}  // namespace accelnas::cal
