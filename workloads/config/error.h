// User errors versus bugs.
//
// A UserError is the user's fault (bad file, bad value, unknown name): library code throws it
// with one readable line, and main() prints it and exits non-zero. A broken internal invariant is
// our bug: ACCELNAS_PANIC aborts with the location, like gem5's panic().
#ifndef ACCELNAS_WORKLOADS_CONFIG_ERROR_H
#define ACCELNAS_WORKLOADS_CONFIG_ERROR_H

#include <stdexcept>
#include <string>

namespace accelnas {

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& what) : std::runtime_error(what) {}
};

[[noreturn]] void panic(const char* file, int line, const std::string& what);

}  // namespace accelnas

#define ACCELNAS_PANIC(msg) ::accelnas::panic(__FILE__, __LINE__, (msg))
#define ACCELNAS_CHECK(cond, msg)                              \
  do {                                                         \
    if (!(cond)) ::accelnas::panic(__FILE__, __LINE__, (msg)); \
  } while (0)

#endif  // ACCELNAS_WORKLOADS_CONFIG_ERROR_H
