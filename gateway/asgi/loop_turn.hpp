// The ASGI worker's loop turn in C: BaseEventLoop._run_once and call_soon_threadsafe as native instance attributes of
// the worker's asyncio loop. Django 3.2 makes two loop turns and one call_soon_threadsafe per sync_to_async hop (ten
// hops a request with the usual middleware); asyncio's Python versions cost about a tenth of each hop (ARCHITECTURE).
#pragma once

#include "python/py_ref.hpp"

namespace deployctl::gateway::asgi {

// Installs both on `loop` (an asyncio.SelectorEventLoop of CPython 3.11). With the loop in debug mode, or on the rare
// turn that compacts a heap of mostly cancelled timers, asyncio's own methods run instead. Needs the GIL; false
// with a Python error set.
bool install_native_turn(PyObject* loop);

}  // namespace deployctl::gateway::asgi
