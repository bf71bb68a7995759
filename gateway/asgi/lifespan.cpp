// The lifespan conversation is a few messages per worker lifetime, so it is written in Python (compiled once,
// from the source below) and driven with loop.run_until_complete() before and after the worker's loop runs.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/asgi/lifespan.hpp"

#include <string>

#include "gateway/server/error_log.hpp"
#include "python/errors.hpp"

namespace deployctl::gateway::asgi {

using python::PyRef;

namespace {

// Outcomes are (what, detail): ("complete", None), ("failed", message), ("raised", traceback text), ("returned",
// None), ("timeout", None).
constexpr const char* runner_source = R"(
import asyncio
import traceback


class Runner:
    def __init__(self, app, asgi2):
        self.app = app
        self.asgi2 = asgi2
        self.state = {}

    async def startup(self):
        loop = asyncio.get_running_loop()
        self.events = asyncio.Queue()
        self.started = loop.create_future()
        self.stopped = loop.create_future()
        self.task = loop.create_task(self.main())
        self.events.put_nowait({"type": "lifespan.startup"})
        return await self.started

    async def shutdown(self, timeout):
        self.events.put_nowait({"type": "lifespan.shutdown"})
        try:
            return await asyncio.wait_for(asyncio.shield(self.stopped), timeout)
        except asyncio.TimeoutError:
            return ("timeout", None)

    async def main(self):
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        try:
            if self.asgi2:
                await self.app(scope)(self.receive, self.send)
            else:
                await self.app(scope, self.receive, self.send)
        except BaseException as error:
            outcome = ("raised", "".join(traceback.format_exception(error)))
        else:
            outcome = ("returned", None)
        for future in (self.started, self.stopped):
            if not future.done():
                future.set_result(outcome)

    async def receive(self):
        return await self.events.get()

    async def send(self, message):
        kind = message["type"]
        future = self.started if kind.startswith("lifespan.startup.") else self.stopped
        if future.done():
            raise RuntimeError(f"unexpected ASGI lifespan message {kind!r}")
        if kind.endswith(".complete"):
            future.set_result(("complete", None))
        elif kind.endswith(".failed"):
            future.set_result(("failed", str(message.get("message", ""))))
        else:
            raise RuntimeError(f"unknown ASGI lifespan message {kind!r}")
)";

PyRef runner_type() {
  PyRef code(Py_CompileString(runner_source, "<deployctl lifespan>", Py_file_input));
  PyRef globals(code ? PyDict_New() : nullptr);
  if (!globals || PyDict_SetItemString(globals.get(), "__builtins__", PyEval_GetBuiltins()) < 0) return PyRef();
  PyRef done(PyEval_EvalCode(code.get(), globals.get(), globals.get()));
  if (!done) return PyRef();
  return PyRef::borrowed(PyDict_GetItemString(globals.get(), "Runner"));
}

// loop.run_until_complete(awaitable): the (what, detail) outcome, or null with a Python error set.
PyRef run(PyObject* loop, PyRef awaitable) {
  if (!awaitable) return PyRef();
  return PyRef(PyObject_CallMethod(loop, "run_until_complete", "O", awaitable.get()));
}

std::string text(PyObject* outcome, Py_ssize_t index) {
  PyObject* item = PyTuple_GetItem(outcome, index);
  const char* utf8 = item != nullptr && PyUnicode_Check(item) ? PyUnicode_AsUTF8(item) : nullptr;
  return utf8 != nullptr ? utf8 : "";
}

}  // namespace

Result<std::unique_ptr<Lifespan>> Lifespan::start(PyObject* loop, const PyRef& app, loading::Interface interface,
                                                  LifespanMode mode) {
  PyRef type = runner_type();
  PyRef runner(type ? PyObject_CallFunction(type.get(), "OO", app.get(),
                                            interface == loading::Interface::asgi2 ? Py_True : Py_False)
                    : nullptr);
  PyRef outcome = run(loop, runner ? PyRef(PyObject_CallMethod(runner.get(), "startup", nullptr)) : PyRef());
  if (!outcome) return fail("the ASGI lifespan could not run: " + python::take_error());
  const std::string what = text(outcome.get(), 0);
  if (what == "complete") {
    PyRef state(PyObject_GetAttrString(runner.get(), "state"));
    if (!state) return fail("the ASGI lifespan lost its state: " + python::take_error());
    log_info("ASGI lifespan startup complete");
    return std::unique_ptr<Lifespan>(new Lifespan(std::move(runner), std::move(state)));
  }
  if (what == "failed") return fail("the app's ASGI lifespan startup failed: " + text(outcome.get(), 1));
  std::string traceback = text(outcome.get(), 1);
  while (!traceback.empty() && traceback.back() == '\n') traceback.pop_back();
  const std::string last_line = traceback.substr(traceback.rfind('\n') + 1);
  if (mode == LifespanMode::on)
    return fail("--lifespan on, but the app has no ASGI lifespan: " +
                (what == "raised" ? "it raised on the lifespan scope:\n" + traceback
                                  : std::string("it returned before completing its startup")));
  log_info("the app does not support ASGI lifespan (" +
           (what == "raised" ? "it raised " + last_line : std::string("it returned without starting")) +
           "): serving it without (--lifespan off skips the attempt)");
  return nullptr;
}

void Lifespan::stop(PyObject* loop, double timeout_seconds) {
  PyRef outcome = run(loop, PyRef(PyObject_CallMethod(runner_.get(), "shutdown", "d", timeout_seconds)));
  if (!outcome) {
    log_error("the ASGI lifespan shutdown could not run: " + python::take_error());
    return;
  }
  const std::string what = text(outcome.get(), 0);
  if (what == "complete") return;
  if (what == "failed") {
    log_error("the app's ASGI lifespan shutdown failed: " + text(outcome.get(), 1));
  } else if (what == "timeout") {
    log_warning("the app's ASGI lifespan shutdown took longer than the " +
                std::to_string(static_cast<long>(timeout_seconds * 1000)) +
                " ms left before the master ends the worker (--graceful-timeout after TERM, 1 s after INT or "
                "QUIT): the worker exits without it");
  } else if (what == "raised") {
    log_error("the app's ASGI lifespan shutdown raised:\n" + text(outcome.get(), 1));
  }
}

}  // namespace deployctl::gateway::asgi
