#include "calibration/labels/label_gen.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>
#include <nlohmann/json.hpp>
#include <sstream>

#include "calibration/estimator/hw_text.h"
#include "hw_models/simulator.h"
#include "sim/json_text.h"
#include "sim/runtime/sha256.h"
#include "workloads/config/error.h"
#include "workloads/config/input_file.h"

namespace accelnas::cal {
namespace {

using json = nlohmann::json;
using i64 = std::int64_t;

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

// The work queue the parent and its forked workers share (anonymous shared memory survives
// fork, and lock-free 64-bit atomics work across processes). The parent appends the sample
// indices to simulate as it plans them and publishes how many there are; workers take chunks
// from `next`, so planning overlaps simulation and a worker that drew cheap units takes more.
struct WorkQueue {
  std::atomic<std::uint64_t> next{0};       // the first index no worker has taken
  std::atomic<std::uint64_t> published{0};  // tasks[0, published) are ready
  std::atomic<std::uint32_t> planned{0};    // 1 when published is final
  std::uint64_t tasks[1];                   // sized by the mapping: one per sample at most
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
constexpr std::uint64_t kWorkChunk = 8;

// Task `i` once it is published, or false when planning ended before it.
bool wait_for_task(WorkQueue& q, std::uint64_t i, std::uint64_t& index) {
  for (;;) {
    if (i < q.published.load(std::memory_order_acquire)) break;
    if (q.planned.load(std::memory_order_acquire)) {
      if (i >= q.published.load(std::memory_order_acquire)) return false;
      break;
    }
    ::usleep(200);
  }
  index = q.tasks[i];
  return true;
}

// A worker: simulates queued samples until the queue is planned and empty, one row per line.
[[noreturn]] void run_worker(int fd, WorkQueue& q, const Sampler& sampler, const hw::HwSpec& hw,
                             const HardwareRecord& hw_record) {
  std::string out;
  try {
    for (bool more = true; more;) {
      const std::uint64_t first = q.next.fetch_add(kWorkChunk);
      for (std::uint64_t i = first; i < first + kWorkChunk; ++i) {
        PendingUnit p;
        if (i >= q.published.load(std::memory_order_acquire) && !out.empty()) {
          write_all(fd, out);  // about to wait: let the parent have what is done
          out.clear();
        }
        if (!wait_for_task(q, i, p.index)) {
          more = false;
          break;
        }
        LabelRow row = simulate_label(sampler, hw, hw_record.hash, p);
        row.key = label_key(hw_record.canonical, row.unit_text);
        out += encode_row(row);
        out += '\n';
      }
      if (out.size() >= 16384) {
        write_all(fd, out);
        out.clear();
      }
    }
    write_all(fd, out);
  } catch (const std::exception& e) {
    write_all(fd, out);
    write_all(fd, encode_error(e.what()) + "\n");
  }
  ::close(fd);
  _exit(0);
}

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
  ctx.run.space_hash = sha256_hex(ctx.run.space_text);
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
  return sha256_hex(hw_canonical + "\n" + unit_text);
}

LabelPlan plan_labels(const Sampler& sampler, const std::string& hw_canonical,
                      const std::unordered_set<std::string>& existing, std::uint64_t count,
                      const std::function<void(std::uint64_t, std::uint64_t)>& progress,
                      int threads) {
  LabelPlan plan;
  plan.samples = count;
  std::unordered_set<std::string> seen;
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
      if (existing.count(key)) {
        ++plan.already;
      } else if (!seen.insert(key).second) {
        ++plan.duplicates;
      } else {
        plan.pending.push_back({first + k, std::move(key)});
      }
    }
    if (progress) progress(first + n, count);
  }
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
  row.layers_json = sim::json_text(arr);
  return row;
}

