// selectors.BaseSelector's contract (register, unregister, modify, select, get_key, get_map, close) over an epoll
// set the worker owns: keys are selectors.SelectorKey tuples kept in a dict by fd, so asyncio sees what
// EpollSelector would give it. The GIL is released only around epoll_wait.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/asgi/selector.hpp"

#include <time.h>
#include <cerrno>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "gateway/asgi/waker.hpp"
#include "python/gil.hpp"

namespace deployctl::gateway::asgi {

using python::PyRef;

namespace {

constexpr long event_read = 1;   // selectors.EVENT_READ
constexpr long event_write = 2;  // selectors.EVENT_WRITE

struct SelectorObject {
  PyObject_HEAD LoopOwner* owner;
  PyObject* keys;        // {fd: SelectorKey}
  PyObject* key_type;    // selectors.SelectorKey
  PyObject* loop_stop;   // the loop's stop(), called once the owner is finished
  PyObject* loop_ready;  // the loop's queue of callbacks to run (its _ready deque), when it has one
  PyObject* loop;        // the loop, when it has a heap of timers (_scheduled), read on each select()
  Waker* waker;          // the loop's wake-up from other threads, once serve_loop() knows its queue; else null
  bool closed;
};

SelectorObject* as_selector(PyObject* self) { return reinterpret_cast<SelectorObject*>(self); }

int selector_clear(PyObject* self) {
  Py_CLEAR(as_selector(self)->keys);
  Py_CLEAR(as_selector(self)->key_type);
  Py_CLEAR(as_selector(self)->loop_stop);
  Py_CLEAR(as_selector(self)->loop_ready);
  Py_CLEAR(as_selector(self)->loop);
  return 0;
}

void selector_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  selector_clear(self);
  delete as_selector(self)->waker;
  type->tp_free(self);
  Py_DECREF(type);
}

int selector_traverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(as_selector(self)->keys);
  Py_VISIT(as_selector(self)->key_type);
  Py_VISIT(as_selector(self)->loop_stop);
  Py_VISIT(as_selector(self)->loop_ready);
  Py_VISIT(as_selector(self)->loop);
  Py_VISIT(Py_TYPE(self));
  return 0;
}

// The fd of a file object as BaseSelector finds it: an int, or fileno(); a closed file object is looked up among
// the registered keys (unregister after close must still work). -1 with a Python error set.
int fd_of(SelectorObject* selector, PyObject* fileobj) {
  const int fd = PyObject_AsFileDescriptor(fileobj);
  if (fd >= 0) return fd;
  if (!PyErr_ExceptionMatches(PyExc_ValueError) && !PyErr_ExceptionMatches(PyExc_TypeError)) return -1;
  PyObject *key = nullptr, *found_fd = nullptr;
  Py_ssize_t position = 0;
  while (PyDict_Next(selector->keys, &position, &found_fd, &key)) {
    if (PyTuple_GET_ITEM(key, 0) == fileobj) {
      PyErr_Clear();
      return static_cast<int>(PyLong_AsLong(found_fd));
    }
  }
  return -1;
}

std::uint32_t epoll_mask(long events) {
  std::uint32_t mask = 0;
  if ((events & event_read) != 0) mask |= EPOLLIN;
  if ((events & event_write) != 0) mask |= EPOLLOUT;
  return mask;
}

bool valid_events(long events) {
  if (events == 0 || (events & ~(event_read | event_write)) != 0) {
    PyErr_Format(PyExc_ValueError, "Invalid events: %ld", events);
    return false;
  }
  return true;
}

bool epoll_change(SelectorObject* selector, int operation, int fd, long events) {
  epoll_event event{};
  event.events = epoll_mask(events);
  event.data.u64 = python_fd_tag | static_cast<std::uint64_t>(fd);
  if (::epoll_ctl(selector->owner->epoll_fd(), operation, fd, &event) == 0) return true;
  PyErr_SetFromErrno(PyExc_OSError);
  return false;
}

PyObject* closed_error() {
  PyErr_SetString(PyExc_RuntimeError, "the selector is closed");
  return nullptr;
}

