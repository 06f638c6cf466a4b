// NetworkBuilder: writes zoo networks concisely. Every method adds one layer and returns its
// name, so layers chain as `x = b.pw("ibn3_project", x, 32, bn())`. Windows use TF "SAME"
// padding. Layers get origin "zoo:<model>: <layer>", and the block and role open at the time.
#ifndef ACCELNAS_WORKLOADS_ZOO_BUILDER_H
#define ACCELNAS_WORKLOADS_ZOO_BUILDER_H

#include <map>
#include <string>
#include <vector>

#include "workloads/network.h"

namespace accelnas::wl {

// Epilogue shorthands: batchnorm (folded) or bias, then an optional activation.
Epilogue bn(Activation activation = Activation::None);
Epilogue bias(Activation activation = Activation::None);

class NetworkBuilder {
 public:
  explicit NetworkBuilder(std::string model, Precision precision = Precision::Int8);

  // Layers added until end_block() get this block id and type. Opening or closing a block
  // clears the role.
  void begin_block(std::string id, std::string type);
  void end_block();
  // Layers added from now until the next role() or end_block() get this role inside the open
  // block (see the vocabulary in network.h); a role needs an open block. Returns *this, so a
  // role and its layer chain: `x = b.role("project").pw("ibn3_project", x, 32, bn())`.
  NetworkBuilder& role(std::string role);
  // Layers added from now on run at `precision` (the constructor's precision until then).
  void set_precision(Precision precision) { precision_ = precision; }

  std::string input(const std::string& name, Shape shape);
  std::string conv(const std::string& name, const std::string& in, std::int64_t out_channels,
                   int kernel, int stride, Epilogue epilogue, int groups = 1);
  std::string dwconv(const std::string& name, const std::string& in, int kernel, int stride,
                     Epilogue epilogue);
  std::string pw(const std::string& name, const std::string& in, std::int64_t out_channels,
                 Epilogue epilogue);
  std::string fc(const std::string& name, const std::string& in, std::int64_t out_channels,
                 Epilogue epilogue);
  std::string add(const std::string& name, const std::string& a, const std::string& b);
  std::string mul(const std::string& name, const std::string& a, const std::string& b);
  std::string maxpool(const std::string& name, const std::string& in, int kernel, int stride);
  std::string avgpool(const std::string& name, const std::string& in, int kernel, int stride);
  std::string global_avgpool(const std::string& name, const std::string& in);
  std::string concat(const std::string& name, const std::vector<std::string>& ins);
  // Channels [begin, end) of `in` (channel_slice).
  std::string channel_slice(const std::string& name, const std::string& in, std::int64_t begin,
                            std::int64_t end);
  std::string resize(const std::string& name, const std::string& in, std::int64_t out_h,
                     std::int64_t out_w, ResizeMode mode);

  // Output channels of a layer added so far.
  std::int64_t channels(const std::string& layer) const;

  // Finalizes and returns the network under `network_name`.
  Network build(const std::string& network_name);
  // build() without copying the network: the builder is spent (its network moved out).
  Network take(const std::string& network_name);

 private:
  Layer make(const std::string& name, OpKind op, std::vector<std::string> inputs) const;
  std::string push(Layer layer, std::int64_t out_channels);
  std::string window(const std::string& name, OpKind op, const std::string& in, int kernel,
                     int stride);

  Network net_;
  std::string model_;
  Precision precision_;
  std::string block_, block_type_, role_;
  std::map<std::string, std::int64_t> channels_;
};

}  // namespace accelnas::wl

#endif  // ACCELNAS_WORKLOADS_ZOO_BUILDER_H
