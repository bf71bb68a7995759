// The one way to fetch and format a Python error. Python.h stays out of this header.
#pragma once

#include <string>

namespace deployctl::python {

// The pending Python exception as traceback text ("Traceback ...\nValueError: ...\n"), cleared; "" when none is
// pending. Needs the GIL.
std::string take_error();

// For failures of the interpreter itself (never of user input): clears the pending Python error and throws
// Failure("embedded Python: <what>").
[[noreturn]] void throw_error(const std::string& what);

}  // namespace deployctl::python
