#include "sim/runtime/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>
#include <new>

#include "workloads/config/error.h"

namespace accelnas::runtime {
namespace {

// Lines on a worker's pipe carry a tag: a result, or the error that ended the worker.
constexpr char kResult = 'R';
constexpr char kError = 'E';
constexpr std::size_t kSinkBlock = 16384;

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);  // the parent is gone
    off += static_cast<std::size_t>(n);
  }
}

std::string one_line(std::string text) {
  for (char& c : text) c = (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
  return text;
}

}  // namespace

void LineSink::send(const std::string& line) {
  ACCELNAS_CHECK(line.find('\n') == std::string::npos, "worker result with a newline");
  out_ += kResult;
  out_ += line;
  out_ += '\n';
  if (out_.size() >= kSinkBlock) flush();
}

void LineSink::flush() {
  write_all(fd_, out_);
  out_.clear();
}

WorkerPool::WorkerPool(const std::string& name, int jobs, const Body& body) : name_(name) {
  ACCELNAS_CHECK(jobs >= 1, "WorkerPool: no workers");
  workers_.reserve(static_cast<std::size_t>(jobs));
  try {
    start(jobs, body);
  } catch (...) {
    kill_all();  // the destructor does not run for an object that was never made
    throw;
  }
}

void WorkerPool::start(int jobs, const Body& body) {
  const pid_t parent = ::getpid();
  for (int k = 0; k < jobs; ++k) {
    int fds[2];
    if (::pipe(fds) != 0)
      throw UserError(std::string("cannot create a pipe: ") + std::strerror(errno));
    // A large pipe lets a worker keep working while the parent is busy (a label commit's fsync;
    // the default 64 KiB holds about 40 label rows); the size is a hint, so failure is harmless.
    ::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
    std::cout.flush();  // or the child would print the parent's buffered output again
    std::cerr.flush();
    const pid_t pid = ::fork();
    if (pid < 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      throw UserError(std::string("cannot start a worker process: ") + std::strerror(errno));
    }
    if (pid == 0) {
      // A worker must not outlive a killed parent: it would go on working for nobody.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) _exit(3);
      ::close(fds[0]);
      for (const Worker& w : workers_) ::close(w.fd);
      LineSink out(fds[1]);
      try {
        body(k, out);
        out.flush();
      } catch (const std::exception& e) {
        out.flush();
        write_all(fds[1], kError + one_line(e.what()) + "\n");
      } catch (...) {
        out.flush();
        write_all(fds[1], kError + std::string("a ") + name_ + " worker failed\n");
      }
      ::close(fds[1]);
      _exit(0);
    }
    ::close(fds[1]);
    workers_.push_back(Worker{pid, fds[0], {}});
    ++open_;
  }
}

WorkerPool::~WorkerPool() {
  if (!reaped_) kill_all();
}

