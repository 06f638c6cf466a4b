// ONNX import (wl::import_onnx): any bytes are imported or refused with a UserError. The importer
// reads files, so each input is written to a temporary .onnx file first.
#include "fuzz_common.h"
#include "onnx/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace accelnas;
  static fuzz::TempFile file(".onnx");
  const std::string& path = file.write(data, size);
  return fuzz::user_error_or_success([&] {
    wl::OnnxOptions options;
    options.warn = [](const std::string&) {};
    (void)wl::import_onnx(path, options);
  });
}
