// wsgi.file_wrapper: wraps a file-like object; the server sends a real file with sendfile, anything else by
// iterating read(blksize).
#pragma once

#include <cstdint>

#include "python/py_ref.hpp"

namespace deployctl::gateway::wsgi {

PyObject* make_file_wrapper_type();  // once, after the interpreter started

// When `result` is one of our wrappers around a regular file with fileno(): its fd, the file's current position
// and the bytes left to its end. Clears any Python error a probe raised (the wrapper is then iterated instead).
struct WrappedFile {
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;  // bytes from offset to the end of the file
};
bool wrapped_file(PyObject* wrapper_type, PyObject* result, WrappedFile& file);

}  // namespace deployctl::gateway::wsgi
