// The ASGI lifespan protocol (2.0) of one worker: startup before the worker accepts, shutdown after its loop ends,
// on the worker's own asyncio loop; the state the app fills at startup is shallow-copied into each request's scope.
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"
#include "gateway/asgi/lifespan_mode.hpp"
#include "gateway/loading/interface.hpp"
#include "python/py_ref.hpp"

namespace deployctl::gateway::asgi {

class Lifespan {
 public:
  // Runs the app's startup to its end on `loop` (not running yet). The lifespan, when the app completed its
  // startup; null when it has none and `mode` is auto (logged at info: Django 3.2 raises on the lifespan scope);
  // an error (the app's message or traceback) when startup failed, or when it has none and `mode` is on.
  static Result<std::unique_ptr<Lifespan>> start(PyObject* loop, const python::PyRef& app, loading::Interface interface,
                                                 LifespanMode mode);

  // The dict the app filled at startup.
  const python::PyRef& state() const { return state_; }

  // Runs the app's shutdown on `loop` (not running any more), waiting at most `timeout_seconds` (what
  // --graceful-timeout leaves after the drain); problems are logged.
  void stop(PyObject* loop, double timeout_seconds);

 private:
  Lifespan(python::PyRef runner, python::PyRef state) : runner_(std::move(runner)), state_(std::move(state)) {}
  python::PyRef runner_;
  python::PyRef state_;
};

}  // namespace deployctl::gateway::asgi
