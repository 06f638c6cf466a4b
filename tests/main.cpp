// The doctest main of every test binary, with one guard: ctest runs each TEST_CASE by name
// (--test-case=NAME), and a name that the discovery mangled (CMake splits names at ';') would
// match nothing and "pass" without running. A filtered run that selects no test fails instead.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstring>
#include <iostream>

namespace {

unsigned g_selected = 0;

struct SelectionListener : doctest::IReporter {
  explicit SelectionListener(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& stats) override {
    g_selected = stats.numTestCasesPassingFilters;
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

DOCTEST_REGISTER_LISTENER("selection", 1, SelectionListener);

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (context.shouldExit()) return result;
  bool filtered = false;
  for (int i = 1; i < argc; ++i) {
    filtered = filtered || std::strncmp(argv[i], "--test-case=", 12) == 0 ||
               std::strncmp(argv[i], "-tc=", 4) == 0;
  }
  if (result == 0 && filtered && g_selected == 0) {
    std::cerr << "test main: the --test-case filter selected no test\n";
    return 1;
  }
  return result;
}
