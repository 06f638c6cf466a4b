// SystemC's AddressSanitizer annotation, completed. Linked into every executable of the
// sanitizer build only (ACCELNAS_SANITIZE, cmake/sanitizers.cmake); never in a release build.
//
// Why it exists. SystemC 2.3.4 (Debian's libsystemc) tells ASan about each coroutine switch
// through __sanitizer_start_switch_fiber(fake_stack, bottom, size). For the switch back to the
// main coroutine, which runs on the thread's own stack, it passes bottom = NULL and size = 0: it
// never learnt that stack's bounds. From the first simulation on, ASan then believes the main
// thread runs on an empty stack, and __asan_handle_no_return (called on every C++ throw) no
// longer unpoisons the frames the exception unwinds ("ASan is ignoring requested
// __asan_handle_no_return"). Their redzones stay poisoned, and later calls that reuse that stack
// memory get false stack-buffer-overflow / stack-use-after-scope reports: any test that throws a
// UserError after a simulation in the same process failed for this reason alone.
//
// What it does. This definition interposes on the sanitizer runtime's (the executable's symbols
// come before the shared runtime, which the sanitizer build links: GCC's libasan, clang's
// -shared-libsan). A call with bottom == NULL and size == 0 gets the calling thread's real stack
// bounds (pthread_getattr_np), which is what "the main coroutine" means; every other call passes
// through unchanged. Nothing is suppressed: ASan still checks every access, and each switch is
// annotated as SystemC meant it to be.
//
// Proof (docs/TESTING.md): ACCELNAS_SYSTEMC_FIBER_FIX=off passes every call through unchanged,
// so a test that throws after a simulation fails again with a false report.
#include <dlfcn.h>
#include <pthread.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

using StartSwitchFiber = void (*)(void**, const void*, std::size_t);

StartSwitchFiber real_start_switch_fiber() {
  static const StartSwitchFiber real = [] {
    auto fn =
        reinterpret_cast<StartSwitchFiber>(dlsym(RTLD_NEXT, "__sanitizer_start_switch_fiber"));
    if (fn == nullptr) {
      // A runtime linked statically into the executable cannot be interposed on: fail loudly
      // rather than run without the annotation SystemC needs.
      std::fprintf(stderr,
                   "systemc_fiber_stack: no sanitizer runtime after the executable "
                   "(link the shared runtime: -shared-libsan with clang)\n");
      std::abort();
    }
    return fn;
  }();
  return real;
}

bool fix_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("ACCELNAS_SYSTEMC_FIBER_FIX");
    return v == nullptr || std::strcmp(v, "off") != 0;
  }();
  return enabled;
}

struct StackBounds {
  const void* bottom = nullptr;
  std::size_t size = 0;
};

// Read once per thread: for the main thread pthread_getattr_np parses /proc/self/maps, and
// SystemC switches coroutines at every wait().
const StackBounds& this_thread_stack() {
  thread_local const StackBounds bounds = [] {
    StackBounds b;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* addr = nullptr;
      std::size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0) b = {addr, size};
      pthread_attr_destroy(&attr);
    }
    return b;
  }();
  return bounds;
}

// Resolved before main(), so a broken link fails at start-up, not in the first simulation.
[[maybe_unused]] const bool g_resolved = (real_start_switch_fiber(), true);

}  // namespace

extern "C" void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom,
                                               std::size_t size) {
  if (bottom == nullptr && size == 0 && fix_enabled()) {
    const StackBounds& own = this_thread_stack();
    bottom = own.bottom;
    size = own.size;
  }
  real_start_switch_fiber()(fake_stack_save, bottom, size);
}
