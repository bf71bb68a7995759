// BaseEventLoop._run_once and call_soon_threadsafe (CPython 3.11's asyncio/base_events.py) step for step, with the
// same attributes read and written, so that asyncio's other methods and the app see the loop they expect; what
// stays Python is the Handle (its _run) and the events' dispatch (_process_events), called only when there are any.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/asgi/loop_turn.hpp"

#include <cstddef>

namespace deployctl::gateway::asgi {

using python::PyRef;

namespace {

constexpr double maximum_select_timeout_s = 24 * 3600;  // base_events.MAXIMUM_SELECT_TIMEOUT
constexpr Py_ssize_t min_scheduled_timer_handles = 100;
constexpr double min_cancelled_timer_handles_fraction = 0.5;

struct Names {
  PyObject *scheduled, *timer_cancelled_count, *cancelled, *scheduled_flag, *when, *stopping, *debug, *closed, *run,
      *append, *popleft, *write_to_self, *time;
};
Names names{};

bool intern_names() {
  if (names.scheduled != nullptr) return true;
  const struct {
    PyObject** slot;
    const char* text;
  } all[] = {{&names.scheduled, "_scheduled"},
             {&names.timer_cancelled_count, "_timer_cancelled_count"},
             {&names.cancelled, "_cancelled"},
             {&names.scheduled_flag, "_scheduled"},
             {&names.when, "_when"},
             {&names.stopping, "_stopping"},
             {&names.debug, "_debug"},
             {&names.closed, "_closed"},
             {&names.run, "_run"},
             {&names.append, "append"},
             {&names.popleft, "popleft"},
             {&names.write_to_self, "_write_to_self"},
             {&names.time, "time"}};
  for (const auto& name : all) {
    *name.slot = PyUnicode_InternFromString(name.text);
    if (*name.slot == nullptr) return false;
  }
  return true;
}

// What a turn needs of the loop, looked up once: the loop holds this object (its two methods) and this object the
// loop, a cycle the GC sees through traverse.
struct TurnObject {
  PyObject_HEAD PyObject* loop;
  PyObject* ready;                // loop._ready, a deque never replaced
  PyObject* select;               // loop._selector.select
  PyObject* process_events;       // loop._process_events
  PyObject* heappop;              // heapq.heappop
  PyObject* handle_type;          // asyncio.events.Handle
  PyObject* python_run_once;      // the class's own, bound: debug mode and timer compaction
  PyObject* python_call_soon_ts;  // the class's own call_soon_threadsafe, bound: debug mode and a closed loop
  double clock_resolution;        // loop._clock_resolution
};

TurnObject* as_turn(PyObject* self) { return reinterpret_cast<TurnObject*>(self); }

int turn_clear(PyObject* self) {
  TurnObject* turn = as_turn(self);
  Py_CLEAR(turn->loop);
  Py_CLEAR(turn->ready);
  Py_CLEAR(turn->select);
  Py_CLEAR(turn->process_events);
  Py_CLEAR(turn->heappop);
  Py_CLEAR(turn->handle_type);
  Py_CLEAR(turn->python_run_once);
  Py_CLEAR(turn->python_call_soon_ts);
  return 0;
}

void turn_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  PyObject_GC_UnTrack(self);
  turn_clear(self);
  type->tp_free(self);
  Py_DECREF(type);
}

int turn_traverse(PyObject* self, visitproc visit, void* arg) {
  TurnObject* turn = as_turn(self);
  Py_VISIT(turn->loop);
  Py_VISIT(turn->ready);
  Py_VISIT(turn->select);
  Py_VISIT(turn->process_events);
  Py_VISIT(turn->heappop);
  Py_VISIT(turn->handle_type);
  Py_VISIT(turn->python_run_once);
  Py_VISIT(turn->python_call_soon_ts);
  Py_VISIT(Py_TYPE(self));
  return 0;
}

// loop.time(), called as asyncio calls it (a test may patch the clock), only when there are timers; -1 with an
// error set.
double loop_time(TurnObject* turn) {
  PyRef now(PyObject_CallMethodNoArgs(turn->loop, names.time));
  return now ? PyFloat_AsDouble(now.get()) : -1;
}

// A true attribute (handle._cancelled, loop._debug...): 1, 0, or -1 with an error set.
int flag(PyObject* object, PyObject* name) {
  PyRef value(PyObject_GetAttr(object, name));
  return value ? PyObject_IsTrue(value.get()) : -1;
}

// The first timer's _when, or -1 with an error set (a timer's time is never negative: it is monotonic).
double first_when(PyObject* scheduled) {
  PyRef when(PyObject_GetAttr(PyList_GET_ITEM(scheduled, 0), names.when));
  return when ? PyFloat_AsDouble(when.get()) : -1;
}

// heapq.heappop(scheduled) with handle._scheduled = False: the handle, or null with an error set.
PyObject* pop_timer(TurnObject* turn, PyObject* scheduled) {
  PyRef handle(PyObject_CallOneArg(turn->heappop, scheduled));
  if (!handle || PyObject_SetAttr(handle.get(), names.scheduled_flag, Py_False) < 0) return nullptr;
  return handle.release();
}

// Cancelled timers off the head of the heap; 1 when the heap is mostly cancelled (asyncio's own turn compacts it
// then), 0 done, -1 error.
int drop_cancelled_timers(TurnObject* turn, PyObject* scheduled) {
  const Py_ssize_t count = PyList_GET_SIZE(scheduled);
  if (count > min_scheduled_timer_handles) {
    PyRef cancelled_count(PyObject_GetAttr(turn->loop, names.timer_cancelled_count));
    if (!cancelled_count) return -1;
    const double cancelled = PyFloat_AsDouble(cancelled_count.get());
    if (cancelled == -1.0 && PyErr_Occurred()) return -1;
    if (cancelled / static_cast<double>(count) > min_cancelled_timer_handles_fraction) return 1;
  }
  while (PyList_GET_SIZE(scheduled) > 0) {
    const int cancelled = flag(PyList_GET_ITEM(scheduled, 0), names.cancelled);
    if (cancelled <= 0) return cancelled;
    PyRef cancelled_count(PyObject_GetAttr(turn->loop, names.timer_cancelled_count));
    const long before = cancelled_count ? PyLong_AsLong(cancelled_count.get()) : -1;
    if (before == -1 && PyErr_Occurred()) return -1;
    PyRef less(PyLong_FromLong(before - 1));
    if (!less || PyObject_SetAttr(turn->loop, names.timer_cancelled_count, less.get()) < 0) return -1;
    PyRef handle(pop_timer(turn, scheduled));
    if (!handle) return -1;
  }
  return 0;
}

// select()'s timeout: 0 with callbacks ready or the loop stopping, the first timer's delay, else None.
PyObject* select_timeout(TurnObject* turn, PyObject* scheduled) {
  const Py_ssize_t ready = PyObject_Length(turn->ready);
  if (ready < 0) return nullptr;
  const int stopping = flag(turn->loop, names.stopping);
  if (stopping < 0) return nullptr;
  if (ready > 0 || stopping == 1) return PyLong_FromLong(0);
  if (PyList_GET_SIZE(scheduled) == 0) Py_RETURN_NONE;
  const double when = first_when(scheduled);
  if (when == -1.0 && PyErr_Occurred()) return nullptr;
  const double now = loop_time(turn);
  if (now == -1.0 && PyErr_Occurred()) return nullptr;
  double timeout = when - now;
  if (timeout < 0) timeout = 0;
  if (timeout > maximum_select_timeout_s) timeout = maximum_select_timeout_s;
  return PyFloat_FromDouble(timeout);
}

// The timers due now (within the clock's resolution) to the ready queue.
bool ready_due_timers(TurnObject* turn, PyObject* scheduled) {
  if (PyList_GET_SIZE(scheduled) == 0) return true;
  const double now = loop_time(turn);
  if (now == -1.0 && PyErr_Occurred()) return false;
  const double end_time = now + turn->clock_resolution;
  while (PyList_GET_SIZE(scheduled) > 0) {
    const double when = first_when(scheduled);
    if (when == -1.0 && PyErr_Occurred()) return false;
    if (when >= end_time) break;
    PyRef handle(pop_timer(turn, scheduled));
    PyRef appended(handle ? PyObject_CallMethodOneArg(turn->ready, names.append, handle.get()) : nullptr);
    if (!appended) return false;
  }
  return true;
}

// The callbacks queued before this point, in order; those they queue wait for the next turn. An exception out of a
// handle (SystemExit, KeyboardInterrupt: Handle._run reports the others) leaves the rest queued, as asyncio does.
bool run_ready(TurnObject* turn) {
  const Py_ssize_t count = PyObject_Length(turn->ready);
  if (count < 0) return false;
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyRef handle(PyObject_CallMethodNoArgs(turn->ready, names.popleft));
    if (!handle) return false;
    const int cancelled = flag(handle.get(), names.cancelled);
    if (cancelled < 0) return false;
    if (cancelled == 1) continue;
    PyRef ran(PyObject_CallMethodNoArgs(handle.get(), names.run));
    if (!ran) return false;
  }
  return true;
}

