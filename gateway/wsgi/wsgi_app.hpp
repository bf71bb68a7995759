// The WSGI application as the server sees it: imported once (in the master, before fork), then called once per
// request with a RequestView and a ResponseSink. Python.h stays out of this header.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "gateway/app/response_sink.hpp"
#include "gateway/loading/app_spec.hpp"
#include "gateway/wsgi/request_view.hpp"

namespace deployctl::python {
class PyRef;
}  // namespace deployctl::python

namespace deployctl::gateway::wsgi {

using loading::AppSpec;
using loading::LoadOptions;

class WsgiApp {
 public:
  // Needs the interpreter started (start_python) and the GIL. A failed import's traceback goes to stderr first; the
  // error says which of import, attribute lookup or callability failed.
  static Result<std::unique_ptr<WsgiApp>> load(const AppSpec& spec, const LoadOptions& options);
  // The same around a callable already imported (loading::import_app), found to speak WSGI.
  static Result<std::unique_ptr<WsgiApp>> wrap(const python::PyRef& app, const LoadOptions& options);
  ~WsgiApp();
  WsgiApp(const WsgiApp&) = delete;
  WsgiApp& operator=(const WsgiApp&) = delete;

  // Runs one request: environ, start_response, the result's iteration, and close() (always). Every outcome
  // reaches the sink: the app's response, a 500 (begin_error) or an aborted end. Needs the GIL.
  void handle(const RequestView& request, app::ResponseSink& sink);

  // Another handle on the same app for another thread (--threads): the objects handle() reuses across requests
  // are per handle, so each thread needs its own. Needs the GIL; null with a Python error logged on failure.
  std::unique_ptr<WsgiApp> sibling() const;

  // The request line and Python stack of a stuck request are dumped to the error log on this signal
  // (faulthandler.register), in workers.
  static void register_stack_dump(int signal_number, int fd);

  struct Impl;

 private:
  explicit WsgiApp(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace deployctl::gateway::wsgi
