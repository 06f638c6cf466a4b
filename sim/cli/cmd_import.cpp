#include <memory>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "workloads/config/error.h"
#include "workloads/config/suggest.h"
#include "workloads/loader.h"
#include "workloads/onnx/onnx_import.h"

namespace accelnas::cli {

void add_import(CLI::App& app) {
  struct Opts {
    ModelSource source;
    std::string output;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Import an ONNX model (NCHW, opset 7-17) as a network YAML file: Conv+BatchNormalization+"
      "activation chains become one layer, shape-only operators are folded away, and IBN, "
      "fused-IBN and squeeze-excite blocks are annotated. `simulate --model MODEL.onnx` does the "
      "same import on the fly.");
  cmd->add_option("model", o->source.model, "ONNX model file")->required();
  cmd->add_option("-o,--output", o->output,
                  "Write the network YAML to this file instead of stdout");
  add_onnx_options(*cmd, o->source);
  cmd->footer("Supported ONNX operators: " + join(wl::onnx_supported_ops(), ", ") + ".");
  cmd->callback([o]() {
    const std::string& path = o->source.model;
    if (!wl::is_onnx_path(path)) {
      throw UserError(path + ": expected an ONNX file (*.onnx)");
    }
    Output out(o->output);
    const wl::Network net = load_model(o->source);
    out.stream() << wl::to_yaml(net);
    out.commit();
  });
}

}  // namespace accelnas::cli
