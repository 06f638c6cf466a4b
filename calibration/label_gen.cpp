#include "label_gen.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "error.h"
#include "hw_text.h"
#include "sha256.h"
#include "simulator.h"

namespace accelnas::cal {
namespace {

using json = nlohmann::json;
using i64 = std::int64_t;

json stats_json(const LabelStats& t) {
  return json{{"cycles", t.cycles},
              {"compute_cycles", t.compute_cycles},
              {"stall_cycles", t.stall_cycles},
              {"latency_us", t.latency_us},
              {"macs", t.macs},
              {"vector_ops", t.vector_ops},
              {"utilization", t.utilization},
              {"dram_read_bytes", t.dram_read_bytes},
              {"dram_write_bytes", t.dram_write_bytes},
              {"sram_peak_bytes", t.sram_peak_bytes},
              {"sram_access_bytes", t.sram_access_bytes},
              {"energy_pj", t.energy_pj},
              {"tiles", t.tiles},
              {"weights_streamed_layers", t.weights_streamed_layers}};
}

LabelStats stats_from_json(const json& j) {
  LabelStats t;
  t.cycles = j.at("cycles").get<i64>();
  t.compute_cycles = j.at("compute_cycles").get<i64>();
  t.stall_cycles = j.at("stall_cycles").get<i64>();
  t.latency_us = j.at("latency_us").get<double>();
  t.macs = j.at("macs").get<i64>();
  t.vector_ops = j.at("vector_ops").get<i64>();
  t.utilization = j.at("utilization").get<double>();
  t.dram_read_bytes = j.at("dram_read_bytes").get<i64>();
  t.dram_write_bytes = j.at("dram_write_bytes").get<i64>();
  t.sram_peak_bytes = j.at("sram_peak_bytes").get<i64>();
  t.sram_access_bytes = j.at("sram_access_bytes").get<i64>();
  t.energy_pj = j.at("energy_pj").get<double>();
  t.tiles = j.at("tiles").get<i64>();
  t.weights_streamed_layers = j.at("weights_streamed_layers").get<i64>();
  return t;
}

json layer_json(const hw::LayerStats& l) {
  return json{{"name", l.name},
              {"op", l.op},
              {"precision", precision_name(l.precision)},
              {"cycles", l.cycles},
              {"compute_cycles", l.compute_cycles},
              {"stall_cycles", l.stall_cycles},
              {"macs", l.macs},
              {"vector_ops", l.vector_ops},
              {"utilization", l.utilization},
              {"dram_read_bytes", l.dram_read_bytes},
              {"dram_write_bytes", l.dram_write_bytes},
              {"sram_peak_bytes", l.sram_peak_bytes},
              {"sram_access_bytes", l.sram_access_bytes},
              {"energy_pj", l.energy_pj},
              {"tiles", l.tiles},
              {"bands", l.bands},
              {"passes", l.passes},
              {"weights_streamed", l.weights_streamed}};
}

LabelStats sum_stats(const std::vector<hw::LayerStats>& layers, const hw::HwSpec& hw) {
  LabelStats t;
  double weighted_util = 0;
  for (const auto& l : layers) {
    t.cycles += l.cycles;
    t.compute_cycles += l.compute_cycles;
    t.stall_cycles += l.stall_cycles;
    t.macs += l.macs;
    t.vector_ops += l.vector_ops;
    weighted_util += l.utilization * static_cast<double>(l.cycles);
    t.dram_read_bytes += l.dram_read_bytes;
    t.dram_write_bytes += l.dram_write_bytes;
    t.sram_peak_bytes = std::max(t.sram_peak_bytes, l.sram_peak_bytes);
    t.sram_access_bytes += l.sram_access_bytes;
    t.energy_pj += l.energy_pj;
    t.tiles += l.tiles;
    t.weights_streamed_layers += l.weights_streamed ? 1 : 0;
  }
  t.utilization = t.cycles > 0 ? weighted_util / static_cast<double>(t.cycles) : 0.0;
  t.latency_us = static_cast<double>(t.cycles) / hw.clock_hz * 1e6;
  return t;
}

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);  // the parent is gone
    off += static_cast<std::size_t>(n);
  }
}

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

