// One isolated interpreter per process, started lazily so that commands that never parse Python
// (rules, explain, help) do not pay for it.
#define PY_SSIZE_T_CLEAN
#include <Python.h>  // first, as CPython requires

#include "checks/python/interpreter.hpp"

#include "core/error.hpp"
#include <string>

namespace deployctl::checks::python {

void ensure_interpreter() {
  if (Py_IsInitialized()) return;
  PyConfig config;
  PyConfig_InitIsolatedConfig(&config);
  // The parser needs only the core; `site` would scan dist-packages and cost milliseconds on every run.
  config.site_import = 0;
  config.write_bytecode = 0;
  config.install_signal_handlers = 0;
  config.user_site_directory = 0;
  config.parse_argv = 0;
  const PyStatus status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    throw Failure(std::string("cannot start the embedded Python interpreter: ") +
                             (status.err_msg ? status.err_msg : "unknown reason"));
  }
}

}  // namespace deployctl::checks::python