PyObject* run_once(PyObject* self, PyObject*) {
  TurnObject* turn = as_turn(self);
  const int debug = flag(turn->loop, names.debug);
  if (debug < 0) return nullptr;
  if (debug == 1) return PyObject_CallNoArgs(turn->python_run_once);  // slow-callback warnings, current handle
  // Looked up each turn: asyncio's compaction replaces the list.
  PyRef scheduled(PyObject_GetAttr(turn->loop, names.scheduled));
  if (!scheduled) return nullptr;
  if (!PyList_Check(scheduled.get())) return PyObject_CallNoArgs(turn->python_run_once);
  const int dropped = drop_cancelled_timers(turn, scheduled.get());
  if (dropped < 0) return nullptr;
  if (dropped == 1) return PyObject_CallNoArgs(turn->python_run_once);
  PyRef timeout(select_timeout(turn, scheduled.get()));
  PyRef events(timeout ? PyObject_CallOneArg(turn->select, timeout.get()) : nullptr);
  if (!events) return nullptr;
  const Py_ssize_t event_count = PyObject_Length(events.get());
  if (event_count < 0) return nullptr;
  if (event_count > 0) {
    PyRef processed(PyObject_CallOneArg(turn->process_events, events.get()));
    if (!processed) return nullptr;
  }
  events.reset();
  if (!ready_due_timers(turn, scheduled.get()) || !run_ready(turn)) return nullptr;
  Py_RETURN_NONE;
}

