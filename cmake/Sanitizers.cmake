# ASan+UBSan for the sanitizer build of the test suite (make test-sanitize); recover nothing, so a report fails the test.
add_library(deployctl_sanitizers INTERFACE)
if(DEPLOYCTL_SANITIZE)
  target_compile_options(deployctl_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(deployctl_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
# Both instrumented builds give the embedded interpreter malloc as its allocator: pymalloc's arenas are mmap'd,
# which LeakSanitizer does not scan, so everything the interpreter still references would look leaked.
if(DEPLOYCTL_SANITIZE OR DEPLOYCTL_FUZZ)
  target_compile_definitions(deployctl_sanitizers INTERFACE DEPLOYCTL_PYTHON_MALLOC=1)
endif()
# The fuzz build (make fuzz, clang only): every library gets libFuzzer's coverage instrumentation and ASan+UBSan;
# the fuzz targets in tests/fuzz add libFuzzer's main.
if(DEPLOYCTL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "DEPLOYCTL_FUZZ needs clang (libFuzzer): configure with CC=clang-19 CXX=clang++-19")
  endif()
  target_compile_options(deployctl_sanitizers INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(deployctl_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
