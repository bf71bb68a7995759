// Importing the app: sys.path as the project needs it, DJANGO_SETTINGS_MODULE, the module, the attribute path.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/loading/app_import.hpp"

#include <cstdio>

#include "gateway/server/error_log.hpp"
#include "python/errors.hpp"

namespace deployctl::gateway::loading {

using python::PyRef;

Result<PyRef> import_app(const AppSpec& spec, const LoadOptions& options) {
  const auto python_failure = [&](std::string what) { return fail(what + ": " + python::take_error()); };
  PyObject* sys_path = PySys_GetObject("path");  // borrowed
  if (sys_path == nullptr || !PyList_Check(sys_path)) return python_failure("sys.path is missing");
  PyRef directory(PyUnicode_DecodeFSDefault(options.chdir.c_str()));
  if (!directory || PyList_Insert(sys_path, 0, directory.get()) < 0) return python_failure("cannot extend sys.path");
  if (!options.python_path.empty() && options.python_path != options.chdir) {
    PyRef extra(PyUnicode_DecodeFSDefault(options.python_path.c_str()));
    if (!extra || PyList_Insert(sys_path, 0, extra.get()) < 0) return python_failure("cannot extend sys.path");
  }
  if (options.django_settings_module) {
    PyRef os(PyImport_ImportModule("os"));
    PyRef environ(os ? PyObject_GetAttrString(os.get(), "environ") : nullptr);
    PyRef done(environ ? PyObject_CallMethod(environ.get(), "setdefault", "ss", "DJANGO_SETTINGS_MODULE",
                                             options.django_settings_module->c_str())
                       : nullptr);
    if (!done) return python_failure("cannot set DJANGO_SETTINGS_MODULE");
  }

  PyRef object(PyImport_ImportModule(spec.module.c_str()));
  if (!object) {
    const std::string traceback = python::take_error();
    std::fputs(traceback.c_str(), stderr);
    std::fflush(stderr);
    std::string last_line = traceback;
    while (!last_line.empty() && last_line.back() == '\n') last_line.pop_back();
    last_line = last_line.substr(last_line.rfind('\n') + 1);
    return fail("cannot import the app module '" + spec.module + "' (from " + options.chdir.string() +
                "): " + last_line);
  }
  std::string_view path = spec.callable;
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    const std::string part(path.substr(0, dot));
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    PyRef next(PyObject_GetAttrString(object.get(), part.c_str()));
    if (!next) {
      PyErr_Clear();
      return fail("the app module '" + spec.module + "' has no attribute '" + spec.callable + "'");
    }
    object = std::move(next);
  }
  if (!PyCallable_Check(object.get()))
    return fail("'" + spec.module + ":" + spec.callable + "' is not callable (it is " + Py_TYPE(object.get())->tp_name +
                ")");
  // The imported app's objects leave the cyclic GC's generations (gc.freeze, as Python's gc docs advise before
  // fork): a full collection in a worker would otherwise write to every one of them and copy all the master's
  // pages into the worker (12 MB more private memory per worker for the example project, bench/RESULTS.md).
  PyRef gc(PyImport_ImportModule("gc"));
  PyRef frozen(gc ? PyObject_CallMethod(gc.get(), "freeze", nullptr) : nullptr);
  if (!frozen) log_warning("cannot freeze the app's objects out of the garbage collector: " + python::take_error());
  return object;
}

}  // namespace deployctl::gateway::loading
