# Hardening of the binary (a network server parses hostile input) and the assertions every build the Makefile and
# CI make keeps on. The hardening's cost on `deployctl serve` is measured in bench/RESULTS.md (about 1% of a hello-world
# request's instructions, nothing measurable on a Django view).
add_library(deployctl_hardening INTERFACE)
option(DEPLOYCTL_HARDEN "fortified libc calls, stack protector, full RELRO, non-executable stack" ON)
if(DEPLOYCTL_HARDEN)
  # _FORTIFY_SOURCE needs optimisation: the Debug (sanitizer) build leaves it to ASan.
  target_compile_options(deployctl_hardening INTERFACE
    $<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2>
    -fstack-protector-strong -fstack-clash-protection)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    target_compile_options(deployctl_hardening INTERFACE -fcf-protection)
  endif()
  # Full RELRO (relro + now): the GOT is read-only once the loader is done. Compatible with the static, non-PIE
  # libpython: it changes when symbols bind, not how (extension modules still resolve the C API at dlopen).
  target_link_options(deployctl_hardening INTERFACE LINKER:-z,relro LINKER:-z,now LINKER:-z,noexecstack)
endif()

# DEPLOYCTL_ASSERT (core/assert.hpp) checks invariants whatever CMAKE_BUILD_TYPE says (RelWithDebInfo defines
# NDEBUG, which would silence assert()); with it, libstdc++'s own precondition checks (_GLIBCXX_ASSERTIONS:
# bounds of operator[], front() of an empty container...). OFF only for a build that wants neither.
option(DEPLOYCTL_ASSERTIONS "keep invariant checks (DEPLOYCTL_ASSERT, _GLIBCXX_ASSERTIONS) in every build type" ON)
if(DEPLOYCTL_ASSERTIONS)
  target_compile_definitions(deployctl_hardening INTERFACE DEPLOYCTL_ASSERTIONS=1 _GLIBCXX_ASSERTIONS=1)
endif()
