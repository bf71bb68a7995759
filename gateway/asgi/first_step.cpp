// The first step of a request's Task, taken in place (first_step.hpp). The C Task's constructor schedules its
// first step through `loop.call_soon(step, context=...)`, looked up on the loop object; the worker's loop answers
// that lookup with a native function that keeps the step while a start is armed.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/asgi/first_step.hpp"

#include <cstring>
#include <utility>

namespace deployctl::gateway::asgi {

using python::PyRef;

namespace {

// One loop per worker process, stepped by one thread with the GIL held: the armed start is process-wide.
struct Capture {
  bool armed = false;
  PyObject* step = nullptr;  // owned once taken
};
Capture capture;

// Only the C Task's own step is kept: a finalizer run by the collector while the Task is made may call call_soon
// for something else, which must be queued as usual.
bool is_task_step(PyObject* callback) { return std::strcmp(Py_TYPE(callback)->tp_name, "TaskStepMethWrapper") == 0; }

// call_soon(callback, *args, context=None); `original` is the loop's own, bound.
PyObject* call_soon(PyObject* original, PyObject* const* args, Py_ssize_t count, PyObject* names) {
  if (capture.armed && count == 1 && is_task_step(args[0])) {
    capture.armed = false;
    capture.step = Py_NewRef(args[0]);
    Py_RETURN_NONE;  // the C Task drops the Handle unread
  }
  return PyObject_Vectorcall(original, args, static_cast<std::size_t>(count), names);
}

PyMethodDef call_soon_def = {"call_soon", python::as_method(call_soon), METH_FASTCALL | METH_KEYWORDS,
                             "call_soon(callback, *args, context=None): the loop's, with Tasks' first steps run in "
                             "place by deployctl's ASGI adapter"};

}  // namespace

bool capture_first_steps(PyObject* loop) {
  PyRef original(PyObject_GetAttrString(loop, "call_soon"));
  PyRef replacement(original ? PyCFunction_New(&call_soon_def, original.get()) : nullptr);
  return replacement && PyObject_SetAttrString(loop, "call_soon", replacement.get()) == 0;
}

PyObject* start_task_now(PyObject* task_type, PyObject* coroutine, PyObject* loop, PyObject* context, PyObject* name,
                         PyObject* keywords) {
  PyObject* args[] = {coroutine, loop, context, name};
  capture.armed = true;
  PyRef task(PyObject_Vectorcall(task_type, args, 1, keywords));
  capture.armed = false;
  PyRef step(std::exchange(capture.step, nullptr));
  if (!task || !step) return task.release();
  // As the loop's Handle would run it: inside the Task's Context. Only an error of asyncio's own comes out of the
  // step (the Task keeps the coroutine's), such as another Task being current, which a request start never meets.
  if (PyContext_Enter(context) < 0) return nullptr;
  PyRef ran(PyObject_CallNoArgs(step.get()));
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  const int exited = PyContext_Exit(context);
  if (type != nullptr) PyErr_Restore(type, value, traceback);  // the step's error comes before the exit's
  if (!ran || exited < 0) return nullptr;
  return task.release();
}

}  // namespace deployctl::gateway::asgi
