// What every fuzz target shares (docs/TESTING.md, "Fuzzing").
//
// The contract each target checks: any input is either accepted or refused with
// accelnas::UserError. Any other exception escapes to libFuzzer (an uncaught exception is a
// finding), as does a crash, a hang or a sanitizer report.
#ifndef ACCELNAS_TESTS_FUZZ_FUZZ_COMMON_H
#define ACCELNAS_TESTS_FUZZ_FUZZ_COMMON_H

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "workloads/config/error.h"

namespace accelnas::fuzz {

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Runs `body`; a UserError is an accepted outcome, anything else propagates.
template <class Body>
int user_error_or_success(Body&& body) {
  try {
    body();
  } catch (const accelnas::UserError&) {
  }
  return 0;
}

// A property that must hold for accepted inputs (a round trip): its failure is a finding.
inline void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz: property violated: %s\n", what);
    std::abort();
  }
}

// A round trip that must hold for accepted inputs: `text` (what the library wrote) is read back
// by `rewrite` (read, then written again), which must neither refuse it nor change it.
template <class Rewrite>
void require_round_trip(const std::string& text, Rewrite&& rewrite, const char* what) {
  std::string again;
  try {
    again = rewrite(text);
  } catch (const accelnas::UserError& e) {
    std::fprintf(stderr, "fuzz: %s: written text is refused: %s\n%s\n", what, e.what(),
                 text.c_str());
    std::abort();
  }
  require(again == text, what);
}

// A file in the temporary directory, private to this process, rewritten for each input (for the
// loaders that read files only).
class TempFile {
 public:
  explicit TempFile(const std::string& suffix) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/accelnas_fuzz_" +
            std::to_string(::getpid()) + suffix;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& write(const std::uint8_t* data, std::size_t size) {
    std::ofstream f(path_, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    f.close();
    if (!f) {
      std::fprintf(stderr, "fuzz: cannot write %s\n", path_.c_str());
      std::abort();
    }
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace accelnas::fuzz

#endif  // ACCELNAS_TESTS_FUZZ_FUZZ_COMMON_H
