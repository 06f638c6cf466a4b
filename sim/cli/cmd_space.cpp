// `accelnas space info|list`: what a search space (nas/space.h) holds on one hardware.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "hw_models/hw_spec.h"
#include "nas/candidate.h"
#include "nas/space.h"
#include "sim/cli/commands.h"
#include "sim/cli/common.h"
#include "sim/report.h"
#include "sim/runtime/rng.h"
#include "workloads/config/error.h"
#include "workloads/network.h"

namespace accelnas::cli {
namespace {

std::string join_choices(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& c : v) out += (out.empty() ? "" : ", ") + c;
  return out;
}

std::string size_text(const nas::SearchSpace& s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "10^%.2f", s.log10_size());
  std::string out = buf;
  if (s.log10_size() < 15) {
    std::uint64_t count = 1;
    for (int c : s.cardinalities()) count *= static_cast<std::uint64_t>(c);
    out += " (" + std::to_string(count) + " candidates)";
  }
  return out;
}

struct Sample {
  std::string encoding, arch, reason;
  bool built = false;
  std::int64_t macs = 0, params = 0;
};

void info(const std::string& space_spec, const std::string& hw_spec, int samples,
          std::uint64_t seed, const std::string& format) {
  if (format != "table" && format != "json")
    throw UserError("--format: expected table or json, got '" + format + "'");
  const hw::HwSpec hw = hw::load_hw(hw_spec);
  const nas::SearchSpace space = nas::SearchSpace::load(space_spec, hw);
  std::vector<Sample> drawn;
  for (int i = 0; i < samples; ++i) {
    runtime::Rng rng(seed, static_cast<std::uint64_t>(i));
    const nas::Encoding e = space.sample(rng);
    const nas::Decoded d = space.decode(e);
    Sample s{nas::encoding_text(e), d.arch, d.reason, d.net.has_value()};
    if (d.net) {
      s.macs = wl::total_macs(*d.net);
      s.params = wl::total_params(*d.net);
    }
    drawn.push_back(std::move(s));
  }
  const auto base = space.base_encoding();
  if (format == "json") {
    nlohmann::ordered_json j;
    j["name"] = space.name();
    j["description"] = space.description();
    j["source"] = space.source();
    j["hash"] = space.hash();
    j["hw"] = hw.name;
    j["parallelism_factor"] = hw.parallelism_factor;
    j["log10_size"] = space.log10_size();
    j["dimensions"] = nlohmann::json::array();
    for (const auto& d : space.all_dimensions()) {
      j["dimensions"].push_back(
          {{"name", d.name}, {"choices", d.choices}, {"fixed", d.choices.size() == 1}});
    }
    j["base_encoding"] = base ? nlohmann::json(nas::encoding_text(*base)) : nlohmann::json();
    j["samples"] = nlohmann::json::array();
    for (const Sample& s : drawn) {
      nlohmann::ordered_json o;
      o["encoding"] = s.encoding;
      o["arch"] = s.arch;
      if (s.built) {
        o["macs"] = s.macs;
        o["params"] = s.params;
      } else {
        o["cannot_build"] = s.reason;
      }
      j["samples"].push_back(o);
    }
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::ostringstream os;
  os << "space:       " << space.name() << "\n"
     << "description: " << space.description() << "\n"
     << "source:      " << space.source() << "\n"
     << "hash:        " << space.hash() << "\n"
     << "hardware:    " << hw.name << " (parallelism factor " << hw.parallelism_factor << ")\n"
     << "size:        " << size_text(space) << ", " << space.dimensions().size() << " dimensions ("
     << space.fixed_dimensions().size() << " fixed)\n";
  if (base) os << "base:        " << nas::encoding_text(*base) << "\n";
  os << "\n";
  sim::Table dims{{"dimension", "choices", "values"}, {}, {false, true, false}};
  for (const auto& d : space.all_dimensions()) {
    dims.rows.push_back({d.name, d.choices.size() == 1 ? "fixed" : std::to_string(d.choices.size()),
                         join_choices(d.choices)});
  }
  sim::write_table(os, sim::Format::Table, dims);
  if (!drawn.empty()) {
    os << "\n";
    sim::Table t{
        {"sample", "encoding", "MMACs", "params", "arch"}, {}, {true, false, true, true, false}};
    for (std::size_t i = 0; i < drawn.size(); ++i) {
      const Sample& s = drawn[i];
      char macs[32];
      std::snprintf(macs, sizeof macs, "%.1f", static_cast<double>(s.macs) / 1e6);
      t.rows.push_back({std::to_string(i), s.encoding, s.built ? macs : "",
                        s.built ? std::to_string(s.params) : "",
                        s.built ? s.arch : "cannot_build: " + one_line(s.reason)});
    }
    sim::write_table(os, sim::Format::Table, t);
  }
  std::cout << os.str();
}

}  // namespace

void add_space(CLI::App& app) {
  CLI::App* space = app.add_subcommand("space", "Inspect NAS search spaces (docs/NAS.md)");
  space->require_subcommand(1);

  struct InfoOpts {
    std::string space = nas::kDefaultSearchSpace;
    std::string hw = hw::kDefaultPreset;
    int samples = 5;
    std::uint64_t seed = 1;
    std::string format = "table";
  };
  auto o = std::make_shared<InfoOpts>();
  CLI::App* info_cmd = space->add_subcommand(
      "info",
      "A search space's dimensions and choices as resolved on one hardware, its size, "
      "and random samples decoded into networks");
  info_cmd->add_option("--space", o->space, "Built-in search space name or YAML file")
      ->capture_default_str();
  add_hw_option(*info_cmd, o->hw);
  add_integer_option(*info_cmd, "--samples", o->samples, "Random candidates to decode", 0, 1000)
      ->capture_default_str();
  add_seed_option(*info_cmd, o->seed, "Seed: sample i depends only on (space, hw, seed, i)");
  info_cmd->add_option("--format", o->format, "Output format: table or json")
      ->capture_default_str();
  info_cmd->callback([o]() { info(o->space, o->hw, o->samples, o->seed, o->format); });

  auto format = std::make_shared<std::string>("table");
  CLI::App* list_cmd = space->add_subcommand("list", "List the built-in search spaces");
  list_cmd->add_option("--format", *format, "Output format: table, csv or json")
      ->capture_default_str();
  list_cmd->callback([format]() {
    const sim::Format f = sim::parse_format(*format);
    sim::Table t{{"space", "default", "description"}, {}, {}};
    for (const auto& p : nas::search_space_presets())
      t.rows.push_back({p.name, p.name == nas::kDefaultSearchSpace ? "yes" : "", p.description});
    sim::write_table(std::cout, f, t);
  });
}

}  // namespace accelnas::cli