// Tab-separated: the texts are one-line JSON (no raw tab or newline) and the reason is made so.
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
  for (i64 v : {t.cycles, t.compute_cycles, t.stall_cycles, t.macs, t.vector_ops, t.dram_read_bytes,
                t.dram_write_bytes, t.sram_peak_bytes, t.sram_access_bytes, t.tiles,
                t.weights_streamed_layers}) {
    out += std::to_string(v);
    out += '\t';
  }
  char buf[64];
  for (double v : {t.latency_us, t.utilization, t.energy_pj}) {
    std::snprintf(buf, sizeof buf, "%.17g\t", v);  // round-trips exactly
    out += buf;
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
  if (f.size() != 21) throw UserError("label worker sent a malformed row");
  try {
    LabelRow r;
    r.key = f[0];
    r.hw_hash = f[1];
    r.unit_type = f[2];
    r.status = f[3];
    r.reason = f[4];
    LabelStats& t = r.stats;
    i64* ints[] = {&t.cycles,
                   &t.compute_cycles,
                   &t.stall_cycles,
                   &t.macs,
                   &t.vector_ops,
                   &t.dram_read_bytes,
                   &t.dram_write_bytes,
                   &t.sram_peak_bytes,
                   &t.sram_access_bytes,
                   &t.tiles,
                   &t.weights_streamed_layers};
    for (std::size_t k = 0; k < 11; ++k) *ints[k] = std::stoll(f[5 + k]);
    t.latency_us = std::stod(f[16]);
    t.utilization = std::stod(f[17]);
    t.energy_pj = std::stod(f[18]);
    r.unit_text = f[19];
    r.layers_json = f[20];
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

namespace {

// Deduplicates keys in sample order (the plan does not depend on how keys were computed).
struct Deduper {
  const std::unordered_set<std::string>& existing;
  std::unordered_set<std::string> seen;
  LabelSummary summary;
  bool take(std::string key) {
    if (existing.count(key)) {
      ++summary.already;
      return false;
    }
    if (!seen.insert(std::move(key)).second) {
      ++summary.duplicates;
      return false;
    }
    ++summary.pending;
    return true;
  }
};

}  // namespace

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

  const std::size_t bytes = sizeof(WorkQueue) + sizeof(std::uint64_t) * count;
  void* shared = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (shared == MAP_FAILED)
    throw UserError(std::string("cannot map shared memory: ") + std::strerror(errno));
  struct Unmap {
    void* p;
    std::size_t n;
    ~Unmap() { ::munmap(p, n); }
  } unmap{shared, bytes};
  WorkQueue& q = *new (shared) WorkQueue();

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
    // A large pipe lets a worker keep simulating while the parent waits on a commit's fsync
    // (the default 64 KiB holds about 40 rows); the size is a hint, so failure is harmless.
    ::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
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
      run_worker(fds[1], q, sampler, hw, hw_record);
    }
    ::close(fds[1]);
    workers[static_cast<std::size_t>(k)] = Worker{pid, fds[0], {}};
  }

  std::string failure;
  std::size_t open = workers.size();
  std::vector<pollfd> pfds(workers.size());
  // Reads what the workers sent; waits up to `timeout_ms` for something to arrive.
  auto drain = [&](int timeout_ms) {
    for (std::size_t k = 0; k < workers.size(); ++k)
      pfds[k] = pollfd{workers[k].fd, POLLIN, 0};  // fd -1 is ignored by poll
    const int n = ::poll(pfds.data(), pfds.size(), timeout_ms);
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
  };

  // Plan in chunks, publishing each, and take in rows between chunks.
  Deduper dedup{existing, {}, {}};
  dedup.summary.samples = count;
  constexpr std::uint64_t kPlanChunk = 256;
  std::uint64_t published = 0;
  for (std::uint64_t first = 0; first < count && failure.empty(); first += kPlanChunk) {
    const std::uint64_t end = std::min(count, first + kPlanChunk);
    for (std::uint64_t i = first; i < end; ++i) {
      if (dedup.take(label_key(hw_record.canonical, canonical_text(sampler.sample(i)))))
        q.tasks[published++] = i;
    }
    q.published.store(published, std::memory_order_release);
    drain(0);
  }
  q.planned.store(1, std::memory_order_release);
  writer.set_total(dedup.summary.pending);
  if (on_planned) on_planned(dedup.summary);
  while (open > 0) drain(1000);
  for (auto& w : workers) {
    int status = 0;
    ::waitpid(w.pid, &status, 0);
    if (failure.empty() && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
      failure = "a label worker process died";
  }
  if (!failure.empty()) throw UserError(failure);
  return dedup.summary;
}

}  // namespace accelnas::cal
