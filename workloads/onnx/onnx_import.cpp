#include "workloads/onnx/onnx_import.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "workloads/config/error.h"
#include "workloads/config/input_file.h"
#include "workloads/config/text.h"
#include "workloads/onnx/onnx_mapper.h"
#include "workloads/onnx/onnx_model.h"

namespace accelnas::wl {
namespace {

// A positive integer that fits comfortably in a layer dimension.
bool parse_dim(const std::string& s, std::int64_t& out) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  out = std::stoll(s);
  return out >= 1;
}

// Names in the file may hold any bytes: a message quoting them stays one line.
std::string printable_line(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

}  // namespace

InputShape parse_input_shape(const std::string& text) {
  const auto fail = [&text]() {
    throw UserError("--input-shape '" + text +
                    "': expected NAME=HxWxC (e.g. input=224x224x3) or NAME=N,C,H,W (e.g. "
                    "input=1,3,224,224)");
  };
  InputShape shape;
  const auto eq = text.rfind('=');
  std::string dims = text;
  if (eq != std::string::npos) {
    shape.name = text.substr(0, eq);
    dims = text.substr(eq + 1);
    if (shape.name.empty()) fail();
  }
  const bool hwc = dims.find('x') != std::string::npos;
  const std::vector<std::string> parts = split(dims, hwc ? 'x' : ',');
  if (hwc && parts.size() != 3) fail();
  std::vector<std::int64_t> values;
  for (const auto& p : parts) {
    std::int64_t v = 0;
    if (!parse_dim(p, v)) fail();
    values.push_back(v);
  }
  shape.dims = hwc ? std::vector<std::int64_t>{1, values[2], values[0], values[1]} : values;
  return shape;
}

Network import_onnx(const std::string& path, const OnnxOptions& options) {
  return import_onnx_bytes(read_input_file(path, kMaxOnnxFileBytes), path, options);
}

Network import_onnx_bytes(std::string_view bytes, const std::string& name,
                          const OnnxOptions& options) {
  const auto warn = [&options](const std::string& line) {
    if (options.warn) {
      options.warn(line);
    } else {
      std::fprintf(stderr, "accelnas: warning: %s\n", line.c_str());
    }
  };
  try {
    const onnx_detail::OnnxModel model(name, bytes, options.input_shapes, warn);
    OnnxOptions resolved = options;
    resolved.warn = warn;
    return onnx_detail::Mapper(model, resolved).run();
  } catch (const UserError& e) {
    throw UserError(printable_line(e.what()));
  }
}

const std::vector<std::string>& onnx_supported_ops() {
  static const std::vector<std::string> ops = [] {
    std::vector<std::string> v{"Constant"};
    for (const auto& entry : onnx_detail::op_table()) v.push_back(entry.first);
    std::sort(v.begin(), v.end());
    return v;
  }();
  return ops;
}

bool is_onnx_path(const std::string& path) {
  static const std::string kSuffix = ".onnx";
  return path.size() >= kSuffix.size() &&
         path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

}  // namespace accelnas::wl
