// One interpreter per process, started lazily and only as far as its user needs, so that commands that never
// parse Python (rules, explain, help) do not pay for it and `check` pays for the core only.
#include "python/py_ref.hpp"  // Python.h first

#include "python/interpreter.hpp"

#include <algorithm>
#include <string>

#include "python/errors.hpp"
#include "python/prefault.hpp"

namespace deployctl::python {

namespace {

bool main_phase_done = false;
bool serving_started = false;

std::unexpected<Error> start_failure(const PyStatus& status, std::string_view what = "start") {
  return fail("cannot " + std::string(what) +
              " the embedded Python interpreter: " + (status.err_msg != nullptr ? status.err_msg : "unknown reason"));
}

// Sanitizer and fuzz builds (cmake/Sanitizers.cmake) give the interpreter malloc, so that LeakSanitizer scans what
// it references (pymalloc's arenas are mmap'd). Must come before any other initialization.
Result<void> preinitialize([[maybe_unused]] bool isolated) {
#ifdef DEPLOYCTL_PYTHON_MALLOC
  PyPreConfig preconfig;
  if (isolated) {
    PyPreConfig_InitIsolatedConfig(&preconfig);
  } else {
    PyPreConfig_InitPythonConfig(&preconfig);
  }
  preconfig.allocator = PYMEM_ALLOCATOR_MALLOC;
  if (const PyStatus status = Py_PreInitialize(&preconfig); PyStatus_Exception(status)) return start_failure(status);
#endif
  return {};
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

Result<void> add_site_directories() {
  const PyRef site(PyImport_ImportModule("site"));
  if (!site) return fail("cannot import Python's site module: " + take_error());
  const PyRef done(PyObject_CallMethod(site.get(), "main", nullptr));
  if (!done) return fail("Python's site.main() failed: " + take_error());
  return {};
}

}  // namespace

Result<void> ensure_parser_core() {
  if (Py_IsInitialized()) return {};
  prefault_writable_image();  // the core's start-up writes nearly every page of it
  prefault_first_object_arena();
  if (auto pre = preinitialize(true); !pre) return pre;
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
  if (PyStatus_Exception(status)) return start_failure(status);
  return {};
}

Result<void> ensure_full_interpreter() {
  if (auto core = ensure_parser_core(); !core) return core;
  if (main_phase_done) return {};
  const PyStatus status = _Py_InitializeMain();
  if (PyStatus_Exception(status)) return start_failure(status, "complete");
  main_phase_done = true;
  return {};
}

bool parsing_may_import(std::string_view source, std::string_view filename) {
  return std::ranges::any_of(source, is_non_ascii) || std::ranges::any_of(filename, is_non_ascii) ||
         source.find("\\N{") != std::string_view::npos || has_coding_cookie(source);
}

Result<void> start_for_serving() {
  if (serving_started) return {};
  serving_started = true;
  if (Py_IsInitialized()) {
    // The parser may have started only the isolated core (no import system yet): complete it first.
    if (auto full = ensure_full_interpreter(); !full) return full;
    return add_site_directories();
  }
  if (auto pre = preinitialize(false); !pre) return pre;
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.install_signal_handlers = 0;
  config.parse_argv = 0;
  config.write_bytecode = 1;
  // Debian's interpreter: its prefix gives the stdlib and dist-packages (Django) whatever PATH's python3 is.
  PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, DEPLOYCTL_PYTHON_EXECUTABLE);
  if (!PyStatus_Exception(status)) {
    char* argv[] = {const_cast<char*>("deployctl")};
    status = PyConfig_SetBytesArgv(&config, 1, argv);
  }
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) return start_failure(status);
  main_phase_done = true;
  return {};
}

void before_fork() { PyOS_BeforeFork(); }
void after_fork_parent() { PyOS_AfterFork_Parent(); }
void after_fork_child() { PyOS_AfterFork_Child(); }

}  // namespace deployctl::python
