// asyncio's registry of all tasks (asyncio.tasks._all_tasks, a weakref.WeakSet) with a native add() and a native
// callback for the weak references it holds. CPython 3.11's C Task adds itself through the set's Python add() and
// leaves through a Python callback when it goes: 3.6 K of the 31 K instructions of a hello-world request, which runs
// under a Task of its own. asyncio.all_tasks() reads the same set as before.
#pragma once

#include "python/py_ref.hpp"

namespace deployctl::gateway::asgi {

// Gives the registry its native add() (an attribute of the instance, as the loop's call_soon is). A registry that
// is not the WeakSet this was written against is left alone, and true is returned all the same. Needs the GIL;
// false with a Python error set.
bool register_tasks_natively();

}  // namespace deployctl::gateway::asgi
