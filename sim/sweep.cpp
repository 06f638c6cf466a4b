#include "sim/sweep.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "hw_models/hw_spec.h"
#include "sim/json_text.h"
#include "sim/planner.h"
#include "sim/runtime/worker_pool.h"
#include "workloads/config/error.h"

namespace accelnas::sim {
namespace {

using json = nlohmann::json;

constexpr const char* kUnmappable = "unmappable: ";

void evaluate(const std::string& hw_spec, const std::vector<wl::Network>& nets, bool per_layer,
              SweepPoint& p) {
  const hw::HwSpec hw = hw::load_hw(hw_spec, p.overrides);
  p.hw_name = hw.name;
  try {
    const SimResult r = simulate_network(nets.at(p.model), hw, p.opt);
    p.total = r.total;
    if (per_layer) p.layer_rows = layer_table(r.layers).rows;
    p.status = "ok";
  } catch (const UserError& e) {
    p.status = kUnmappable + std::string(e.what());
  }
}

json to_json(const SweepPoint& p) {
  const Totals& t = p.total;
  json j{{"status", p.status},
         {"hw_name", p.hw_name},
         {"cycles", t.cycles},
         {"latency_ms", t.latency_ms},
         {"energy_uj", t.energy_uj},
         {"macs", t.macs},
         {"utilization", t.utilization},
         {"dram_read_bytes", t.dram_read_bytes},
         {"dram_write_bytes", t.dram_write_bytes},
         {"sram_peak_bytes", t.sram_peak_bytes}};
  if (!p.layer_rows.empty()) j["layer_rows"] = p.layer_rows;
  return j;
}

void from_json(const json& j, SweepPoint& p) {
  p.status = j.at("status").get<std::string>();
  p.hw_name = j.at("hw_name").get<std::string>();
  Totals& t = p.total;
  t.cycles = j.at("cycles").get<std::int64_t>();
  t.latency_ms = j.at("latency_ms").get<double>();
  t.energy_uj = j.at("energy_uj").get<double>();
  t.macs = j.at("macs").get<std::int64_t>();
  t.utilization = j.at("utilization").get<double>();
  t.dram_read_bytes = j.at("dram_read_bytes").get<std::int64_t>();
  t.dram_write_bytes = j.at("dram_write_bytes").get<std::int64_t>();
  t.sram_peak_bytes = j.at("sram_peak_bytes").get<std::int64_t>();
  if (j.contains("layer_rows")) j.at("layer_rows").get_to(p.layer_rows);
}

}  // namespace

SweepAxis parse_axis(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UserError("--set '" + text + "': expected KEY=V1,V2,... (see `accelnas list hw-keys`)");
  }
  SweepAxis axis;
  axis.key = text.substr(0, eq);
  if (cfg::find_decl(hw::hw_param_decls(), axis.key) == nullptr) {
    throw UserError("--set " + axis.key + ": unknown key (see `accelnas list hw-keys`)");
  }
  std::string rest = text.substr(eq + 1);
  std::size_t start = 0;
  while (start <= rest.size()) {
    const auto comma = rest.find(',', start);
    const std::string v =
        rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (v.empty()) throw UserError("--set " + axis.key + ": empty value in '" + rest + "'");
    axis.values.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return axis;
}

std::vector<SweepPoint> expand(const SweepSpace& space) {
  std::vector<SweepPoint> points;
  for (std::size_t m = 0; m < space.models.size(); ++m) {
    for (const auto& precision : space.precisions) {
      for (const std::int64_t batch : space.batches) {
        SweepPoint p;
        p.model = m;
        p.opt.precision = precision;
        p.opt.batch = batch;
        points.push_back(p);
      }
    }
  }
  for (const auto& axis : space.axes) {
    std::vector<SweepPoint> next;
    for (const auto& p : points) {
      for (const auto& v : axis.values) {
        SweepPoint q = p;
        q.overrides.emplace_back(axis.key, v);
        next.push_back(q);
      }
    }
    points = std::move(next);
  }
  return points;
}

void run_sweep(const std::string& hw_spec, const std::vector<wl::Network>& nets,
               std::vector<SweepPoint>& points, int jobs, bool per_layer,
               const std::function<void(std::size_t, std::size_t)>& progress) {
  // Validate every configuration before any work, so a bad value fails fast and clearly.
  for (const auto& net : nets) check_runnable(net);
  for (auto& p : points) {
    ACCELNAS_CHECK(p.model < nets.size(), "sweep: a point names a model that was not loaded");
    wl::check_batch(p.opt.batch);
    p.hw_name = hw::load_hw(hw_spec, p.overrides).name;
  }
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(points.size())));
  if (jobs == 1) {
    for (std::size_t i = 0; i < points.size(); ++i) {
      evaluate(hw_spec, nets, per_layer, points[i]);
      progress(i + 1, points.size());
    }
    return;
  }
  // Each worker keeps its one SystemC elaboration for all the points it takes.
  runtime::run_in_order(
      "sweep", points.size(), jobs,
      [&](std::size_t i) {
        evaluate(hw_spec, nets, per_layer, points[i]);
        return json_text(to_json(points[i]));
      },
      [&](std::size_t i, const std::string& line) {
        from_json(json::parse(line), points[i]);
        progress(i + 1, points.size());
      });
}

