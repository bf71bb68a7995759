// A request's asyncio Task takes its first step at once, in place, instead of on the loop's next turn: the app runs
// under a real Task from its first line (asyncio.current_task(), asyncio.timeout(), anyio's cancel scopes) and a
// request that needs no await still costs no loop turn. Python 3.11 has no eager tasks; this is how we get one.
#pragma once

#include "python/py_ref.hpp"

namespace deployctl::gateway::asgi {

// Gives the worker's `loop` a native call_soon (an attribute of the instance) that, while a Task is being made by
// start_task_now(), keeps the first step the Task's constructor schedules instead of queueing it; any other call
// goes to the loop's own call_soon. Needs the GIL; false with a Python error set.
bool capture_first_steps(PyObject* loop);

// `task_type(coroutine, loop=loop, context=context, name=name)` (`keywords` is ("loop", "context", "name")), with
// its first step run now in `context`. On a loop without capture_first_steps() the step is queued as usual and runs on
// the next turn. Null with a Python error set when the Task cannot be made or its first step could not run.
PyObject* start_task_now(PyObject* task_type, PyObject* coroutine, PyObject* loop, PyObject* context, PyObject* name,
                         PyObject* keywords);

}  // namespace deployctl::gateway::asgi
