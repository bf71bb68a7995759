// wsgi.errors: a text stream whose writes go to the server's error log.
#pragma once

#include "python/py_ref.hpp"

namespace deployctl::gateway::wsgi {

// A new stream object (of a type made on the first call). Null with a Python error set on failure.
PyObject* make_error_stream();

}  // namespace deployctl::gateway::wsgi
