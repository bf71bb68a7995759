// The thread's target is a builtin holding the C++ body in a capsule; the body runs with the GIL released, as
// the worker's own event loop does, and the thread ends back in Python once it returns.
#include "python/py_ref.hpp"  // Python.h first

#include "python/thread.hpp"

#include "python/errors.hpp"
#include "python/gil.hpp"

namespace deployctl::python {

namespace {

constexpr const char* capsule_name = "deployctl.thread_body";

void destroy_body(PyObject* capsule) {
  delete static_cast<std::function<void()>*>(PyCapsule_GetPointer(capsule, capsule_name));
}

PyObject* run_body(PyObject*, PyObject* capsule) {
  auto* body = static_cast<std::function<void()>*>(PyCapsule_GetPointer(capsule, capsule_name));
  if (body == nullptr) return nullptr;
  release_gil();
  (*body)();
  acquire_gil();
  Py_RETURN_NONE;
}

PyMethodDef run_body_def = {"deployctl_thread", run_body, METH_O, "runs a deployctl serve thread"};

}  // namespace

Result<void> start_python_thread(const std::string& name, std::function<void()> body) {
  auto* owned = new std::function<void()>(std::move(body));
  PyRef capsule(PyCapsule_New(owned, capsule_name, destroy_body));
  if (!capsule) {
    delete owned;
    return fail("cannot start a Python thread: " + take_error());
  }
  PyRef target(PyCFunction_New(&run_body_def, nullptr));
  PyRef threading(PyImport_ImportModule("threading"));
  PyRef thread_type(threading ? PyObject_GetAttrString(threading.get(), "Thread") : nullptr);
  PyRef args(PyTuple_New(0));
  PyRef target_args(PyTuple_Pack(1, capsule.get()));
  PyRef keywords(Py_BuildValue("{s:O,s:O,s:s,s:O}", "target", target.get(), "args", target_args.get(), "name",
                               name.c_str(), "daemon", Py_True));
  if (!target || !thread_type || !args || !target_args || !keywords)
    return fail("cannot start a Python thread: " + take_error());
  PyRef thread(PyObject_Call(thread_type.get(), args.get(), keywords.get()));
  PyRef started(thread ? PyObject_CallMethod(thread.get(), "start", nullptr) : nullptr);
  if (!started) return fail("cannot start the Python thread " + name + ": " + take_error());
  return {};
}

}  // namespace deployctl::python
