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

// ---- Resumed ----

struct ResumedObject {
  PyObject_HEAD PyObject* coroutine;  // the app's; null once it ended
  PyObject* pending;                  // what its first step yielded; given on our first step
  PyObject* call;
  CoroutineEnded ended;
  CoroutineStepping stepping;
};

ResumedObject* as_resumed(PyObject* self) { return reinterpret_cast<ResumedObject*>(self); }

int resumed_clear(PyObject* self) {
  ResumedObject* resumed = as_resumed(self);
  Py_CLEAR(resumed->coroutine);
  Py_CLEAR(resumed->pending);
  Py_CLEAR(resumed->call);
  return 0;
}

void resumed_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  resumed_clear(self);
  type->tp_free(self);
  Py_DECREF(type);
}

int resumed_traverse(PyObject* self, visitproc visit, void* arg) {
  ResumedObject* resumed = as_resumed(self);
  Py_VISIT(resumed->coroutine);
  Py_VISIT(resumed->pending);
  Py_VISIT(resumed->call);
  Py_VISIT(Py_TYPE(self));
  return 0;
}

// The app's coroutine ended (returned, or raised with the error set): tell the call, then end as returning None.
PySendResult end_of(ResumedObject* resumed, bool raised, PyObject** result) {
  PyRef call(resumed->call);
  resumed->call = nullptr;
  Py_CLEAR(resumed->coroutine);
  if (call) resumed->ended(call.get(), raised);
  if (PyErr_Occurred()) PyErr_Clear();  // the call logged what mattered
  *result = Py_NewRef(Py_None);
  return PYGEN_RETURN;
}

PySendResult resumed_send(PyObject* self, PyObject* argument, PyObject** result) {
  ResumedObject* resumed = as_resumed(self);
  if (resumed->pending != nullptr) {
    *result = resumed->pending;
    resumed->pending = nullptr;
    return PYGEN_NEXT;
  }
  if (resumed->coroutine == nullptr) {
    *result = Py_NewRef(Py_None);
    return PYGEN_RETURN;
  }
  resumed->stepping(resumed->call);
  PyObject* value = nullptr;
  const PySendResult status = PyIter_Send(resumed->coroutine, argument, &value);
  if (status == PYGEN_NEXT) {
    *result = value;
    return PYGEN_NEXT;
  }
  Py_XDECREF(value);
  return end_of(resumed, status == PYGEN_ERROR, result);
}

// The Python-level protocol (send/throw/close), for callers that do not use am_send.
PyObject* result_of(ResumedObject* resumed, PySendResult status, PyObject* value) {
  static_cast<void>(resumed);
  if (status == PYGEN_NEXT) return value;
  PyRef stop(PyObject_CallOneArg(PyExc_StopIteration, value));
  Py_DECREF(value);
  if (stop) PyErr_SetObject(PyExc_StopIteration, stop.get());
  return nullptr;
}

PyObject* resumed_send_method(PyObject* self, PyObject* argument) {
  PyObject* value = nullptr;
  const PySendResult status = resumed_send(self, argument, &value);
  return result_of(as_resumed(self), status, value);
}

PyObject* resumed_next(PyObject* self) { return resumed_send_method(self, Py_None); }

PyObject* resumed_throw(PyObject* self, PyObject* const* args, Py_ssize_t count) {
  ResumedObject* resumed = as_resumed(self);
  Py_CLEAR(resumed->pending);
  if (resumed->coroutine == nullptr) return ready_throw(self, args, count);
  resumed->stepping(resumed->call);
  PyRef throw_method(PyObject_GetAttrString(resumed->coroutine, "throw"));
  PyObject* value =
      throw_method ? PyObject_Vectorcall(throw_method.get(), args, static_cast<std::size_t>(count), nullptr) : nullptr;
  if (value != nullptr) return value;  // the coroutine caught it and awaits something else
  PyObject* ended = nullptr;
  if (PyErr_ExceptionMatches(PyExc_StopIteration)) {
    PyErr_Clear();
    return result_of(resumed, end_of(resumed, false, &ended), ended);
  }
  return result_of(resumed, end_of(resumed, true, &ended), ended);
}

PyObject* resumed_close(PyObject* self, PyObject*) {
  ResumedObject* resumed = as_resumed(self);
  Py_CLEAR(resumed->pending);
  if (resumed->coroutine == nullptr) Py_RETURN_NONE;
  PyRef closed(PyObject_CallMethod(resumed->coroutine, "close", nullptr));
  PyObject* ended = nullptr;
  end_of(resumed, !closed, &ended);
  return ended;
}

PyMethodDef resumed_methods[] = {
    {"send", resumed_send_method, METH_O, nullptr},
    {"throw", python::as_method(resumed_throw), METH_FASTCALL, nullptr},
    {"close", resumed_close, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot resumed_slots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(resumed_dealloc)},
    {Py_tp_traverse, reinterpret_cast<void*>(resumed_traverse)},
    {Py_tp_clear, reinterpret_cast<void*>(resumed_clear)},
    {Py_am_await, reinterpret_cast<void*>(self_of)},
    {Py_am_send, reinterpret_cast<void*>(resumed_send)},
    {Py_tp_iter, reinterpret_cast<void*>(self_of)},
    {Py_tp_iternext, reinterpret_cast<void*>(resumed_next)},
    {Py_tp_methods, resumed_methods},
    {0, nullptr},
};

PyType_Spec resumed_spec = {"deployctl.ResumedApp", sizeof(ResumedObject), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
                            resumed_slots};

}  // namespace

Result<AwaitableTypes> make_awaitable_types() {
  AwaitableTypes types;
  types.ready.reset(PyType_FromSpec(&ready_spec));
  types.resumed.reset(types.ready ? PyType_FromSpec(&resumed_spec) : nullptr);
  PyRef abc(types.resumed ? PyImport_ImportModule("collections.abc") : nullptr);
  PyRef coroutine(abc ? PyObject_GetAttrString(abc.get(), "Coroutine") : nullptr);
  PyRef registered(coroutine ? PyObject_CallMethod(coroutine.get(), "register", "O", types.resumed.get()) : nullptr);
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

PyObject* new_resumed(const AwaitableTypes& types, PyObject* coroutine, PyObject* pending, PyObject* call,
                      CoroutineEnded ended, CoroutineStepping stepping) {
  auto* resumed = PyObject_GC_New(ResumedObject, reinterpret_cast<PyTypeObject*>(types.resumed.get()));
  if (resumed == nullptr) return nullptr;
  resumed->coroutine = Py_NewRef(coroutine);
  resumed->pending = Py_NewRef(pending);
  resumed->call = Py_NewRef(call);
  resumed->ended = ended;
  resumed->stepping = stepping;
  PyObject_GC_Track(reinterpret_cast<PyObject*>(resumed));
  return reinterpret_cast<PyObject*>(resumed);
}

}  // namespace deployctl::gateway::asgi
