// DEPLOYCTL_ASSERT: an invariant of our own code, checked in every build the Makefile and CI make (not only Debug;
// cmake/Hardening.cmake). A failure is a bug in deployctl, never bad input: it names the place and aborts.
#pragma once

#include <source_location>

namespace deployctl {

[[noreturn]] void assertion_failed(const char* expression, const char* why,
                                   std::source_location where = std::source_location::current()) noexcept;

}  // namespace deployctl

#if defined(DEPLOYCTL_ASSERTIONS)
#define DEPLOYCTL_ASSERT(condition, why) \
  ((condition) ? static_cast<void>(0) : ::deployctl::assertion_failed(#condition, why))
#else
#define DEPLOYCTL_ASSERT(condition, why) static_cast<void>(sizeof(condition))
#endif