// register()'s and modify()'s arguments: (fileobj, events, data=None), with events checked.
bool key_arguments(PyObject* args, PyObject* kwargs, const char* format, PyObject*& fileobj, long& events,
                   PyObject*& data) {
  static const char* names[] = {"fileobj", "events", "data", nullptr};
  data = Py_None;
  return PyArg_ParseTupleAndKeywords(args, kwargs, format, const_cast<char**>(names), &fileobj, &events, &data) &&
         valid_events(events);
}

// The key `fileobj` is registered under (borrowed), its fd and the fd as a dict key; null with KeyError (or another
// error) set.
PyObject* registered_key(SelectorObject* selector, PyObject* fileobj, int& fd, PyRef& fd_object) {
  if (selector->closed) return closed_error();
  fd = fd_of(selector, fileobj);
  if (fd < 0 && PyErr_Occurred()) return nullptr;
  fd_object.reset(PyLong_FromLong(fd));
  if (!fd_object) return nullptr;
  PyObject* key = PyDict_GetItemWithError(selector->keys, fd_object.get());
  if (key == nullptr && !PyErr_Occurred()) PyErr_Format(PyExc_KeyError, "%R is not registered", fileobj);
  return key;
}

PyObject* selector_register(PyObject* self, PyObject* args, PyObject* kwargs) {
  PyObject *fileobj = nullptr, *data = nullptr;
  long events = 0;
  if (!key_arguments(args, kwargs, "Ol|O:register", fileobj, events, data)) return nullptr;
  SelectorObject* selector = as_selector(self);
  if (selector->closed) return closed_error();
  const int fd = PyObject_AsFileDescriptor(fileobj);
  if (fd < 0) return nullptr;
  PyRef fd_object(PyLong_FromLong(fd));
  if (!fd_object) return nullptr;
  if (PyDict_Contains(selector->keys, fd_object.get()) != 0) {
    PyErr_Format(PyExc_KeyError, "%R (FD %d) is already registered", fileobj, fd);
    return nullptr;
  }
  PyRef key(PyObject_CallFunction(selector->key_type, "OilO", fileobj, fd, events, data));
  if (!key || !epoll_change(selector, EPOLL_CTL_ADD, fd, events)) return nullptr;
  if (PyDict_SetItem(selector->keys, fd_object.get(), key.get()) < 0) return nullptr;
  return key.release();
}

PyObject* selector_unregister(PyObject* self, PyObject* fileobj) {
  SelectorObject* selector = as_selector(self);
  int fd = -1;
  PyRef fd_object;
  PyRef key = PyRef::borrowed(registered_key(selector, fileobj, fd, fd_object));
  if (!key) return nullptr;
  // The fd may be closed already (a socket the app closed first): epoll dropped it then, nothing to undo.
  ::epoll_ctl(selector->owner->epoll_fd(), EPOLL_CTL_DEL, fd, nullptr);
  if (PyDict_DelItem(selector->keys, fd_object.get()) < 0) return nullptr;
  return key.release();
}

PyObject* selector_modify(PyObject* self, PyObject* args, PyObject* kwargs) {
  PyObject *fileobj = nullptr, *data = nullptr;
  long events = 0;
  if (!key_arguments(args, kwargs, "Ol|O:modify", fileobj, events, data)) return nullptr;
  SelectorObject* selector = as_selector(self);
  int fd = -1;
  PyRef fd_object;
  PyObject* old = registered_key(selector, fileobj, fd, fd_object);  // borrowed
  if (old == nullptr) return nullptr;
  if (PyLong_AsLong(PyTuple_GET_ITEM(old, 2)) != events && !epoll_change(selector, EPOLL_CTL_MOD, fd, events))
    return nullptr;
  PyRef key(PyObject_CallFunction(selector->key_type, "OilO", PyTuple_GET_ITEM(old, 0), fd, events, data));
  if (!key || PyDict_SetItem(selector->keys, fd_object.get(), key.get()) < 0) return nullptr;
  return key.release();
}

