#include "workloads/precision.h"

namespace accelnas {

const char* precision_name(Precision p) {
  switch (p) {
    case Precision::Int8:
      return "int8";
    case Precision::Int16:
      return "int16";
    case Precision::Fp16:
      return "fp16";
    case Precision::Bf16:
      return "bf16";
  }
  return "?";
}

bool parse_precision(const std::string& name, Precision& out) {
  for (Precision p : kAllPrecisions) {
    if (name == precision_name(p)) {
      out = p;
      return true;
    }
  }
  return false;
}

}  // namespace accelnas
