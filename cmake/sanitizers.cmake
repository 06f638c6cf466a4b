# The sanitizer build (scripts/check.sh; docs/TESTING.md). Off in ordinary builds.
#
# ACCELNAS_SANITIZE: AddressSanitizer + UndefinedBehaviorSanitizer on every target, halting on
#   the first UB report, with SystemC's coroutine-stack annotation completed in every
#   executable (tests/sanitizers/systemc_fiber_stack.cpp says why).
# ACCELNAS_FUZZ: the fuzz targets in tests/fuzz/. With clang they are libFuzzer binaries and
#   every library is built with coverage for them; with another compiler each target is linked
#   with a driver that replays the files it is given (the seed corpora, the regressions).
option(ACCELNAS_SANITIZE "Build everything with ASan and UBSan (scripts/check.sh)" OFF)
option(ACCELNAS_FUZZ "Build the fuzz targets in tests/fuzz" OFF)

set(ACCELNAS_LIBFUZZER OFF)
if(ACCELNAS_FUZZ AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(ACCELNAS_LIBFUZZER ON)
endif()

if(ACCELNAS_SANITIZE)
  set(_san_flags -fsanitize=address,undefined -fno-omit-frame-pointer
                 -fno-sanitize-recover=undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # The shared runtime, as GCC's libasan is: the SystemC fix interposes on one of its
    # functions, which a runtime linked statically into the executable would not allow.
    list(APPEND _san_flags -shared-libsan)
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libclang_rt.asan-x86_64.so
                    OUTPUT_VARIABLE _asan_so OUTPUT_STRIP_TRAILING_WHITESPACE)
    get_filename_component(_asan_dir "${_asan_so}" DIRECTORY)
    add_link_options(-Wl,-rpath,${_asan_dir})
    add_compile_options(-gline-tables-only)  # file:line in reports, at little build cost
  else()
    add_compile_options(-g1)
  endif()
  add_compile_options(${_san_flags})
  add_link_options(${_san_flags})
  message(STATUS "accelnas: sanitizers ON (${_san_flags})")
endif()

if(ACCELNAS_LIBFUZZER)
  # Coverage counters in every library, so libFuzzer sees inside the loaders.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Adds the SystemC stack fix to every executable under `dir` (called once the whole tree is
# defined, so no executable is forgotten).
function(accelnas_add_systemc_fiber_fix dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t ${targets})
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "EXECUTABLE")
      target_sources(${t} PRIVATE ${PROJECT_SOURCE_DIR}/tests/sanitizers/systemc_fiber_stack.cpp)
      target_link_libraries(${t} PRIVATE ${CMAKE_DL_LIBS})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub ${subdirs})
    accelnas_add_systemc_fiber_fix(${sub})
  endforeach()
endfunction()
