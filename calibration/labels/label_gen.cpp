#include "calibration/labels/label_gen.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "calibration/estimator/hw_text.h"
#include "hw_models/simulator.h"
#include "sim/json_text.h"
#include "sim/layer_summary.h"
#include "sim/runtime/sha256.h"
#include "sim/runtime/worker_pool.h"
#include "workloads/config/error.h"
#include "workloads/config/input_file.h"

namespace accelnas::cal {
namespace {

using json = nlohmann::json;

LabelStats label_stats(const std::vector<hw::LayerStats>& layers, const hw::HwSpec& hw) {
  const sim::LayerSum sum = sim::sum_layers(layers);
  LabelStats t;
  t.cycles = sum.cycles;
  t.compute_cycles = sum.compute_cycles;
  t.stall_cycles = sum.stall_cycles;
  t.macs = sum.macs;
  t.vector_ops = sum.vector_ops;
  t.utilization = sum.utilization;
  t.dram_read_bytes = sum.dram_read_bytes;
  t.dram_write_bytes = sum.dram_write_bytes;
  t.sram_peak_bytes = sum.sram_peak_bytes;
  t.sram_access_bytes = sum.sram_access_bytes;
  t.energy_pj = sum.energy_pj;
  t.tiles = sum.tiles;
  t.weights_streamed_layers = sum.weights_streamed_layers;
  t.latency_us = static_cast<double>(t.cycles) / hw.clock_hz * 1e6;
  return t;
}

// Deduplicates keys in sample order, against the database and the samples before, so the plan
// does not depend on how (or on how many threads) the keys were computed.
class Deduper {
 public:
  Deduper(const std::unordered_set<std::string>& existing, std::uint64_t samples)
      : existing_(existing) {
    summary_.samples = samples;
  }
  // True when `key` is to be simulated.
  bool take(const std::string& key) {
    if (existing_.count(key)) {
      ++summary_.already;
      return false;
    }
    if (!seen_.insert(key).second) {
      ++summary_.duplicates;
      return false;
    }
    ++summary_.pending;
    return true;
  }
  const LabelSummary& summary() const { return summary_; }

