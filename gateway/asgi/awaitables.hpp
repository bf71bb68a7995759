// The two native objects the ASGI adapter hands asyncio and the app, so that the common path needs no Future and
// no loop turn: `Ready` (the answer of a receive() or send() known at once) and `AppCoroutine` (the app's coroutine
// as its request's Task steps it: each step told to the adapter, its end and its error kept from the Task).
#pragma once

#include "core/error.hpp"
#include "python/py_ref.hpp"

namespace deployctl::gateway::asgi {

// Called when the app's coroutine ends: with its exception set when it raised (the callee takes it), none when it
// returned. `call` is the object given to new_app_coroutine().
using CoroutineEnded = void (*)(PyObject* call, bool raised);
// Called before each step the Task makes the app's coroutine take.
using CoroutineStepping = void (*)(PyObject* call);

struct AwaitableTypes {
  python::PyRef ready;
  python::PyRef app_coroutine;
};

// Creates the types (once per process) and registers AppCoroutine with collections.abc.Coroutine, which asyncio's
// Task requires. Needs the GIL.
Result<AwaitableTypes> make_awaitable_types();

// An awaitable whose await gives `value` at once (`__await__` returns itself; its first step returns, through
// am_send without an exception, or raises StopIteration(value) for callers that iterate). Steals `value`.
PyObject* new_ready(const AwaitableTypes& types, PyObject* value);

// A coroutine-like object whose send/throw/close go to `coroutine`, each step after `stepping(call)`. When the
// coroutine ends, `ended(call, raised)` runs and the wrapper returns None: the Task never sees the app's error.
PyObject* new_app_coroutine(const AwaitableTypes& types, PyObject* coroutine, PyObject* call, CoroutineEnded ended,
                            CoroutineStepping stepping);

}  // namespace deployctl::gateway::asgi
