// Starting the serving interpreter and moving the GIL between the event loop and the request in hand.
#include "gateway/wsgi/py_ref.hpp"  // Python.h first, as CPython requires

#include "gateway/wsgi/runtime.hpp"

namespace deployctl::gateway::wsgi {

namespace {

// Each thread's own state while it runs without the GIL (the event loop; with --threads, each pool thread).
thread_local PyThreadState* saved_state = nullptr;

Result<void> add_site_directories() {
  PyRef site(PyImport_ImportModule("site"));
  if (!site) return fail("cannot import Python's site module: " + take_python_error());
  PyRef done(PyObject_CallMethod(site.get(), "main", nullptr));
  if (!done) return fail("Python's site.main() failed: " + take_python_error());
  return {};
}

}  // namespace

Result<void> start_python() {
  static bool started = false;
  if (started) return {};
  started = true;
  if (Py_IsInitialized()) {
    // The checks' parser may have started only the core (no import system yet): complete it first.
    const PyStatus main_phase = _Py_InitializeMain();
    if (PyStatus_Exception(main_phase))
      return fail(std::string("cannot complete the embedded Python interpreter: ") +
                  (main_phase.err_msg != nullptr ? main_phase.err_msg : "unknown reason"));
    return add_site_directories();
  }
#ifdef DEPLOYCTL_PYTHON_MALLOC
  PyPreConfig preconfig;  // sanitizer builds (cmake/Sanitizers.cmake)
  PyPreConfig_InitPythonConfig(&preconfig);
  preconfig.allocator = PYMEM_ALLOCATOR_MALLOC;
  if (const PyStatus pre = Py_PreInitialize(&preconfig); PyStatus_Exception(pre))
    return fail(std::string("cannot start the embedded Python interpreter: ") +
                (pre.err_msg != nullptr ? pre.err_msg : "unknown reason"));
#endif
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
  if (PyStatus_Exception(status))
    return fail(std::string("cannot start the embedded Python interpreter: ") +
                (status.err_msg != nullptr ? status.err_msg : "unknown reason"));
  return {};
}

void python_before_fork() { PyOS_BeforeFork(); }
void python_after_fork_parent() { PyOS_AfterFork_Parent(); }
void python_after_fork_child() { PyOS_AfterFork_Child(); }

std::string take_python_error() {
  if (!PyErr_Occurred()) return "";
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  if (traceback != nullptr && value != nullptr) PyException_SetTraceback(value, traceback);
  PyRef type_ref(type), value_ref(value), traceback_ref(traceback);
  std::string text;
  PyRef module(PyImport_ImportModule("traceback"));
  PyRef lines(module ? PyObject_CallMethod(module.get(), "format_exception", "OOO", type ? type : Py_None,
                                           value ? value : Py_None, traceback ? traceback : Py_None)
                     : nullptr);
  if (lines) {
    PyRef empty(PyUnicode_FromString(""));
    PyRef joined(PyUnicode_Join(empty.get(), lines.get()));
    if (joined) {
      Py_ssize_t size = 0;
      if (const char* utf8 = PyUnicode_AsUTF8AndSize(joined.get(), &size)) text.assign(utf8, static_cast<std::size_t>(size));
    }
  }
  if (text.empty()) {
    PyErr_Clear();
    PyRef shown(value ? PyObject_Str(value) : nullptr);
    const char* utf8 = shown ? PyUnicode_AsUTF8(shown.get()) : nullptr;
    text = std::string(type ? reinterpret_cast<PyTypeObject*>(type)->tp_name : "error") + ": " + (utf8 ? utf8 : "?");
  }
  PyErr_Clear();
  return text;
}

void release_gil() { saved_state = PyEval_SaveThread(); }
void acquire_gil() { PyEval_RestoreThread(saved_state); }

GilReleased::GilReleased() : state_(PyEval_SaveThread()) {}
GilReleased::~GilReleased() { PyEval_RestoreThread(static_cast<PyThreadState*>(state_)); }

}  // namespace deployctl::gateway::wsgi