PyObject* selector_get_key(PyObject* self, PyObject* fileobj) {
  int fd = -1;
  PyRef fd_object;
  PyObject* key = registered_key(as_selector(self), fileobj, fd, fd_object);
  return key != nullptr ? Py_NewRef(key) : nullptr;
}

PyObject* selector_get_map(PyObject* self, PyObject*) {
  SelectorObject* selector = as_selector(self);
  if (selector->closed) Py_RETURN_NONE;  // as BaseSelector's after close()
  return PyDictProxy_New(selector->keys);
}

PyObject* selector_close(PyObject* self, PyObject*) {
  SelectorObject* selector = as_selector(self);
  if (selector->closed) Py_RETURN_NONE;
  PyObject *fd_object = nullptr, *key = nullptr;
  Py_ssize_t position = 0;
  while (PyDict_Next(selector->keys, &position, &fd_object, &key))
    ::epoll_ctl(selector->owner->epoll_fd(), EPOLL_CTL_DEL, static_cast<int>(PyLong_AsLong(fd_object)), nullptr);
  PyDict_Clear(selector->keys);
  if (selector->waker != nullptr) selector->waker->close();
  selector->closed = true;
  Py_RETURN_NONE;
}

// asyncio's timeout in milliseconds: -1 for None (block), -2 with a Python error set.
int asyncio_timeout_ms(PyObject* timeout) {
  if (timeout == nullptr || timeout == Py_None) return -1;
  const double seconds = PyFloat_AsDouble(timeout);
  if (seconds == -1.0 && PyErr_Occurred()) return -2;
  if (seconds <= 0) return 0;
  const double ms = std::ceil(seconds * 1000.0);
  return ms > 86'400'000 ? 86'400'000 : static_cast<int>(ms);
}

// The length of one of the loop's queues; -1 when unknown (then select() never waits twice).
Py_ssize_t queue_length(PyObject* queue) {
  if (queue == nullptr) return -1;
  const Py_ssize_t length = PyObject_Length(queue);
  if (length < 0) PyErr_Clear();
  return length;
}

std::int64_t now_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

// The loop's heap of timers, read each time: asyncio's timer compaction (_run_once, past 100 timers half
// cancelled) replaces loop._scheduled with a new list. Null when the loop has none.
PyRef timer_heap(const SelectorObject* selector) {
  static PyObject* const name = PyUnicode_InternFromString("_scheduled");
  PyRef heap(selector->loop != nullptr && name != nullptr ? PyObject_GetAttr(selector->loop, name) : nullptr);
  if (!heap) PyErr_Clear();
  return heap;
}

