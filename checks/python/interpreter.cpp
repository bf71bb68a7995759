// One isolated interpreter per process, started lazily (and only as far as needed) so that commands that
// never parse Python (rules, explain, help) do not pay for it, and `check` pays for the core only.
#define PY_SSIZE_T_CLEAN
#include <Python.h>  // first, as CPython requires

#include "checks/python/interpreter.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"

namespace deployctl::checks::python {

namespace {

bool main_phase_done = false;

[[noreturn]] void fail_start(const PyStatus& status) {
  throw Failure(std::string("cannot start the embedded Python interpreter: ") +
                (status.err_msg ? status.err_msg : "unknown reason"));
}

bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// PEP 263: a comment on line 1 or 2 matching `coding[:=]`. Over-matching only costs a full start-up.
bool has_coding_cookie(std::string_view source) {
  std::size_t line_start = 0;
  for (int line = 0; line < 2 && line_start < source.size(); ++line) {
    const std::size_t line_end = std::min(source.find('\n', line_start), source.size());
    const std::string_view text = source.substr(line_start, line_end - line_start);
    const std::size_t hash = text.find('#');
    if (hash != std::string_view::npos) {
      const std::string_view comment = text.substr(hash);
      const std::size_t coding = comment.find("coding");
      if (coding != std::string_view::npos && coding + 6 < comment.size() &&
          (comment[coding + 6] == ':' || comment[coding + 6] == '='))
        return true;
    }
    line_start = line_end + 1;
  }
  return false;
}

}  // namespace

void ensure_interpreter() {
  if (Py_IsInitialized()) return;
#ifdef DEPLOYCTL_PYTHON_MALLOC
  PyPreConfig preconfig;  // sanitizer builds (cmake/Sanitizers.cmake)
  PyPreConfig_InitIsolatedConfig(&preconfig);
  preconfig.allocator = PYMEM_ALLOCATOR_MALLOC;
  if (const PyStatus status = Py_PreInitialize(&preconfig); PyStatus_Exception(status)) fail_start(status);
#endif
  PyConfig config;
  PyConfig_InitIsolatedConfig(&config);
  // The parser needs only the core; `site` would scan dist-packages and cost milliseconds on every run.
  config.site_import = 0;
  config.write_bytecode = 0;
  config.install_signal_handlers = 0;
  config.user_site_directory = 0;
  config.parse_argv = 0;
  config._init_main = 0;  // the rest: ensure_full_interpreter, when a source needs it
  const PyStatus status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) fail_start(status);
}

void ensure_full_interpreter() {
  ensure_interpreter();
  if (main_phase_done) return;
  const PyStatus status = _Py_InitializeMain();
  if (PyStatus_Exception(status)) fail_start(status);
  main_phase_done = true;
}

bool parsing_may_import(std::string_view source, std::string_view filename) {
  return std::ranges::any_of(source, is_non_ascii) || std::ranges::any_of(filename, is_non_ascii) ||
         source.find("\\N{") != std::string_view::npos || has_coding_cookie(source);
}

}  // namespace deployctl::checks::python
