// The ASGI application as a worker runs it: imported once in the master, then started per request on the worker's
// asyncio loop with a scope and native receive/send. A request whose app suspends goes on under an asyncio Task
// and completes through the exchange's `later`. Python.h stays out of this header.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "gateway/app/exchange.hpp"
#include "gateway/loading/interface.hpp"

namespace deployctl::python {
class PyRef;
}  // namespace deployctl::python

namespace deployctl::gateway::asgi {

class RunningCall;

class AsgiApp {
 public:
  // `app` speaks `interface` (ASGI 3 or 2); `root_path` is --root-path. Needs the GIL.
  static Result<std::unique_ptr<AsgiApp>> wrap(const python::PyRef& app, loading::Interface interface,
                                               const std::string& root_path);
  ~AsgiApp();
  AsgiApp(const AsgiApp&) = delete;
  AsgiApp& operator=(const AsgiApp&) = delete;

  // Starts the app on one request, on the running asyncio loop, with the GIL held: its coroutine runs until it
  // first suspends. Null when the response is complete by then (exchange.later->completed() was called); else the
  // running call, which calls exchange.later->completed() when the response ends. exchange.later must be set.
  std::unique_ptr<RunningCall> start(app::Exchange& exchange);

  // For the lifespan protocol (lifespan.hpp): the app and its interface; the state its startup filled, from then
  // on shallow-copied into each request's scope. Need the GIL.
  const python::PyRef& callable() const;
  loading::Interface interface() const;
  void share_state(const python::PyRef& state);

  // Told the request line of each step of an app the loop runs (the first, and each under its Task), so that a
  // loop one request blocks can be reported with that request (--timeout).
  using StepObserver = void (*)(void* context, std::string_view request_line);
  void observe_steps(StepObserver observer, void* context);

  struct Impl;

 private:
  explicit AsgiApp(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A request whose response has not ended yet. Destroyed with the GIL held.
class RunningCall {
 public:
  explicit RunningCall(void* call) : call_(call) {}
  ~RunningCall();
  RunningCall(const RunningCall&) = delete;
  RunningCall& operator=(const RunningCall&) = delete;

  // The client is gone (or the connection must close now): the exchange is no longer touched, completed() is not
  // called, receive() answers http.disconnect and send() drops what it is given, as uvicorn does for HTTP.
  void detach();

  // The connection is readable while a receive() waits for body bytes (app::Completion::wait_for_body): it gets
  // them, or http.disconnect. True while it still waits (nothing had arrived after all).
  bool body_readable();

  // The server refuses the body a receive() waits for (it arrives slower than --min-body-rate: 408): the refusal
  // answers the request unless the app's head went out (then the connection is cut), and receive() answers
  // http.disconnect. The response has then ended (completed() was called).
  void body_refused(int status);

  // The client has taken most of the queued response while a send() waits for it (app::Completion::
  // wait_for_drain): that send() completes.
  void drained();

  // The server stops (TERM): a response that streams is told so as a client leaving would be, by http.disconnect
  // to its receive() once the request body is read, so that an endless stream (server-sent events) ends itself
  // while its connection still carries what it sends. A response whose head is not sent yet is left to finish.
  void server_stopping();

 private:
  void* call_;  // the call object (a PyObject), owned
};

}  // namespace deployctl::gateway::asgi