// Worker k of `jobs`: simulates pending units k, k+jobs, ... and writes one row per line.
[[noreturn]] void run_worker(int fd, int k, int jobs, const LabelPlan& plan, const Sampler& sampler,
                             const hw::HwSpec& hw, const std::string& hw_hash) {
  std::string out;
  try {
    for (std::size_t i = static_cast<std::size_t>(k); i < plan.pending.size();
         i += static_cast<std::size_t>(jobs)) {
      out += encode_row(simulate_label(sampler, hw, hw_hash, plan.pending[i]));
      out += '\n';
      if (out.size() >= 16384) {
        write_all(fd, out);
        out.clear();
      }
    }
    write_all(fd, out);
  } catch (const std::exception& e) {
    write_all(fd, out);
    write_all(fd, json{{"error", e.what()}}.dump() + "\n");
  }
  ::close(fd);
  _exit(0);
}

// The text of a space preset or file, recorded with each run.
std::string space_document(const std::string& name_or_path) {
  for (const auto& p : space_presets()) {
    if (p.name == name_or_path) return p.yaml;
  }
  std::ifstream in(name_or_path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
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
  ctx.hw = hw::load_hw(req.hw);
  ctx.hw_record = hardware_record(ctx.hw);
  Space space = load_space(req.space);
  ctx.run.hw_hash = ctx.hw_record.hash;
  ctx.run.space_name = space.name;
  ctx.run.space_text = space_document(req.space);
  ctx.run.space_hash = sha256_hex(ctx.run.space_text);
  ctx.run.seed = req.seed;
  ctx.run.count = req.count;
  ctx.sampler = std::make_unique<Sampler>(std::move(space), ctx.hw, req.seed);
  return ctx;
}

std::unique_ptr<LabelDb> open_label_db(const LabelRequest& req, const LabelContext& ctx) {
  auto db = std::make_unique<LabelDb>(req.db, LabelDb::Mode::Create);
  const auto known = db->hardware();
  bool found = false;
  for (const auto& h : known) found = found || h.hash == ctx.hw_record.hash;
  if (!found && !known.empty() && !req.append_hw) {
    throw UserError(req.db + ": holds labels for other hardware ('" + hw_name_of(known.front()) +
                    "', " + short_hash(known.front().hash) + ") than '" + ctx.hw.name + "' (" +
                    short_hash(ctx.hw_record.hash) +
                    "); use another --db, or --append-hw to keep both in this file");
  }
  db->add_hardware(ctx.hw_record);
  db->add_run(ctx.run);
  return db;
}

HardwareRecord hardware_record(const hw::HwSpec& hw) {
  HardwareRecord r;
  r.canonical = hw_canonical_text(hw);
  r.hash = sha256_hex(r.canonical);
  r.description = hw_description_json(hw);
  return r;
}

std::string label_key(const std::string& hw_canonical, const std::string& unit_text) {
  return sha256_hex(hw_canonical + "\n" + unit_text);
}

LabelPlan plan_labels(const Sampler& sampler, const std::string& hw_canonical,
                      const std::unordered_set<std::string>& existing, std::uint64_t count,
                      const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  LabelPlan plan;
  plan.samples = count;
  std::unordered_set<std::string> seen;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string key = label_key(hw_canonical, canonical_text(sampler.sample(i)));
    if (existing.count(key)) {
      ++plan.already;
    } else if (!seen.insert(key).second) {
      ++plan.duplicates;
    } else {
      plan.pending.push_back({i, std::move(key)});
    }
    if (progress && (i + 1) % 4096 == 0) progress(i + 1, count);
  }
  if (progress) progress(count, count);
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
  row.stats = sum_stats(layers, hw);
  json arr = json::array();
  for (const auto& l : layers) arr.push_back(layer_json(l));
  row.layers_json = arr.dump();
  return row;
}

std::string encode_row(const LabelRow& r) {
  return json{{"key", r.key},
              {"hw_hash", r.hw_hash},
              {"unit_type", r.unit_type},
              {"unit_text", r.unit_text},
              {"status", r.status},
              {"reason", r.reason},
              {"stats", stats_json(r.stats)},
              {"layers", r.layers_json}}
      .dump();
}

LabelRow decode_row(const std::string& line) {
  const json j = json::parse(line);
  if (j.contains("error")) throw UserError(j.at("error").get<std::string>());
  LabelRow r;
  r.key = j.at("key").get<std::string>();
  r.hw_hash = j.at("hw_hash").get<std::string>();
  r.unit_type = j.at("unit_type").get<std::string>();
  r.unit_text = j.at("unit_text").get<std::string>();
  r.status = j.at("status").get<std::string>();
  r.reason = j.at("reason").get<std::string>();
  r.stats = stats_from_json(j.at("stats"));
  r.layers_json = j.at("layers").get<std::string>();
  return r;
}

