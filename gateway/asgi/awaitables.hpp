// The two native awaitables the ASGI adapter hands asyncio and the app, so that the common path needs no Future,
// no Task and no loop turn: `Ready` (the answer of a receive() or send() known at once) and `Resumed` (the app's
// coroutine, already started by the adapter, made resumable by an asyncio Task once it suspends).
#pragma once

#include "core/error.hpp"
#include "python/py_ref.hpp"

namespace deployctl::gateway::asgi {

// Called when the app's coroutine ends under a Task: with its exception set when it raised (the callee takes it),
// none when it returned. `call` is the object given to new_resumed().
using CoroutineEnded = void (*)(PyObject* call, bool raised);
// Called before each step the Task makes the app's coroutine take.
using CoroutineStepping = void (*)(PyObject* call);

struct AwaitableTypes {
  python::PyRef ready;
  python::PyRef resumed;
};

// Creates the types (once per process) and registers Resumed with collections.abc.Coroutine, which asyncio's
// Task requires. Needs the GIL.
Result<AwaitableTypes> make_awaitable_types();

// An awaitable whose await gives `value` at once (`__await__` returns itself; its first step returns, through
// am_send without an exception, or raises StopIteration(value) for callers that iterate). Steals `value`.
PyObject* new_ready(const AwaitableTypes& types, PyObject* value);

// A coroutine-like object whose first send returns `pending` (the awaitable the app's coroutine yielded on its
// first step, `_asyncio_future_blocking` still set) and whose later send/throw/close go to `coroutine`. When the
// coroutine ends, `ended(call, raised)` runs and the wrapper returns None: the Task never sees the app's error.
PyObject* new_resumed(const AwaitableTypes& types, PyObject* coroutine, PyObject* pending, PyObject* call,
                      CoroutineEnded ended, CoroutineStepping stepping);

}  // namespace deployctl::gateway::asgi