void WorkerPool::kill_all() {
  reaped_ = true;
  for (Worker& w : workers_) {
    if (w.fd >= 0) ::close(w.fd);
    ::kill(w.pid, SIGKILL);
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void WorkerPool::drain(int timeout_ms,
                       const std::function<void(int, const std::string&)>& on_line) {
  std::vector<pollfd> pfds(workers_.size());
  for (std::size_t k = 0; k < workers_.size(); ++k)
    pfds[k] = pollfd{workers_[k].fd, POLLIN, 0};  // fd -1 is ignored by poll
  const int n = ::poll(pfds.data(), pfds.size(), timeout_ms);
  if (n < 0 && errno != EINTR)
    throw UserError(std::string("poll on worker pipes: ") + std::strerror(errno));
  for (std::size_t k = 0; k < workers_.size(); ++k) {
    Worker& w = workers_[k];
    if (w.fd < 0 || !(pfds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buf[65536];
    const ssize_t got = ::read(w.fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      ::close(w.fd);
      w.fd = -1;
      --open_;
      continue;
    }
    w.buffer.append(buf, static_cast<std::size_t>(got));
    std::size_t start = 0, nl;
    while ((nl = w.buffer.find('\n', start)) != std::string::npos) {
      const char tag = nl > start ? w.buffer[start] : '\0';
      const std::string line = w.buffer.substr(start + 1, nl - start - 1);
      start = nl + 1;
      if (tag == kError) {
        if (failure_.empty()) failure_ = line;
        continue;
      }
      if (tag != kResult) {
        if (failure_.empty()) failure_ = "a " + name_ + " worker sent a malformed line";
        continue;
      }
      try {
        on_line(static_cast<int>(k), line);
      } catch (const UserError& e) {
        if (failure_.empty()) failure_ = e.what();
      }
    }
    w.buffer.erase(0, start);
  }
}

void WorkerPool::reap() {
  reaped_ = true;
  for (Worker& w : workers_) {
    if (w.fd >= 0) {
      ::close(w.fd);
      w.fd = -1;
    }
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (failure_.empty() && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
      failure_ = "a " + name_ + " worker process died";
  }
}

void WorkerPool::finish(const std::function<void(int, const std::string&)>& on_line) {
  while (open_ > 0) drain(1000, on_line);
  reap();
  if (!failure_.empty()) throw UserError(failure_);
}

struct TaskQueue::Shared {
  std::atomic<std::uint64_t> next{0};       // the first index no worker has taken
  std::atomic<std::uint64_t> published{0};  // tasks[0, published) are ready
  std::atomic<std::uint32_t> closed{0};     // 1 when published is final
  std::uint64_t tasks[1];                   // sized by the mapping: `capacity` in all
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

TaskQueue::TaskQueue(std::uint64_t capacity, std::uint64_t chunk)
    : bytes_(sizeof(Shared) + sizeof(std::uint64_t) * capacity),
      capacity_(capacity),
      chunk_(chunk < 1 ? 1 : chunk) {
  void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    throw UserError(std::string("cannot map shared memory: ") + std::strerror(errno));
  shared_ = new (p) Shared();
}

TaskQueue::~TaskQueue() {
  ::munmap(shared_, bytes_);
}

void TaskQueue::push(std::uint64_t task) {
  ACCELNAS_CHECK(pushed_ < capacity_, "TaskQueue: more tasks than its capacity");
  shared_->tasks[pushed_++] = task;
}

void TaskQueue::publish() {
  shared_->published.store(pushed_, std::memory_order_release);
}

void TaskQueue::close() {
  publish();
  shared_->closed.store(1, std::memory_order_release);
}

bool TaskQueue::next(std::uint64_t& task, const std::function<void()>& before_wait) {
  if (taken_ == taken_end_) {
    taken_ = shared_->next.fetch_add(chunk_);
    taken_end_ = taken_ + chunk_;
  }
  const std::uint64_t i = taken_;
  if (i >= shared_->published.load(std::memory_order_acquire) && before_wait) before_wait();
  for (;;) {
    if (i < shared_->published.load(std::memory_order_acquire)) break;
    if (shared_->closed.load(std::memory_order_acquire)) {
      if (i >= shared_->published.load(std::memory_order_acquire)) {
        taken_end_ = taken_;  // this chunk is past the end; so is every later one
        return false;
      }
      break;
    }
    ::usleep(200);
  }
  task = shared_->tasks[i];
  ++taken_;
  return true;
}

void run_in_order(const std::string& name, std::size_t n, int jobs,
                  const std::function<std::string(std::size_t)>& task,
                  const std::function<void(std::size_t, const std::string&)>& on_result) {
  if (n == 0) return;
  TaskQueue queue(n, 1);
  for (std::size_t i = 0; i < n; ++i) queue.push(i);
  queue.close();
  WorkerPool pool(name, jobs, [&](int, LineSink& out) {
    std::uint64_t i = 0;
    while (queue.next(i)) {
      out.send(std::to_string(i) + " " + task(static_cast<std::size_t>(i)));
      out.flush();  // one result at a time: the parent's progress follows the work
    }
  });
  std::map<std::size_t, std::string> early;  // results that overtook an earlier one
  std::size_t delivered = 0;
  const auto on_line = [&](int, const std::string& line) {
    const std::size_t space = line.find(' ');
    std::size_t i = n;
    try {
      i = std::stoull(line.substr(0, space));
    } catch (const std::logic_error&) {
    }
    if (space == std::string::npos || i >= n || i < delivered || early.count(i))
      throw UserError("a " + name + " worker sent a malformed line");
    early.emplace(i, line.substr(space + 1));
    while (!pool.failed() && !early.empty() && early.begin()->first == delivered) {
      on_result(delivered, early.begin()->second);
      early.erase(early.begin());
      ++delivered;
    }
  };
  pool.finish(on_line);
  if (delivered != n) throw UserError(name + " workers returned too few results");
}

}  // namespace accelnas::runtime