// call_soon_threadsafe(callback, *args, context=None): a Handle on the ready queue, then _write_to_self() (the
// worker's eventfd waker: a write only while the loop sleeps).
PyObject* call_soon_threadsafe(PyObject* self, PyObject* const* args, Py_ssize_t count, PyObject* kwnames) {
  TurnObject* turn = as_turn(self);
  const Py_ssize_t positional = count;  // METH_FASTCALL: no offset flag
  PyObject* context = Py_None;
  bool plain = positional >= 1;
  for (Py_ssize_t i = 0; plain && kwnames != nullptr && i < PyTuple_GET_SIZE(kwnames); ++i) {
    if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, i), "context") != 0) plain = false;
    if (plain) context = args[positional + i];
  }
  if (plain) {
    const int closed = flag(turn->loop, names.closed);
    const int debug = closed == 0 ? flag(turn->loop, names.debug) : closed;
    if (debug < 0) return nullptr;
    plain = debug == 0;
  }
  // A closed loop's error, debug mode's checks and any misuse of the arguments: asyncio's own method.
  if (!plain) return PyObject_Vectorcall(turn->python_call_soon_ts, args, static_cast<std::size_t>(count), kwnames);
  PyRef callback_args(PyTuple_New(positional - 1));
  if (!callback_args) return nullptr;
  for (Py_ssize_t i = 1; i < positional; ++i) PyTuple_SET_ITEM(callback_args.get(), i - 1, Py_NewRef(args[i]));
  PyObject* handle_args[] = {args[0], callback_args.get(), turn->loop, context};
  PyRef handle(PyObject_Vectorcall(turn->handle_type, handle_args, 4, nullptr));
  PyRef appended(handle ? PyObject_CallMethodOneArg(turn->ready, names.append, handle.get()) : nullptr);
  PyRef woken(appended ? PyObject_CallMethodNoArgs(turn->loop, names.write_to_self) : nullptr);
  return woken ? handle.release() : nullptr;
}

