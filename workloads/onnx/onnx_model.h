// Internal to the ONNX importer: the parsed model after input shapes are applied and ONNX shape
// inference has run, with lookups for tensor shapes and small constant values.
#ifndef ACCELNAS_WORKLOADS_ONNX_ONNX_MODEL_H
#define ACCELNAS_WORKLOADS_ONNX_ONNX_MODEL_H

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/onnx/onnx_import.h"

namespace accelnas::wl::onnx_detail {

using Dims = std::vector<std::int64_t>;

// "[1, 3, 224, 224]"; unknown dimensions print as their symbolic name or "?".
std::string dims_text(const Dims& dims);

class OnnxModel {
 public:
  // Parses `bytes` (the contents of `file`, which names it in messages), checks and sorts the
  // graph (onnx_validate.h), applies `input_shapes`, fixes a dynamic batch to 1 and runs shape
  // inference. Throws UserError naming the file when it is not a usable ONNX model.
  OnnxModel(const std::string& file, std::string_view bytes,
            const std::vector<InputShape>& input_shapes,
            const std::function<void(const std::string&)>& warn);
  OnnxModel(const OnnxModel&) = delete;  // inputs_ and constants_ point into model_
  OnnxModel& operator=(const OnnxModel&) = delete;

  const std::string& file() const { return file_; }  // the path, for messages
  const onnx::GraphProto& graph() const { return model_.graph(); }
  int opset() const { return opset_; }  // of the default domain

  // Graph inputs that are not initializers, in file order.
  const std::vector<const onnx::ValueInfoProto*>& inputs() const { return inputs_; }
  // The tensor's dims when every one is known (from the file or shape inference); they are
  // >= 0 with at most kMaxElements in all, so products of them do not overflow.
  bool dims(const std::string& tensor, Dims& out) const;
  // True for initializers and Constant node outputs.
  bool is_constant(const std::string& tensor) const;
  // The constant's values, converted to double; false when not a constant or not decodable
  // (unsupported element type, external data).
  bool constant_values(const std::string& tensor, std::vector<double>& out) const;

 private:
  void parse(std::string_view bytes);
  void apply_input_shapes(const std::vector<InputShape>& shapes,
                          const std::function<void(const std::string&)>& warn);
  void infer_shapes();
  void index_tensors();

  std::string file_;
  onnx::ModelProto model_;
  int opset_ = 0;
  std::vector<const onnx::ValueInfoProto*> inputs_;
  std::map<std::string, Dims> dims_;
  std::map<std::string, const onnx::TensorProto*> constants_;
  std::deque<onnx::TensorProto> owned_;  // Constant nodes' values
};

}  // namespace accelnas::wl::onnx_detail

#endif  // ACCELNAS_WORKLOADS_ONNX_ONNX_MODEL_H
