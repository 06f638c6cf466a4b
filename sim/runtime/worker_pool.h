// Worker processes for the commands that do long work (sweep, label, and later search).
//
// SystemC allows one simulation kernel per process, so parallel simulation means forked
// workers. A WorkerPool forks them, each running the same body with its own index; a worker
// sends its results to the parent as lines (no '\n' inside) through a pipe, and the parent
// reads them as they come (drain()). A TaskQueue in shared memory lets the parent hand out task
// numbers while the workers run (a worker that drew cheap tasks takes more).
//
// Contract:
// - A worker that throws sends its error's text, which finish() throws as a UserError once every
//   worker has ended; lines it sent before reach the parent first. A worker that dies without
//   saying why (killed, crashed) makes finish() throw "a <name> worker process died". The first
//   failure wins; failed() tells the parent to stop handing out work.
// - Workers die with the parent (PR_SET_PDEATHSIG), so an interrupted run leaves nothing
//   simulating for nobody; what the parent received before is the caller's to keep.
// - A worker never returns into the caller's code: it ends with _exit().
// run_in_order() builds the common case on these: tasks 0..n-1, results in task order, the same
// for any number of workers.
#ifndef ACCELNAS_SIM_RUNTIME_WORKER_POOL_H
#define ACCELNAS_SIM_RUNTIME_WORKER_POOL_H

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace accelnas::runtime {

// A worker's side of its pipe: lines are buffered and written in blocks.
class LineSink {
 public:
  explicit LineSink(int fd) : fd_(fd) {}
  void send(const std::string& line);  // one line; '\n' is added
  void flush();                        // writes what is buffered (before a worker waits)

 private:
  int fd_;
  std::string out_;
};

class WorkerPool {
 public:
  using Body = std::function<void(int worker, LineSink& out)>;
  // Forks `jobs` (>= 1) workers running `body`. `name` names them in errors ("sweep", "label").
  // Throws UserError when a pipe or a process cannot be made.
  WorkerPool(const std::string& name, int jobs, const Body& body);
  ~WorkerPool();  // kills and reaps workers still running (the parent is unwinding)
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Reads what the workers sent, waiting up to `timeout_ms` for something to arrive, and calls
  // `on_line(worker, line)` for each complete line. A UserError from on_line is recorded as the
  // failure (the first one wins) and reading goes on.
  void drain(int timeout_ms, const std::function<void(int, const std::string&)>& on_line);
  // Workers whose pipe is still open.
  std::size_t open() const { return open_; }
  bool failed() const { return !failure_.empty(); }
  // Drains until every worker has closed its pipe, reaps them all, and throws the failure.
  void finish(const std::function<void(int, const std::string&)>& on_line);

 private:
  struct Worker {
    pid_t pid = -1;
    int fd = -1;
    std::string buffer;
  };
  std::string name_;
  std::vector<Worker> workers_;
  std::size_t open_ = 0;
  std::string failure_;
  bool reaped_ = false;
  void start(int jobs, const Body& body);
  void reap();
  void kill_all();
};

// Task numbers shared by the parent and its forked workers (anonymous shared memory survives
// fork, and lock-free 64-bit atomics work across processes). Make it before the pool; the parent
// push()es and publish()es, then close()s; each worker takes them with next() in chunks.
class TaskQueue {
 public:
  // Room for `capacity` tasks in all. Throws UserError when the memory cannot be mapped.
  TaskQueue(std::uint64_t capacity, std::uint64_t chunk);
  ~TaskQueue();
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  void push(std::uint64_t task);  // parent: appended, seen by workers after publish()
  void publish();                 // parent: makes every pushed task visible
  void close();                   // parent: publishes and says no more tasks will come
  std::uint64_t pushed() const { return pushed_; }
  // Worker: the next task, or false when the queue is closed and empty. `before_wait` runs when
  // the worker is about to wait for the parent to publish more (to send what it holds).
  bool next(std::uint64_t& task, const std::function<void()>& before_wait = {});

 private:
  struct Shared;
  Shared* shared_;
  std::size_t bytes_;
  std::uint64_t capacity_, chunk_;
  std::uint64_t pushed_ = 0;                 // parent
  std::uint64_t taken_ = 0, taken_end_ = 0;  // worker: its current chunk [taken_, taken_end_)
};

// Runs task(i) for i in 0..n-1 on `jobs` worker processes and hands each result to
// on_result(i, text) in the parent, in order of i, whatever `jobs` is. A task's text holds no
// '\n'. Errors as WorkerPool::finish(); results after a failed task are not delivered.
void run_in_order(const std::string& name, std::size_t n, int jobs,
                  const std::function<std::string(std::size_t)>& task,
                  const std::function<void(std::size_t, const std::string&)>& on_result);

}  // namespace accelnas::runtime

#endif  // ACCELNAS_SIM_RUNTIME_WORKER_POOL_H