// Waits and runs rounds of the owner's events until one leaves asyncio something to do: a Python fd ready, a
// callback queued or a timer added (an app that suspended), the owner finished, or asyncio's timeout over. A round
// that only served connections whose apps answered without suspending returns nothing to asyncio, so it waits
// again here rather than making asyncio turn its loop for no work (13-15 K instructions a turn, measured).
PyObject* selector_select(PyObject* self, PyObject* const* args, Py_ssize_t count) {
  SelectorObject* selector = as_selector(self);
  if (selector->closed) return closed_error();
  LoopOwner& owner = *selector->owner;
  const int asyncio_timeout = asyncio_timeout_ms(count > 0 ? args[0] : nullptr);
  if (asyncio_timeout == -2) return nullptr;
  const std::int64_t deadline = asyncio_timeout >= 0 ? now_ms() + asyncio_timeout : -1;
  const PyRef timers_heap = timer_heap(selector);
  const Py_ssize_t timers = queue_length(timers_heap.get());
  epoll_event events[128];
  int ready = 0;
  Waker* const waker = selector->waker;
  for (;;) {
    const bool must_not_block = owner.before_wait();
    int timeout = owner.wait_limit_ms();
    if (deadline >= 0) timeout = static_cast<int>(std::clamp<std::int64_t>(deadline - now_ms(), 0, timeout));
    // With the waker, the queue is looked at after arming it, and no Python code runs from there to the wait:
    // waker.hpp says why that loses no wake-up. Without it, asyncio's self-pipe wakes the wait.
    if (waker != nullptr && timeout != 0) waker->arm();
    const bool asyncio_work = waker != nullptr ? queue_length(selector->loop_ready) > 0
                                               : must_not_block && queue_length(selector->loop_ready) != 0;
    if (asyncio_work) timeout = 0;
    {
      python::GilReleased released;
      ready = ::epoll_wait(owner.epoll_fd(), events, 128, timeout);
    }
    if (waker != nullptr) waker->disarm();
    if (ready < 0) ready = 0;  // EINTR: the round runs with no event
    for (int i = 0; waker != nullptr && i < ready; ++i)
      if (events[i].data.u64 == (python_fd_tag | static_cast<std::uint64_t>(waker->fd()))) waker->drain();
    owner.run_round({events, static_cast<std::size_t>(ready)});
    if (owner.loop_finished() || asyncio_work) break;
    if (deadline >= 0 && now_ms() >= deadline) break;
    const bool python_fd_ready = std::any_of(
        events, events + ready, [](const epoll_event& event) { return (event.data.u64 & python_fd_tag) != 0; });
    if (python_fd_ready || timers < 0 || queue_length(selector->loop_ready) != 0 ||
        queue_length(timers_heap.get()) != timers)
      break;
  }
  if (owner.loop_finished() && selector->loop_stop != nullptr) {
    PyRef stop(selector->loop_stop);
    selector->loop_stop = nullptr;
    PyRef stopped(PyObject_CallNoArgs(stop.get()));
    if (!stopped) return nullptr;
  }
  PyRef result(PyList_New(0));
  if (!result) return nullptr;
  for (int i = 0; i < ready; ++i) {
    if ((events[i].data.u64 & python_fd_tag) == 0) continue;
    PyRef fd_object(PyLong_FromUnsignedLongLong(events[i].data.u64 & ~python_fd_tag));
    PyObject* key = fd_object ? PyDict_GetItemWithError(selector->keys, fd_object.get()) : nullptr;
    if (key == nullptr) {
      if (PyErr_Occurred()) return nullptr;
      continue;  // unregistered by the round (or an earlier callback)
    }
    // As EpollSelector: an error or hang-up wakes both directions, asyncio's callbacks find out which.
    long ready_events = 0;
    if ((events[i].events & ~static_cast<std::uint32_t>(EPOLLIN)) != 0) ready_events |= event_write;
    if ((events[i].events & ~static_cast<std::uint32_t>(EPOLLOUT)) != 0) ready_events |= event_read;
    ready_events &= PyLong_AsLong(PyTuple_GET_ITEM(key, 2));
    if (ready_events == 0) continue;
    PyRef pair(Py_BuildValue("(Ol)", key, ready_events));
    if (!pair || PyList_Append(result.get(), pair.get()) < 0) return nullptr;
  }
  return result.release();
}

PyObject* selector_enter(PyObject* self, PyObject*) { return Py_NewRef(self); }

// The loop's _write_to_self(), bound to the selector: a write only while the loop thread is blocked.
PyObject* write_to_self(PyObject* self, PyObject*) {
  if (Waker* waker = as_selector(self)->waker) waker->wake();
  Py_RETURN_NONE;
}

PyMethodDef write_to_self_method = {"_write_to_self", write_to_self, METH_NOARGS,
                                    "Wakes the worker's loop if it is blocked in its wait (the eventfd of waker.hpp)."};

PyObject* selector_exit(PyObject* self, PyObject*) { return selector_close(self, nullptr); }

