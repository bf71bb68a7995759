// Threads started through Python's threading module, so that the app sees ordinary Python threads:
// threading.current_thread() is a real Thread with a name, threading.local works, and Django keeps one database
// connection per thread as it does under gunicorn's gthread worker. Python.h stays out of this header.
#pragma once

#include <functional>
#include <string>

#include "core/error.hpp"

namespace deployctl::python {

// Starts a daemon threading.Thread named `name` that runs `body` without the GIL (the body takes it as it
// needs, with acquire_gil/release_gil or GilReleased from python/gil.hpp). Needs the GIL.
Result<void> start_python_thread(const std::string& name, std::function<void()> body);

}  // namespace deployctl::python
