// ONNX import (wl::import_onnx_bytes): any bytes are imported or refused with a UserError.
#include <string_view>

#include "tests/fuzz/fuzz_common.h"
#include "workloads/onnx/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace accelnas;
  return fuzz::user_error_or_success([&] {
    wl::OnnxOptions options;
    options.warn = [](const std::string&) {};
    (void)wl::import_onnx_bytes(std::string_view(reinterpret_cast<const char*>(data), size),
                                "fuzz.onnx", options);
  });
}
