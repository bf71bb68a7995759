// The selector an ASGI worker's asyncio loop runs on: a native selectors.BaseSelector over the worker's own epoll
// set, so that one wait serves the worker's connections and whatever the app's libraries register (asyncio's
// self-pipe, the app's own sockets). The worker's events are dispatched in C++ within select(); only the Python
// fds' events are returned to asyncio.
#pragma once

#include "gateway/asgi/loop_owner.hpp"
#include "python/py_ref.hpp"

namespace deployctl::gateway::asgi {

// A new selector object for asyncio.SelectorEventLoop(selector); the owner outlives it. Needs the GIL; null with a
// Python error set on failure.
python::PyRef make_selector(LoopOwner& owner);

// The loop the selector serves: it is stopped (loop.stop()) after the round in which the owner is finished, its
// queues tell select() whether a round left it work, and its _write_to_self() becomes the eventfd wake-up of
// waker.hpp. False with a Python error set when that cannot be made.
bool serve_loop(PyObject* selector, PyObject* loop);

}  // namespace deployctl::gateway::asgi