Table sweep_table(const SweepSpace& space, const std::vector<SweepPoint>& points, bool per_layer) {
  Table t;
  auto column = [&t](const std::string& name, bool numeric) {
    t.columns.push_back(name);
    t.numeric.push_back(numeric);
  };
  // The configuration's columns, prepended on every row.
  const bool show_model = space.models.size() > 1;
  const bool show_precision = space.precisions.size() > 1;
  const bool show_batch = space.batches.size() > 1;
  if (show_model) column("model", false);
  if (show_precision) column("precision", false);
  if (show_batch) column("batch", true);
  for (const auto& a : space.axes) column(a.key, false);
  auto config = [&](const SweepPoint& p) {
    std::vector<std::string> row;
    if (show_model) row.push_back(space.models.at(p.model));
    if (show_precision) row.push_back(p.opt.precision ? precision_name(*p.opt.precision) : "");
    if (show_batch) row.push_back(std::to_string(p.opt.batch));
    for (const auto& o : p.overrides) row.push_back(o.second);
    return row;
  };

  if (per_layer) {
    const Table layers = layer_table({});
    for (std::size_t c = 0; c < layers.columns.size(); ++c) {
      column(layers.columns[c] == "precision" ? "layer_precision" : layers.columns[c],
             layers.numeric[c]);
    }
    column("status", false);
    for (const auto& p : points) {
      std::vector<std::vector<std::string>> rows = p.layer_rows;
      if (rows.empty()) rows.emplace_back(layers.columns.size());  // unmappable: no layers
      for (auto& layer : rows) {
        std::vector<std::string> row = config(p);
        row.insert(row.end(), layer.begin(), layer.end());
        row.push_back(p.status);
        t.rows.push_back(std::move(row));
      }
    }
    return t;
  }

  for (const char* c : {"latency_ms", "cycles", "utilization", "dram_read_bytes",
                        "dram_write_bytes", "energy_uj"}) {
    column(c, true);
  }
  column("status", false);
  for (const auto& p : points) {
    std::vector<std::string> row = config(p);
    const bool ok = p.status == "ok";
    const Totals& s = p.total;
    row.push_back(ok ? fixed(s.latency_ms, 4) : "");
    row.push_back(ok ? std::to_string(s.cycles) : "");
    row.push_back(ok ? fixed(s.utilization, 4) : "");
    row.push_back(ok ? std::to_string(s.dram_read_bytes) : "");
    row.push_back(ok ? std::to_string(s.dram_write_bytes) : "");
    row.push_back(ok ? fixed(s.energy_uj, 2) : "");
    row.push_back(p.status);
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string all_unmappable_reason(const std::vector<SweepPoint>& points) {
  for (const auto& p : points) {
    if (p.status == "ok") return "";
  }
  if (points.empty()) return "";
  const std::string& s = points.front().status;
  return s.rfind(kUnmappable, 0) == 0 ? s.substr(std::strlen(kUnmappable)) : s;
}

}  // namespace accelnas::sim