 private:
  const std::unordered_set<std::string>& existing_;
  std::unordered_set<std::string> seen_;
  LabelSummary summary_;
};

std::string eta_text(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

// Samples a worker takes from the queue at a time.
constexpr std::uint64_t kWorkChunk = 8;

// The text of a space preset or file, recorded with each run.
std::string space_document(const std::string& name_or_path) {
  for (const auto& p : space_presets()) {
    if (p.name == name_or_path) return p.yaml;
  }
  return read_input_file(name_or_path);
}

std::string short_hash(const std::string& h) {
  return h.substr(0, 12);
}

std::string hw_name_of(const HardwareRecord& r) {
  try {
    return json::parse(r.description).at("name").get<std::string>();
  } catch (const std::exception&) {
    return "?";
  }
}

}  // namespace

LabelContext load_label_context(const LabelRequest& req) {
  if (req.count == 0) throw UserError("--count: must be at least 1");
  if (req.space.empty()) throw UserError("--space: empty");
  LabelContext ctx;
  ctx.hw = req.hw_spec ? *req.hw_spec : hw::load_hw(req.hw);
  ctx.hw_record = hardware_record(ctx.hw);
  Space space = req.space_yaml.empty() ? load_space(req.space)
                                       : parse_space_string(req.space_yaml, req.space);
  ctx.run.hw_hash = ctx.hw_record.hash;
  ctx.run.space_name = space.name;
  ctx.run.space_text = req.space_yaml.empty() ? space_document(req.space) : req.space_yaml;
  ctx.run.space_hash = runtime::sha256_hex(ctx.run.space_text);
  ctx.run.seed = req.seed;
  ctx.run.count = req.count;
  ctx.sampler = std::make_unique<Sampler>(std::move(space), ctx.hw, req.seed);
  return ctx;
}

void check_store_hardware(const LabelDb& db, const HardwareRecord& hw, const std::string& name,
                          bool append_hw) {
  const auto known = db.hardware();
  bool found = false;
  for (const auto& h : known) found = found || h.hash == hw.hash;
  if (!found && !known.empty() && !append_hw) {
    throw UserError(db.path() + ": holds labels for other hardware ('" + hw_name_of(known.front()) +
                    "', " + short_hash(known.front().hash) + ") than '" + name + "' (" +
                    short_hash(hw.hash) +
                    "); use another --db, or --append-hw to keep both in this file");
  }
}

std::unique_ptr<LabelDb> open_label_db(const LabelRequest& req, const LabelContext& ctx) {
  auto db = std::make_unique<LabelDb>(req.db, LabelDb::Mode::Create);
  check_store_hardware(*db, ctx.hw_record, ctx.hw.name, req.append_hw);
  db->add_hardware(ctx.hw_record);
  db->add_run(ctx.run);
  return db;
}

std::string label_key(const std::string& hw_canonical, const std::string& unit_text) {
  return runtime::sha256_hex(hw_canonical + "\n" + unit_text);
}

LabelPlan plan_labels(const Sampler& sampler, const std::string& hw_canonical,
                      const std::unordered_set<std::string>& existing, std::uint64_t count,
                      const std::function<void(std::uint64_t, std::uint64_t)>& progress,
                      int threads) {
  LabelPlan plan;
  Deduper dedup(existing, count);
  // Drawing and hashing are pure per index, so chunks of indices are keyed in parallel; the
  // dedup pass is serial and in index order, so the plan does not depend on the thread count.
  constexpr std::uint64_t kChunk = 8192;
  std::vector<std::string> keys;
  for (std::uint64_t first = 0; first < count; first += kChunk) {
    const std::uint64_t n = std::min(kChunk, count - first);
    keys.assign(n, std::string());
    std::string error;
#pragma omp parallel for schedule(dynamic, 64) num_threads(std::max(1, threads))
    for (std::int64_t k = 0; k < static_cast<std::int64_t>(n); ++k) {
      try {
        const std::uint64_t i = first + static_cast<std::uint64_t>(k);
        keys[static_cast<std::size_t>(k)] =
            label_key(hw_canonical, canonical_text(sampler.sample(i)));
      } catch (const std::exception& e) {
#pragma omp critical(accelnas_plan_error)
        if (error.empty()) error = e.what();
      }
    }
    if (!error.empty()) throw UserError(error);
    for (std::uint64_t k = 0; k < n; ++k) {
      std::string& key = keys[static_cast<std::size_t>(k)];
      if (dedup.take(key)) plan.pending.push_back({first + k, std::move(key)});
    }
    if (progress) progress(first + n, count);
  }
  plan.samples = count;
  plan.already = dedup.summary().already;
  plan.duplicates = dedup.summary().duplicates;
  return plan;
}

LabelRow simulate_label(const Sampler& sampler, const hw::HwSpec& hw, const std::string& hw_hash,
                        const PendingUnit& p) {
  const UnitDesc desc = sampler.sample(p.index);
  LabelRow row;
  row.key = p.key;
  row.hw_hash = hw_hash;
  row.unit_type = unit_type_name(desc.type);
  row.unit_text = canonical_text(desc);
  const std::vector<hw::LayerJob> jobs = unit_jobs(desc, hw);  // a bad description throws
  std::vector<hw::LayerStats> layers;
  try {
    layers = hw::Simulator::instance().run(hw, jobs);
  } catch (const UserError& e) {
    row.status = "unmappable";
    row.reason = e.what();
    row.layers_json = "[]";
    return row;
  }
  row.status = "ok";
  row.stats = label_stats(layers, hw);
  // Keys sorted (nlohmann::json is a std::map), as the store has always held them.
  json arr = json::array();
  for (const auto& l : layers) arr.push_back(json(sim::layer_json(l, sim::StartCycle::Omit)));
  row.layers_json = sim::json_text(arr);
  return row;
}

// Tab-separated: the texts are one-line JSON (no raw tab or newline) and the reason is made so.
// The fields: key, hw_hash, unit_type, status, reason, kLabelStatFields, unit_text, layers_json.
constexpr std::size_t kRowFields = 5 + std::size(kLabelStatFields) + 2;

std::string encode_row(const LabelRow& r) {
  std::string reason = r.reason;
  for (char& c : reason) c = (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
  std::string out;
  out.reserve(r.unit_text.size() + r.layers_json.size() + 512);
  const std::string* fields[] = {&r.key, &r.hw_hash, &r.unit_type, &r.status, &reason};
  for (const std::string* f : fields) {
    out += *f;
    out += '\t';
  }
  const LabelStats& t = r.stats;
  char buf[64];
  for (const LabelStatField& f : kLabelStatFields) {
    if (f.integer) {
      out += std::to_string(t.*f.integer);
      out += '\t';
    } else {
      std::snprintf(buf, sizeof buf, "%.17g\t", t.*f.real);  // round-trips exactly
      out += buf;
    }
  }
  out += r.unit_text;
  out += '\t';
  out += r.layers_json;
  ACCELNAS_CHECK(out.find('\n') == std::string::npos, "label row with a newline");
  return out;
}

LabelRow decode_row(const std::string& line) {
  std::vector<std::string> f;
  std::size_t start = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', start);
    f.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  if (f.size() == 2 && f[0] == "error") throw UserError(f[1]);
  if (f.size() != kRowFields) throw UserError("label worker sent a malformed row");
  try {
    LabelRow r;
    r.key = f[0];
    r.hw_hash = f[1];
    r.unit_type = f[2];
    r.status = f[3];
    r.reason = f[4];
    std::size_t k = 5;
    for (const LabelStatField& s : kLabelStatFields) {
      if (s.integer) {
        r.stats.*s.integer = std::stoll(f[k++]);
      } else {
        r.stats.*s.real = std::stod(f[k++]);
      }
    }
    r.unit_text = f[k++];
    r.layers_json = f[k];
    return r;
  } catch (const std::logic_error&) {
    throw UserError("label worker sent a malformed row");
  }
}

// A worker's failure, as one line decode_row() turns back into the UserError.
std::string encode_error(const std::string& what) {
  std::string text = what;
  for (char& c : text) c = (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
  return "error\t" + text;
}

LabelWriter::LabelWriter(LabelDb& db, bool quiet)
    : db_(db), quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0) {
  start_ = last_commit_ = last_report_ = Clock::now();
}

double LabelWriter::seconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

void LabelWriter::add(LabelRow row) {
  ++done_;
  if (row.status == "ok") ++ok_;
  batch_.push_back(std::move(row));
  const auto now = Clock::now();
  if (batch_.size() >= kBatchRows ||
      std::chrono::duration<double>(now - last_commit_).count() >= kBatchSeconds) {
    commit();
  }
  report(false);
}

void LabelWriter::set_total(std::uint64_t total) {
  total_ = total;
  total_known_ = true;
}

void LabelWriter::commit() {
  db_.insert(batch_);
  batch_.clear();
  last_commit_ = Clock::now();
}

void LabelWriter::finish() {
  commit();
  report(true);
}

void LabelWriter::report(bool final) {
  if (quiet_ || (total_known_ && total_ == 0)) return;
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_report_).count();
  if (!final && since < (tty_ ? 0.2 : 5.0)) return;
  last_report_ = now;
  const double t = seconds();
  const double rate = t > 0 ? static_cast<double>(done_) / t : 0.0;
  char buf[160];
  if (total_known_) {
    const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : -1.0;
    std::snprintf(buf, sizeof buf, "label: %llu/%llu simulated (%.1f%%), %.0f labels/s, ETA %s",
                  static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                  100.0 * static_cast<double>(done_) / static_cast<double>(total_), rate,
                  eta_text(eta).c_str());
  } else {
    std::snprintf(buf, sizeof buf, "label: %llu simulated, %.0f labels/s (still planning)",
                  static_cast<unsigned long long>(done_), rate);
  }
  if (tty_) {
    std::cerr << "\r" << buf << "\033[K" << (final ? "\n" : "") << std::flush;
  } else {
    std::cerr << buf << "\n";
  }
}

LabelSummary run_labels(const Sampler& sampler, const HardwareRecord& hw_record,
                        const hw::HwSpec& hw, const std::unordered_set<std::string>& existing,
                        std::uint64_t count, int jobs, LabelWriter& writer,
                        const std::function<void(const LabelSummary&)>& on_planned) {
  if (jobs <= 1) {
    const LabelPlan plan = plan_labels(sampler, hw_record.canonical, existing, count);
    const LabelSummary summary{count, plan.already, plan.duplicates, plan.pending.size()};
    writer.set_total(summary.pending);
    if (on_planned) on_planned(summary);
    for (const PendingUnit& p : plan.pending)
      writer.add(simulate_label(sampler, hw, hw_record.hash, p));
    return summary;
  }

  // The workers start first and wait for the plan's first chunk, so planning overlaps
  // simulation; each takes kWorkChunk samples at a time, so a worker that drew cheap units takes
  // more.
  runtime::TaskQueue queue(count, kWorkChunk);
  runtime::WorkerPool pool("label", jobs, [&](int, runtime::LineSink& out) {
    std::uint64_t index = 0;
    while (queue.next(index, [&out] { out.flush(); })) {
      PendingUnit p;
      p.index = index;
      LabelRow row = simulate_label(sampler, hw, hw_record.hash, p);
      row.key = label_key(hw_record.canonical, row.unit_text);
      out.send(encode_row(row));
    }
  });
  const auto receive = [&writer](int, const std::string& line) { writer.add(decode_row(line)); };

  // Plan in chunks, publishing each, and take in rows between chunks.
  Deduper dedup(existing, count);
  constexpr std::uint64_t kPlanChunk = 256;
  for (std::uint64_t first = 0; first < count && !pool.failed(); first += kPlanChunk) {
    const std::uint64_t end = std::min(count, first + kPlanChunk);
    for (std::uint64_t i = first; i < end; ++i) {
      if (dedup.take(label_key(hw_record.canonical, canonical_text(sampler.sample(i)))))
        queue.push(i);
    }
    queue.publish();
    pool.drain(0, receive);
  }
  queue.close();
  writer.set_total(dedup.summary().pending);
  if (on_planned) on_planned(dedup.summary());
  pool.finish(receive);
  return dedup.summary();
}

}  // namespace accelnas::cal
