// Both types implement am_send (PEP 590's cousin for awaitables, Python 3.10+): `await` and asyncio's C Task step
// them through PyIter_Send, which for them raises no StopIteration and allocates nothing.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/asgi/awaitables.hpp"

#include "python/errors.hpp"

namespace deployctl::gateway::asgi {

using python::PyRef;

namespace {

// ---- Ready ----

struct ReadyObject {
  PyObject_HEAD PyObject* value;  // null once given
};

void ready_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  Py_CLEAR(reinterpret_cast<ReadyObject*>(self)->value);
  type->tp_free(self);
  Py_DECREF(type);
}

PySendResult ready_send(PyObject* self, PyObject*, PyObject** result) {
  auto* ready = reinterpret_cast<ReadyObject*>(self);
  *result = ready->value != nullptr ? ready->value : Py_NewRef(Py_None);
  ready->value = nullptr;
  return PYGEN_RETURN;
}

PyObject* ready_next(PyObject* self) {
  PyObject* value = nullptr;
  ready_send(self, Py_None, &value);
  // StopIteration(value) even for a tuple or an exception instance: set the exception object explicitly.
  PyRef stop(PyObject_CallOneArg(PyExc_StopIteration, value));
  Py_DECREF(value);
  if (stop) PyErr_SetObject(PyExc_StopIteration, stop.get());
  return nullptr;
}

PyObject* ready_send_method(PyObject* self, PyObject*) { return ready_next(self); }

PyObject* ready_throw(PyObject*, PyObject* const* args, Py_ssize_t count) {
  if (count < 1) {
    PyErr_SetString(PyExc_TypeError, "throw() needs an exception");
    return nullptr;
  }
  if (PyExceptionInstance_Check(args[0])) {
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(args[0])), args[0]);
  } else {
    PyErr_SetObject(args[0], count > 1 ? args[1] : Py_None);
  }
  return nullptr;
}

PyObject* ready_close(PyObject*, PyObject*) { Py_RETURN_NONE; }

PyObject* self_of(PyObject* self) { return Py_NewRef(self); }

PyMethodDef ready_methods[] = {
    {"send", ready_send_method, METH_O, nullptr},
    {"throw", python::as_method(ready_throw), METH_FASTCALL, nullptr},
    {"close", ready_close, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot ready_slots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(ready_dealloc)},
    {Py_am_await, reinterpret_cast<void*>(self_of)},
    {Py_am_send, reinterpret_cast<void*>(ready_send)},
    {Py_tp_iter, reinterpret_cast<void*>(self_of)},
    {Py_tp_iternext, reinterpret_cast<void*>(ready_next)},
    {Py_tp_methods, ready_methods},
    {0, nullptr},
};

PyType_Spec ready_spec = {"deployctl.Ready", sizeof(ReadyObject), 0, Py_TPFLAGS_DEFAULT, ready_slots};

// ---- AppCoroutine ----

struct AppCoroutineObject {
  PyObject_HEAD PyObject* coroutine;  // the app's; null once it ended
  PyObject* call;
  CoroutineEnded ended;
  CoroutineStepping stepping;
};

AppCoroutineObject* as_app_coroutine(PyObject* self) { return reinterpret_cast<AppCoroutineObject*>(self); }

int app_coroutine_clear(PyObject* self) {
  AppCoroutineObject* app_coroutine = as_app_coroutine(self);
  Py_CLEAR(app_coroutine->coroutine);
  Py_CLEAR(app_coroutine->call);
  return 0;
}

void app_coroutine_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  app_coroutine_clear(self);
  type->tp_free(self);
  Py_DECREF(type);
}

int app_coroutine_traverse(PyObject* self, visitproc visit, void* arg) {
  AppCoroutineObject* app_coroutine = as_app_coroutine(self);
  Py_VISIT(app_coroutine->coroutine);
  Py_VISIT(app_coroutine->call);
  Py_VISIT(Py_TYPE(self));
  return 0;
}

// The app's coroutine ended (returned, or raised with the error set): tell the call, then end as returning None.
PySendResult end_of(AppCoroutineObject* app_coroutine, bool raised, PyObject** result) {
  PyRef call(app_coroutine->call);
  app_coroutine->call = nullptr;
  Py_CLEAR(app_coroutine->coroutine);
  if (call) app_coroutine->ended(call.get(), raised);
  if (PyErr_Occurred()) PyErr_Clear();  // the call logged what mattered
  *result = Py_NewRef(Py_None);
  return PYGEN_RETURN;
}

PySendResult app_coroutine_send(PyObject* self, PyObject* argument, PyObject** result) {
  AppCoroutineObject* app_coroutine = as_app_coroutine(self);
  if (app_coroutine->coroutine == nullptr) {
    *result = Py_NewRef(Py_None);
    return PYGEN_RETURN;
  }
  app_coroutine->stepping(app_coroutine->call);
  PyObject* value = nullptr;
  const PySendResult status = PyIter_Send(app_coroutine->coroutine, argument, &value);
  if (status == PYGEN_NEXT) {
    *result = value;
    return PYGEN_NEXT;
  }
  Py_XDECREF(value);
  return end_of(app_coroutine, status == PYGEN_ERROR, result);
}