LabelWriter::LabelWriter(LabelDb& db, std::uint64_t total, bool quiet)
    : db_(db), total_(total), quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0) {
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
  if (quiet_ || total_ == 0) return;
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_report_).count();
  if (!final && since < (tty_ ? 0.2 : 5.0)) return;
  last_report_ = now;
  const double t = seconds();
  const double rate = t > 0 ? static_cast<double>(done_) / t : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : -1.0;
  char buf[160];
  std::snprintf(buf, sizeof buf, "label: %llu/%llu simulated (%.1f%%), %.0f labels/s, ETA %s",
                static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                total_ ? 100.0 * static_cast<double>(done_) / static_cast<double>(total_) : 100.0,
                rate, eta_text(eta).c_str());
  if (tty_) {
    std::cerr << "\r" << buf << "\033[K" << (final ? "\n" : "") << std::flush;
  } else {
    std::cerr << buf << "\n";
  }
}

void run_local(const LabelPlan& plan, const Sampler& sampler, const hw::HwSpec& hw,
               const std::string& hw_hash, int jobs, LabelWriter& writer) {
  jobs = std::max(
      1, std::min<int>(jobs, static_cast<int>(std::max<std::size_t>(1, plan.pending.size()))));
  if (jobs == 1) {
    for (const PendingUnit& p : plan.pending) writer.add(simulate_label(sampler, hw, hw_hash, p));
    return;
  }
  struct Worker {
    pid_t pid = -1;
    int fd = -1;
    std::string buffer;
  };
  std::vector<Worker> workers(static_cast<std::size_t>(jobs));
  const pid_t parent = ::getpid();
  for (int k = 0; k < jobs; ++k) {
    int fds[2];
    if (::pipe(fds) != 0)
      throw UserError(std::string("cannot create a pipe: ") + std::strerror(errno));
    std::cout.flush();
    std::cerr.flush();
    const pid_t pid = ::fork();
    if (pid < 0)
      throw UserError(std::string("cannot start a worker process: ") + std::strerror(errno));
    if (pid == 0) {
      // A worker must not outlive a killed parent: it would go on simulating for nobody.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) _exit(3);
      ::close(fds[0]);
      for (int j = 0; j < k; ++j) ::close(workers[static_cast<std::size_t>(j)].fd);
      run_worker(fds[1], k, jobs, plan, sampler, hw, hw_hash);
    }
    ::close(fds[1]);
    workers[static_cast<std::size_t>(k)] = Worker{pid, fds[0], {}};
  }
  std::string failure;
  std::size_t open = workers.size();
  std::vector<pollfd> pfds(workers.size());
  while (open > 0) {
    for (std::size_t k = 0; k < workers.size(); ++k)
      pfds[k] = pollfd{workers[k].fd, POLLIN, 0};  // fd -1 is ignored by poll
    const int n = ::poll(pfds.data(), pfds.size(), 1000);
    if (n < 0 && errno != EINTR)
      throw UserError(std::string("poll on worker pipes: ") + std::strerror(errno));
    for (std::size_t k = 0; k < workers.size(); ++k) {
      Worker& w = workers[k];
      if (w.fd < 0 || !(pfds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      const ssize_t got = ::read(w.fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        ::close(w.fd);
        w.fd = -1;
        --open;
        continue;
      }
      w.buffer.append(buf, static_cast<std::size_t>(got));
      std::size_t start = 0, nl;
      while ((nl = w.buffer.find('\n', start)) != std::string::npos) {
        const std::string line = w.buffer.substr(start, nl - start);
        start = nl + 1;
        try {
          writer.add(decode_row(line));
        } catch (const UserError& e) {
          if (failure.empty()) failure = e.what();
        }
      }
      w.buffer.erase(0, start);
    }
  }
  for (auto& w : workers) {
    int status = 0;
    ::waitpid(w.pid, &status, 0);
    if (failure.empty() && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
      failure = "a label worker process died";
  }
  if (!failure.empty()) throw UserError(failure);
}

}  // namespace accelnas::cal