PyMethodDef run_once_method = {"_run_once", run_once, METH_NOARGS,
                               "One turn of the loop: BaseEventLoop._run_once in C (gateway/asgi/loop_turn.cpp)."};
PyMethodDef call_soon_threadsafe_method = {
    "call_soon_threadsafe", python::as_method(call_soon_threadsafe), METH_FASTCALL | METH_KEYWORDS,
    "call_soon_threadsafe(callback, *args, context=None) -> Handle, in C (gateway/asgi/loop_turn.cpp)."};

PyType_Slot turn_slots[] = {
    {Py_tp_dealloc, reinterpret_cast<void*>(turn_dealloc)},
    {Py_tp_traverse, reinterpret_cast<void*>(turn_traverse)},
    {Py_tp_clear, reinterpret_cast<void*>(turn_clear)},
    {0, nullptr},
};

PyType_Spec turn_spec = {"deployctl.LoopTurn", sizeof(TurnObject), 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
                         turn_slots};

// The class's own method `name`, bound to the loop.
PyObject* class_method(PyObject* loop, const char* name) {
  PyRef function(PyObject_GetAttrString(reinterpret_cast<PyObject*>(Py_TYPE(loop)), name));
  return function ? PyMethod_New(function.get(), loop) : nullptr;
}

}  // namespace

bool install_native_turn(PyObject* loop) {
  if (!intern_names()) return false;
  PyRef type(PyType_FromSpec(&turn_spec));
  if (!type) return false;
  PyRef object(reinterpret_cast<PyObject*>(PyObject_GC_New(TurnObject, reinterpret_cast<PyTypeObject*>(type.get()))));
  if (!object) return false;
  TurnObject* turn = as_turn(object.get());
  turn->loop = turn->ready = turn->select = turn->process_events = turn->heappop = turn->handle_type =
      turn->python_run_once = turn->python_call_soon_ts = nullptr;
  turn->clock_resolution = 0;
  PyObject_GC_Track(object.get());
  turn->loop = Py_NewRef(loop);
  turn->ready = PyObject_GetAttrString(loop, "_ready");
  PyRef selector(PyObject_GetAttrString(loop, "_selector"));
  turn->select = selector ? PyObject_GetAttrString(selector.get(), "select") : nullptr;
  turn->process_events = PyObject_GetAttrString(loop, "_process_events");
  PyRef heapq(PyImport_ImportModule("heapq"));
  turn->heappop = heapq ? PyObject_GetAttrString(heapq.get(), "heappop") : nullptr;
  PyRef events(PyImport_ImportModule("asyncio.events"));
  turn->handle_type = events ? PyObject_GetAttrString(events.get(), "Handle") : nullptr;
  turn->python_run_once = class_method(loop, "_run_once");
  turn->python_call_soon_ts = class_method(loop, "call_soon_threadsafe");
  PyRef resolution(PyObject_GetAttrString(loop, "_clock_resolution"));
  if (PyErr_Occurred()) return false;
  turn->clock_resolution = PyFloat_AsDouble(resolution.get());
  if (PyErr_Occurred()) return false;
  PyRef run_once_function(PyCFunction_New(&run_once_method, object.get()));
  PyRef call_soon_function(PyCFunction_New(&call_soon_threadsafe_method, object.get()));
  return run_once_function && call_soon_function &&
         PyObject_SetAttrString(loop, "_run_once", run_once_function.get()) == 0 &&
         PyObject_SetAttrString(loop, "call_soon_threadsafe", call_soon_function.get()) == 0;
}

}  // namespace deployctl::gateway::asgi