PyMethodDef selector_methods[] = {
    {"register", python::as_method(selector_register), METH_VARARGS | METH_KEYWORDS,
     "register(fileobj, events, data=None) -> SelectorKey"},
    {"unregister", selector_unregister, METH_O, "unregister(fileobj) -> SelectorKey"},
    {"modify", python::as_method(selector_modify), METH_VARARGS | METH_KEYWORDS,
     "modify(fileobj, events, data=None) -> SelectorKey"},
    {"select", python::as_method(selector_select), METH_FASTCALL,
     "select(timeout=None) -> [(key, events)]: the worker's own events are served meanwhile"},
    {"get_key", selector_get_key, METH_O, "get_key(fileobj) -> SelectorKey"},
    {"get_map", selector_get_map, METH_NOARGS, "get_map() -> {fd: SelectorKey}"},
    {"close", selector_close, METH_NOARGS, "close(): forgets every registered fd"},
    {"__enter__", selector_enter, METH_NOARGS, nullptr},
    {"__exit__", selector_exit, METH_VARARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

PyType_Slot selector_slots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(selector_dealloc)},
    {Py_tp_traverse, reinterpret_cast<void*>(selector_traverse)},
    {Py_tp_clear, reinterpret_cast<void*>(selector_clear)},
    {Py_tp_methods, selector_methods},
    {Py_tp_doc, const_cast<char*>("The worker's epoll set as a selectors.BaseSelector.")},
    {0, nullptr},
};

PyType_Spec selector_spec = {"deployctl.WorkerSelector", sizeof(SelectorObject), 0,
                             Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, selector_slots};

}  // namespace

PyRef make_selector(LoopOwner& owner) {
  PyRef selectors(PyImport_ImportModule("selectors"));
  PyRef key_type(selectors ? PyObject_GetAttrString(selectors.get(), "SelectorKey") : nullptr);
  PyRef base(selectors ? PyObject_GetAttrString(selectors.get(), "BaseSelector") : nullptr);
  PyRef type(key_type && base ? PyType_FromSpec(&selector_spec) : nullptr);
  if (!type) return PyRef();
  PyRef selector(
      reinterpret_cast<PyObject*>(PyObject_GC_New(SelectorObject, reinterpret_cast<PyTypeObject*>(type.get()))));
  if (!selector) return PyRef();
  SelectorObject* object = as_selector(selector.get());
  object->owner = &owner;
  object->keys = PyDict_New();
  object->key_type = key_type.release();
  object->loop_stop = nullptr;
  object->loop_ready = nullptr;
  object->loop = nullptr;
  object->waker = nullptr;
  object->closed = false;
  PyObject_GC_Track(selector.get());
  if (object->keys == nullptr) return PyRef();
  // selectors.BaseSelector is an ABC: registering makes isinstance() true for code that checks. Through ABCMeta:
  // BaseSelector's own register() is the abstract fd method.
  PyRef meta = PyRef::borrowed(reinterpret_cast<PyObject*>(Py_TYPE(base.get())));
  PyRef registered(PyObject_CallMethod(meta.get(), "register", "OO", base.get(), type.get()));
  if (!registered) return PyRef();
  return selector;
}

bool serve_loop(PyObject* selector, PyObject* loop) {
  SelectorObject* object = as_selector(selector);
  Py_XSETREF(object->loop_stop, PyObject_GetAttrString(loop, "stop"));
  // BaseEventLoop's own attributes (CPython 3.11): without them select() returns after every round, and asyncio's
  // self-pipe stays the wake-up.
  Py_XSETREF(object->loop_ready, PyObject_GetAttrString(loop, "_ready"));
  Py_XSETREF(object->loop, PyObject_HasAttrString(loop, "_scheduled") ? Py_NewRef(loop) : nullptr);
  PyErr_Clear();
  if (object->loop_ready == nullptr || object->loop == nullptr || object->waker != nullptr) return true;
  // Tagged as a Python fd, so the owner's rounds skip it, under an fd no SelectorKey has, so asyncio never sees it.
  auto waker = std::make_unique<Waker>();
  if (!waker->open(object->owner->epoll_fd(), python_fd_tag)) {
    PyErr_SetFromErrno(PyExc_OSError);
    return false;
  }
  // call_soon_threadsafe() (and a signal's callback) end with self._write_to_self(): an instance attribute comes
  // before BaseEventLoop's method.
  PyRef write_to_self(PyCFunction_New(&write_to_self_method, selector));
  if (!write_to_self || PyObject_SetAttrString(loop, "_write_to_self", write_to_self.get()) < 0) return false;
  object->waker = waker.release();
  return true;
}

}  // namespace deployctl::gateway::asgi
