// The process worker pool (sim/runtime/worker_pool.h): results in task order whatever the number
// of workers, a worker's error and a worker's death reach the parent, and the shared queue hands
// every task to exactly one worker.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "sim/runtime/worker_pool.h"
#include "tests/common/test_util.h"

using namespace accelnas;
using test_util::contains;
using test_util::user_error;

namespace {

// A task whose time varies, so that later tasks often finish before earlier ones.
std::string square(std::size_t i) {
  ::usleep(static_cast<useconds_t>((i * 7919) % 5) * 300);
  return std::to_string(i * i);
}

}  // namespace

TEST_CASE("worker pool: results come back in task order, whatever the number of workers") {
  constexpr std::size_t n = 40;
  for (const int jobs : {1, 2, 3, 8}) {
    INFO("jobs " << jobs);
    std::vector<std::size_t> order;
    std::vector<std::string> results;
    runtime::run_in_order("test", n, jobs, square, [&](std::size_t i, const std::string& r) {
      order.push_back(i);
      results.push_back(r);
    });
    REQUIRE(order.size() == n);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(order[i] == i);
      CHECK(results[i] == std::to_string(i * i));
    }
  }
}

TEST_CASE("worker pool: a failing task ends the run with its error, results before it kept") {
  for (const int jobs : {1, 3}) {
    INFO("jobs " << jobs);
    std::size_t delivered = 0;
    const std::string err = user_error([&] {
      runtime::run_in_order(
          "test", 20, jobs,
          [](std::size_t i) -> std::string {
            if (i == 11) throw UserError("task 11: no such\nconfiguration");
            return std::to_string(i);
          },
          [&](std::size_t i, const std::string&) {
            CHECK(i == delivered);
            ++delivered;
          });
    });
    CHECK(err == "task 11: no such configuration");  // one line
    CHECK(delivered <= 11);
  }
}

TEST_CASE("worker pool: a worker that dies without a word is reported by name") {
  const std::string err = user_error([] {
    runtime::WorkerPool pool("sweep", 2, [](int worker, runtime::LineSink& out) {
      out.send("alive");
      out.flush();
      if (worker == 1) std::_Exit(7);
    });
    int lines = 0;
    pool.finish([&](int, const std::string& line) {
      CHECK(line == "alive");
      ++lines;
    });
  });
  CHECK(err == "a sweep worker process died");
}

TEST_CASE("worker pool: tasks pushed while workers run reach exactly one worker each") {
  constexpr std::uint64_t n = 500;
  runtime::TaskQueue queue(n, 8);
  runtime::WorkerPool pool("test", 3, [&](int, runtime::LineSink& out) {
    std::uint64_t task = 0;
    while (queue.next(task, [&out] { out.flush(); })) out.send(std::to_string(task));
  });
  std::multiset<std::uint64_t> seen;
  const auto receive = [&](int, const std::string& line) { seen.insert(std::stoull(line)); };
  for (std::uint64_t i = 0; i < n; ++i) {
    queue.push(i * 3);
    if (i % 50 == 49) {
      queue.publish();
      pool.drain(0, receive);
    }
  }
  queue.close();
  pool.finish(receive);
  REQUIRE(seen.size() == n);
  std::uint64_t expect = 0;
  for (const std::uint64_t t : seen) {
    CHECK(t == expect);
    expect += 3;
  }
}
