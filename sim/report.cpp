#include "sim/report.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "sim/json_text.h"
#include "sim/layer_summary.h"
#include "workloads/config/error.h"
#include "workloads/config/text.h"
#include "workloads/config/units.h"

namespace accelnas::sim {
namespace {

using json = nlohmann::ordered_json;

const std::vector<std::string> kLayerColumns = {"name",
                                                "op",
                                                "precision",
                                                "cycles",
                                                "compute_cycles",
                                                "stall_cycles",
                                                "macs",
                                                "utilization",
                                                "dram_read_bytes",
                                                "dram_write_bytes",
                                                "sram_peak_bytes",
                                                "energy_pj",
                                                "tiles",
                                                "weights_streamed"};

}  // namespace

Table layer_table(const std::vector<hw::LayerStats>& layers) {
  Table t;
  t.columns = kLayerColumns;
  t.numeric = {false, false, false, true, true, true, true,
               true,  true,  true,  true, true, true, false};
  for (const auto& l : layers) {
    t.rows.push_back({l.name, l.op, precision_name(l.precision), std::to_string(l.cycles),
                      std::to_string(l.compute_cycles), std::to_string(l.stall_cycles),
                      std::to_string(l.macs), fixed(l.utilization, 4),
                      std::to_string(l.dram_read_bytes), std::to_string(l.dram_write_bytes),
                      std::to_string(l.sram_peak_bytes), fixed(l.energy_pj, 1),
                      std::to_string(l.tiles), l.weights_streamed ? "yes" : "no"});
  }
  return t;
}

namespace {

json totals_json(const Totals& t) {
  json j;
  j["cycles"] = t.cycles;
  j["latency_ms"] = t.latency_ms;
  j["energy_uj"] = t.energy_uj;
  j["macs"] = t.macs;
  j["utilization"] = t.utilization;
  j["dram_read_bytes"] = t.dram_read_bytes;
  j["dram_write_bytes"] = t.dram_write_bytes;
  j["sram_peak_bytes"] = t.sram_peak_bytes;
  return j;
}

json hw_json(const hw::HwSpec& hw) {
  json j;
  j["name"] = hw.name;
  j["source"] = hw.source;
  json params = json::object();
  for (const auto& d : hw::hw_param_decls()) {
    if (d.key == "name") continue;
    params[d.key] = hw.values.at(d.key).text;
  }
  j["params"] = params;
  return j;
}

// Names come from user files: invalid UTF-8 is replaced rather than thrown on.
std::string json_string(const std::string& s) {
  return json_text(json(s));
}

// The time of `cycle` at `clock_hz` in whole picoseconds, rounded to nearest, in integers.
std::int64_t cycle_picoseconds(std::int64_t cycle, double clock_hz) {
  ACCELNAS_CHECK(cycle >= 0, "trace: negative cycle");
  __extension__ using i128 = __int128;  // cycle * 10^12 needs more than 64 bits
  const i128 hz = std::llround(clock_hz);
  return static_cast<std::int64_t>((static_cast<i128>(cycle) * 1'000'000'000'000 + hz / 2) / hz);
}

// Picoseconds as a decimal number of microseconds: exact, at most 6 decimals, no trailing zeros.
std::string picoseconds_as_us(std::int64_t ps) {
  std::string frac = std::to_string(ps % 1'000'000);
  frac.insert(0, 6 - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  const std::string whole = std::to_string(ps / 1'000'000);
  return frac.empty() ? whole : whole + "." + frac;
}

}  // namespace

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void write_csv_row(std::ostream& os, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) os << (i ? "," : "") << csv_escape(fields[i]);
  os << "\n";
}

std::string fixed(double v, int decimals) {
  return fixed_decimals(v, decimals);
}

Format parse_format(const std::string& text) {
  if (text == "table") return Format::Table;
  if (text == "csv") return Format::Csv;
  if (text == "json") return Format::Json;
  throw UserError("--format: expected table, csv or json, got '" + text + "'");
}

void write_table(std::ostream& os, Format f, const Table& t) {
  if (f == Format::Csv) {
    for (std::size_t c = 0; c < t.columns.size(); ++c) os << (c ? "," : "") << t.columns[c];
    os << "\n";
    for (const auto& row : t.rows) {
      for (std::size_t c = 0; c < row.size(); ++c) os << (c ? "," : "") << csv_escape(row[c]);
      os << "\n";
    }
    return;
  }
  if (f == Format::Json) {
    json arr = json::array();
    for (const auto& row : t.rows) {
      json rec;
      for (std::size_t c = 0; c < row.size(); ++c) {
        const bool num = c < t.numeric.size() && t.numeric[c];
        if (num && row[c].empty()) {
          rec[t.columns[c]] = nullptr;  // no value (e.g. an unmappable configuration)
        } else if (num) {
          rec[t.columns[c]] = json::parse(row[c], nullptr, false);
          if (rec[t.columns[c]].is_discarded()) rec[t.columns[c]] = row[c];
        } else {
          rec[t.columns[c]] = row[c];
        }
      }
      arr.push_back(rec);
    }
    os << json_text(arr, 2) << "\n";
    return;
  }
  std::vector<std::size_t> width(t.columns.size());
  for (std::size_t c = 0; c < t.columns.size(); ++c) width[c] = t.columns[c].size();
  for (const auto& row : t.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool right = c < t.numeric.size() && t.numeric[c];
      const std::string pad(width[c] - row[c].size(), ' ');
      line += (c ? "  " : "") + (right ? pad + row[c] : row[c] + pad);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << "\n";
  };
  emit(t.columns);
  for (const auto& row : t.rows) emit(row);
}

void write_result(std::ostream& os, Format f, const SimResult& r, const hw::HwSpec& hw) {
  if (f == Format::Json) {
    json j;
    j["hw"] = hw_json(hw);
    j["model"] = {{"name", r.model}, {"batch", r.batch}, {"layers", r.layers.size()}};
    j["total"] = totals_json(r.total);
    json layers = json::array();
    for (const auto& l : r.layers) layers.push_back(layer_json(l));
    j["layers"] = layers;
    os << json_text(j, 2) << "\n";
    return;
  }
  Table t = layer_table(r.layers);
  if (f == Format::Csv) {
    const Totals& s = r.total;
    t.rows.push_back({"total", "-", "-", std::to_string(s.cycles), "", "", std::to_string(s.macs),
                      fixed(s.utilization, 4), std::to_string(s.dram_read_bytes),
                      std::to_string(s.dram_write_bytes), std::to_string(s.sram_peak_bytes),
                      fixed(s.energy_uj * 1e6, 1), "", ""});
    write_table(os, f, t);
    return;
  }
  os << "model " << r.model << " (batch " << r.batch << ") on " << hw.name << " ("
     << units::format_frequency(hw.clock_hz) << ", PF " << hw.parallelism_factor << " x "
     << hw.dot_width << " lanes, DRAM " << units::format_bandwidth(hw.dram_bandwidth_bytes_per_s)
     << ")\n\n";
  write_table(os, f, t);
  const Totals& s = r.total;
  os << "\ntotal: " << s.cycles << " cycles = " << fixed(s.latency_ms, 3) << " ms, "
     << fixed(s.macs / 1e6, 1) << " MMACs, utilization " << fixed(s.utilization * 100, 1)
     << "%, DRAM " << fixed(s.dram_read_bytes / 1e6, 2) << " MB read + "
     << fixed(s.dram_write_bytes / 1e6, 2) << " MB written, SRAM peak "
     << fixed(s.sram_peak_bytes / 1024.0, 0) << " KiB, energy " << fixed(s.energy_uj, 1) << " uJ\n";
}

void write_trace_json(std::ostream& os, const hw::TraceLog& trace,
                      const std::vector<hw::LayerStats>& layers, const hw::HwSpec& hw) {
  const std::vector<std::string> tracks = {"controller", "dma", "dot_product_array", "vector_unit",
                                           "layers"};
  const std::size_t layer_tid = tracks.size() - 1;
  const char* sep = "\n";
  os << R"({"displayTimeUnit":"ns","traceEvents":[)";
  for (std::size_t tid = 0; tid < tracks.size(); ++tid) {
    os << sep << R"({"name":"thread_name","ph":"M","pid":1,"tid":)" << tid << R"(,"args":{"name":)"
       << json_string(tracks[tid]) << "}}";
    sep = ",\n";
  }
  // The layer track first in the viewer, above the blocks.
  os << sep << R"({"name":"thread_sort_index","ph":"M","pid":1,"tid":)" << layer_tid
     << R"(,"args":{"sort_index":-1}})";
  // Complete events ("X"); ts and dur come from whole picoseconds, so a span ending where the
  // next begins prints the same number for both.
  auto span = [&](const std::string& name, const std::string& cat, std::size_t tid,
                  std::int64_t begin, std::int64_t end) {
    const std::int64_t ps0 = cycle_picoseconds(begin, hw.clock_hz);
    const std::int64_t ps1 = cycle_picoseconds(end, hw.clock_hz);
    os << sep << R"({"name":)" << json_string(name) << R"(,"cat":)" << json_string(cat)
       << R"(,"ph":"X","pid":1,"tid":)" << tid << R"(,"ts":)" << picoseconds_as_us(ps0)
       << R"(,"dur":)" << picoseconds_as_us(ps1 - ps0) << "}";
  };
  for (const auto& e : trace.events()) {
    const auto tid =
        static_cast<std::size_t>(std::find(tracks.begin(), tracks.end(), e.block) - tracks.begin());
    span(e.label, e.block, tid, e.start_cycle, e.end_cycle);
  }
  for (const auto& l : layers)
    span(l.name, "layer", layer_tid, l.start_cycle, l.start_cycle + l.cycles);
  os << "\n]}\n";
}

}  // namespace accelnas::sim
