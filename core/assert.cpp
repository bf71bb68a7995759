// Reports a broken invariant on stderr with a plain write (no allocation, no stdio state that may be the broken
// thing) and aborts, so that a core dump or the sanitizer's report shows where.
#include "core/assert.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace deployctl {

namespace {

void put(const char* text) {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    const ssize_t written = ::write(2, text, left);
    if (written <= 0) return;
    text += written;
    left -= static_cast<std::size_t>(written);
  }
}

void put_number(unsigned long value) {
  char digits[24];
  char* end = digits + sizeof digits - 1;
  *end = '\0';
  do {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  put(end);
}

}  // namespace

void assertion_failed(const char* expression, const char* why, std::source_location where) noexcept {
  put("deployctl: internal error (a bug; please report it): ");
  put(where.file_name());
  put(":");
  put_number(where.line());
  put(": ");
  put(why);
  put(" (");
  put(expression);
  put(")\n");
  std::abort();
}

}  // namespace deployctl
