// Helpers shared by every test folder.
#ifndef ACCELNAS_TESTS_COMMON_TEST_UTIL_H
#define ACCELNAS_TESTS_COMMON_TEST_UTIL_H

#include <string>

#include "workloads/config/error.h"

namespace accelnas::test_util {

// The UserError message `f` throws, or "<no error>".
template <class F>
std::string user_error(F&& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "<no error>";
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace accelnas::test_util

#endif  // ACCELNAS_TESTS_COMMON_TEST_UTIL_H
