#include "workloads/config/error.h"

#include <cstdio>
#include <cstdlib>

namespace accelnas {

void panic(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "accelnas: internal error (a bug, please report it): %s:%d: %s\n", file,
               line, what.c_str());
  std::abort();
}

}  // namespace accelnas
