// The PEP 3333 environ, built cheaply: a copy of a prebuilt template dict (the constant keys), then the request's
// own keys, all interned, with a static table of the common HTTP_* names.
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"

#include "gateway/wsgi/request_view.hpp"
#include "python/py_ref.hpp"

namespace deployctl::gateway::wsgi {

struct EnvironConstants {
  bool multiprocess = true;          // more than one worker
  bool multithread = false;          // more than one thread per worker (--threads)
  PyObject* errors = nullptr;        // wsgi.errors (borrowed, kept alive by the owner)
  PyObject* file_wrapper = nullptr;  // wsgi.file_wrapper type (borrowed)
};

class EnvironBuilder {
 public:
  // Needs the GIL; a Python error becomes the error's message.
  static Result<std::unique_ptr<EnvironBuilder>> create(const EnvironConstants& constants);
  EnvironBuilder(const EnvironBuilder&) = default;  // a thread's own builder, sharing the template (read only)

  // A new environ for `request` with `input` as wsgi.input. Null with a Python error set on failure.
  PyObject* build(const RequestView& request, PyObject* input);

 private:
  EnvironBuilder() = default;
  PyObject* server_value(std::string_view text, python::PyRef& cached_object, std::string& cached_text);

  python::PyRef template_;
  // SERVER_NAME / SERVER_PORT differ per listener only: the last one seen is kept.
  std::string server_name_text_, server_port_text_;
  python::PyRef server_name_, server_port_;
};

}  // namespace deployctl::gateway::wsgi
