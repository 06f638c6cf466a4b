#include "sim/cli/common.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "workloads/config/error.h"
#include "workloads/config/utf8.h"
#include "workloads/loader.h"
#include "workloads/onnx/onnx_import.h"

namespace accelnas::cli {

// Error text can quote names read from user files (ONNX node names, YAML keys) that hold control
// characters or invalid UTF-8; escape them so the error stays one readable line.
std::string one_line(const std::string& text) {
  std::string out;
  auto hex = [&out](unsigned char c) {
    static const char* digits = "0123456789abcdef";
    out += "\\x";
    out += digits[c >> 4];
    out += digits[c & 15];
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      hex(c);
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t len = utf8_sequence_length(text, i); len > 0) {
      out.append(text, i, len);
      i += len;
    } else {
      hex(c);
      ++i;
    }
  }
  return out;
}

void add_model_options(CLI::App& cmd, ModelSource& m) {
  cmd.add_option("--model", m.model,
                 "Zoo model (e.g. mobilenet_v2 or mobilenet_v2:width=0.75,resolution=160; see "
                 "`accelnas list models`), network YAML file, or ONNX file (*.onnx)")
      ->required();
  add_onnx_options(cmd, m);
}

void add_onnx_options(CLI::App& cmd, ModelSource& m) {
  cmd.add_option("--input-shape", m.input_shapes,
                 "ONNX only: shape of a graph input with dynamic dimensions: NAME=HxWxC (batch 1, "
                 "e.g. input=224x224x3) or NAME=N,C,H,W in the file's order (e.g. "
                 "input=1,3,224,224); NAME= may be left out when the model has one input. Repeat "
                 "for several inputs. A dynamic batch alone is taken as 1.")
      ->type_size(1)
      ->expected(1, 1 << 10)
      ->allow_extra_args(false);
  cmd.add_flag("--allow-unsupported", m.allow_unsupported,
               "ONNX only: map each unsupported operator to a vector-unit op (a 1x1 avgpool "
               "pass, or a resize when it changes H or W) with a warning, instead of failing");
}

wl::Network load_model(const ModelSource& m) {
  if (!wl::is_onnx_path(m.model)) {
    if (!m.input_shapes.empty()) throw UserError("--input-shape applies to ONNX models only");
    if (m.allow_unsupported) throw UserError("--allow-unsupported applies to ONNX models only");
    return wl::resolve_model(m.model);
  }
  wl::OnnxOptions options;
  for (const auto& text : m.input_shapes)
    options.input_shapes.push_back(wl::parse_input_shape(text));
  options.allow_unsupported = m.allow_unsupported;
  options.warn = [](const std::string& line) {
    std::cerr << "accelnas: warning: " << one_line(line) << "\n";
  };
  return wl::import_onnx(m.model, options);
}

void add_hw_option(CLI::App& cmd, std::string& hw) {
  cmd.add_option("--hw", hw, "Hardware preset name or YAML file (see `accelnas list presets`)")
      ->capture_default_str();
}

void add_report_options(CLI::App& cmd, std::string& format, std::string& output) {
  cmd.add_option("--format", format, "Output format: table, csv or json")->capture_default_str();
  cmd.add_option("-o,--output", output, "Write the report to this file instead of stdout");
}

void add_run_options(CLI::App& cmd, RunOptions& o) {
  add_hw_option(cmd, o.hw);
  add_model_options(cmd, o.source);
  cmd.add_option("--precision", o.precision,
                 "Run every layer at this precision: int8, int16, fp16 or bf16 (default: each "
                 "layer's own, which defaults to the network's, then int8)");
  add_integer_option(cmd, "--batch", o.batch, "Batch size", 1, wl::kMaxBatch)
      ->capture_default_str();
  add_report_options(cmd, o.format, o.output);
}

Precision parse_precision_option(const std::string& text) {
  Precision prec;
  if (!parse_precision(text, prec)) {
    throw UserError("--precision: expected int8, int16, fp16 or bf16, got '" + text + "'");
  }
  return prec;
}

sim::PlanOptions plan_options(const RunOptions& o) {
  sim::PlanOptions p;
  wl::check_batch(o.batch);
  p.batch = o.batch;
  if (!o.precision.empty()) p.precision = parse_precision_option(o.precision);
  sim::parse_format(o.format);  // validate before any work
  return p;
}

Output::Output(const std::string& path) {
  if (!path.empty()) file_ = std::make_unique<OutputFile>(path);
}

void Output::commit() {
  if (file_) return file_->commit();
  check_stdout();
}

void check_stdout() {
  std::cout.flush();
  // std::cout writes through C's stdout, whose buffer reports a failed write only when flushed.
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout))
    throw UserError("stdout: write failed");
}

CLI::Validator integer_range(std::uint64_t lo, std::uint64_t hi, std::uint64_t type_max) {
  return CLI::Validator(
      [lo, hi, type_max](std::string& text) {
        const bool digits =
            !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        bool too_large = false;
        std::uint64_t v = 0;
        if (digits) {
          try {
            v = std::stoull(text);
          } catch (const std::out_of_range&) {
            too_large = true;
          }
        }
        too_large = too_large || (digits && v > std::min(hi, type_max));
        if (digits && !too_large && v >= lo) return std::string();
        const std::string tail = ", got '" + text + "'";
        if (hi != kNoLimit) return "expected an integer from " + range_text(lo, hi) + tail;
        return "expected an integer " + range_text(lo, hi) + tail +
               (too_large ? " (too large)" : "");
      },
      "");
}

std::string range_text(std::uint64_t lo, std::uint64_t hi) {
  return hi == kNoLimit ? ">= " + std::to_string(lo)
                        : std::to_string(lo) + " to " + std::to_string(hi);
}

CLI::Option* add_seed_option(CLI::App& cmd, std::uint64_t& seed, const std::string& help) {
  return cmd.add_option("--seed", seed, help)
      ->capture_default_str()
      ->check(integer_range(0, kNoLimit));
}

void check_sample_count(long long count) {
  if (count < 1 || count > kMaxSampleCount) {
    throw UserError("--count: expected an integer from 1 to " + std::to_string(kMaxSampleCount) +
                    ", got " + std::to_string(count) + " (split larger jobs by --seed)");
  }
}

}  // namespace accelnas::cli