// The Python-level protocol (send/throw/close), for callers that do not use am_send.
PyObject* result_of(AppCoroutineObject* app_coroutine, PySendResult status, PyObject* value) {
  static_cast<void>(app_coroutine);
  if (status == PYGEN_NEXT) return value;
  PyRef stop(PyObject_CallOneArg(PyExc_StopIteration, value));
  Py_DECREF(value);
  if (stop) PyErr_SetObject(PyExc_StopIteration, stop.get());
  return nullptr;
}

PyObject* app_coroutine_send_method(PyObject* self, PyObject* argument) {
  PyObject* value = nullptr;
  const PySendResult status = app_coroutine_send(self, argument, &value);
  return result_of(as_app_coroutine(self), status, value);
}

PyObject* app_coroutine_next(PyObject* self) { return app_coroutine_send_method(self, Py_None); }

PyObject* app_coroutine_throw(PyObject* self, PyObject* const* args, Py_ssize_t count) {
  AppCoroutineObject* app_coroutine = as_app_coroutine(self);
  if (app_coroutine->coroutine == nullptr) return ready_throw(self, args, count);
  app_coroutine->stepping(app_coroutine->call);
  PyRef throw_method(PyObject_GetAttrString(app_coroutine->coroutine, "throw"));
  PyObject* value =
      throw_method ? PyObject_Vectorcall(throw_method.get(), args, static_cast<std::size_t>(count), nullptr) : nullptr;
  if (value != nullptr) return value;  // the coroutine caught it and awaits something else
  const bool returned = PyErr_ExceptionMatches(PyExc_StopIteration);
  if (returned) PyErr_Clear();
  PyObject* ended = nullptr;
  // Sequenced apart: end_of() must set `ended` before result_of() reads it.
  const PySendResult status = end_of(app_coroutine, !returned, &ended);
  return result_of(app_coroutine, status, ended);
}

PyObject* app_coroutine_close(PyObject* self, PyObject*) {
  AppCoroutineObject* app_coroutine = as_app_coroutine(self);
  if (app_coroutine->coroutine == nullptr) Py_RETURN_NONE;
  PyRef closed(PyObject_CallMethod(app_coroutine->coroutine, "close", nullptr));
  PyObject* ended = nullptr;
  end_of(app_coroutine, !closed, &ended);
  return ended;
}

PyMethodDef app_coroutine_methods[] = {
    {"send", app_coroutine_send_method, METH_O, nullptr},
    {"throw", python::as_method(app_coroutine_throw), METH_FASTCALL, nullptr},
    {"close", app_coroutine_close, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot app_coroutine_slots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(app_coroutine_dealloc)},
    {Py_tp_traverse, reinterpret_cast<void*>(app_coroutine_traverse)},
    {Py_tp_clear, reinterpret_cast<void*>(app_coroutine_clear)},
    {Py_am_await, reinterpret_cast<void*>(self_of)},
    {Py_am_send, reinterpret_cast<void*>(app_coroutine_send)},
    {Py_tp_iter, reinterpret_cast<void*>(self_of)},
    {Py_tp_iternext, reinterpret_cast<void*>(app_coroutine_next)},
    {Py_tp_methods, app_coroutine_methods},
    {0, nullptr},
};

PyType_Spec app_coroutine_spec = {"deployctl.AppCoroutine", sizeof(AppCoroutineObject), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, app_coroutine_slots};

}  // namespace

Result<AwaitableTypes> make_awaitable_types() {
  AwaitableTypes types;
  types.ready.reset(PyType_FromSpec(&ready_spec));
  types.app_coroutine.reset(types.ready ? PyType_FromSpec(&app_coroutine_spec) : nullptr);
  PyRef abc(types.app_coroutine ? PyImport_ImportModule("collections.abc") : nullptr);
  PyRef coroutine(abc ? PyObject_GetAttrString(abc.get(), "Coroutine") : nullptr);
  PyRef registered(coroutine ? PyObject_CallMethod(coroutine.get(), "register", "O", types.app_coroutine.get())
                             : nullptr);
  if (!registered) return fail("cannot create the ASGI awaitables: " + python::take_error());
  return types;
}

PyObject* new_ready(const AwaitableTypes& types, PyObject* value) {
  auto* ready = PyObject_New(ReadyObject, reinterpret_cast<PyTypeObject*>(types.ready.get()));
  if (ready == nullptr) {
    Py_XDECREF(value);
    return nullptr;
  }
  ready->value = value;
  return reinterpret_cast<PyObject*>(ready);
}

PyObject* new_app_coroutine(const AwaitableTypes& types, PyObject* coroutine, PyObject* call, CoroutineEnded ended,
                            CoroutineStepping stepping) {
  auto* wrapper = PyObject_GC_New(AppCoroutineObject, reinterpret_cast<PyTypeObject*>(types.app_coroutine.get()));
  if (wrapper == nullptr) return nullptr;
  wrapper->coroutine = Py_NewRef(coroutine);
  wrapper->call = Py_NewRef(call);
  wrapper->ended = ended;
  wrapper->stepping = stepping;
  PyObject_GC_Track(reinterpret_cast<PyObject*>(wrapper));
  return reinterpret_cast<PyObject*>(wrapper);
}

}  // namespace deployctl::gateway::asgi
