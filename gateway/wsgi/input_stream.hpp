// wsgi.input in C++: read, readline, readlines and iteration over the request body, from memory, a spilled file
// or the connection (a streamed body).
#pragma once

#include "gateway/wsgi/request_view.hpp"
#include "python/py_ref.hpp"

namespace deployctl::gateway::wsgi {

// Creates the Python type; once, after the interpreter started. Null with a Python error set on failure.
PyObject* make_input_type();

// A new input over the request's body, buffered or streamed (which must outlive it until input_detach).
PyObject* input_new(PyObject* type, const RequestView& request);
// Points the input at nothing: an app that kept it past its request reads EOF, never freed memory.
void input_detach(PyObject* input);
// Re-aims an input whose only reference is ours at the next request's body (saves an allocation).
void input_reset(PyObject* input, const RequestView& request);

}  // namespace deployctl::gateway::wsgi
