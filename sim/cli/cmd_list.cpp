#include <cstdio>
#include <memory>

#include "calibration/labels/space.h"
#include "hw_models/hw_spec.h"
#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "workloads/config/error.h"
#include "workloads/config/suggest.h"
#include "workloads/network.h"
#include "workloads/zoo/zoo.h"

namespace accelnas::cli {
namespace {

sim::Table presets_table() {
  sim::Table t{{"preset", "default", "rationale"}, {}, {}};
  for (const auto& p : hw::presets()) {
    t.rows.push_back({p.name, p.name == hw::kDefaultPreset ? "yes" : "", p.rationale});
  }
  return t;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

sim::Table models_table() {
  sim::Table t{{"model", "parameters", "description"}, {}, {}};
  for (const auto& e : wl::zoo_entries()) {
    std::string params;
    for (const auto& p : e.params) {
      params += (params.empty() ? "" : ", ") + p.key + "=" + number(p.default_value) + " [" +
                number(p.min) + ".." + number(p.max) + "]";
    }
    t.rows.push_back({e.name, params, e.description});
  }
  return t;
}

sim::Table ops_table() {
  sim::Table t{{"op", "unit"}, {}, {}};
  for (const auto& name : wl::op_names()) {
    const bool array = name == "conv2d" || name == "fully_connected";
    t.rows.push_back({name, name == "input" ? "-" : array ? "dot_product_array" : "vector_unit"});
  }
  return t;
}

sim::Table spaces_table() {
  sim::Table t{{"space", "description"}, {}, {}};
  for (const auto& p : cal::space_presets()) t.rows.push_back({p.name, p.description});
  return t;
}

sim::Table hw_keys_table() {
  sim::Table t{{"key", "type", "default", "range", "description"}, {}, {}};
  for (const auto& d : hw::hw_param_decls()) {
    t.rows.push_back({d.key, cfg::type_text(d), d.default_text, cfg::range_text(d), d.description});
  }
  return t;
}

}  // namespace

void add_list(CLI::App& app) {
  struct Opts {
    std::string what;
    std::string format = "table";
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "list", "List presets, zoo models, operators, hardware keys or sampling spaces");
  cmd->add_option("what", o->what, "presets | models | ops | hw-keys | spaces")->required();
  cmd->add_option("--format", o->format, "Output format: table, csv or json")
      ->capture_default_str();
  cmd->callback([o]() {
    const sim::Format f = sim::parse_format(o->format);
    sim::Table t;
    if (o->what == "presets") {
      t = presets_table();
    } else if (o->what == "models") {
      t = models_table();
    } else if (o->what == "ops") {
      t = ops_table();
    } else if (o->what == "hw-keys") {
      t = hw_keys_table();
    } else if (o->what == "spaces") {
      t = spaces_table();
    } else {
      throw UserError(
          "list: unknown topic '" + o->what + "'" +
          suggestion_suffix(o->what, {"presets", "models", "ops", "hw-keys", "spaces"}) +
          "; expected presets, models, ops, hw-keys or spaces");
    }
    sim::write_table(std::cout, f, t);
  });
}

}  // namespace accelnas::cli
