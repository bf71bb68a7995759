// Mirrors weakref.WeakSet's add() and its _remove callback (Lib/_weakrefset.py): a removal that comes while the set
// is being iterated waits in _pending_removals, and add() commits those first.
#include "python/py_ref.hpp"  // Python.h first

#include "gateway/asgi/task_registry.hpp"

namespace deployctl::gateway::asgi {

using python::PyRef;

namespace {

// The registry's parts, held for the life of the process, as the asyncio module holds the set.
struct Registry {
  PyObject* data = nullptr;       // set of weak references
  PyObject* pending = nullptr;    // list: removals waiting for an iteration to end
  PyObject* iterating = nullptr;  // set: the iterations in progress
  PyObject* commit = nullptr;     // the set's bound _commit_removals
  PyObject* remove = nullptr;     // our callback, given to every weak reference we make
};
Registry registry;

PyObject* remove_reference(PyObject*, PyObject* reference) {
  const int result = PySet_GET_SIZE(registry.iterating) > 0 ? PyList_Append(registry.pending, reference)
                                                            : PySet_Discard(registry.data, reference);
  if (result < 0) return nullptr;
  Py_RETURN_NONE;
}

PyObject* add_task(PyObject*, PyObject* task) {
  if (PyList_GET_SIZE(registry.pending) > 0) {
    PyRef committed(PyObject_CallNoArgs(registry.commit));
    if (!committed) return nullptr;
  }
  PyRef reference(PyWeakref_NewRef(task, registry.remove));
  if (!reference || PySet_Add(registry.data, reference.get()) < 0) return nullptr;
  Py_RETURN_NONE;
}

PyMethodDef remove_def = {"_remove", remove_reference, METH_O,
                          "WeakSet._remove, native: drops a task's weak reference from asyncio's registry"};
PyMethodDef add_def = {"add", add_task, METH_O,
                       "WeakSet.add, native: how asyncio's C Task registers itself (deployctl's ASGI worker)"};

// The instance attribute `name` of `set`, of exactly `type`: a borrowed reference, or null.
PyObject* part(PyObject* set, const char* name, PyTypeObject* type) {
  PyRef value(PyObject_GetAttrString(set, name));
  if (!value) {
    PyErr_Clear();
    return nullptr;
  }
  return Py_IS_TYPE(value.get(), type) ? value.get() : nullptr;  // the set keeps it alive
}

}  // namespace

bool register_tasks_natively() {
  if (registry.data != nullptr) return true;
  PyRef tasks(PyImport_ImportModule("asyncio.tasks"));
  PyRef weakrefset(tasks ? PyImport_ImportModule("_weakrefset") : nullptr);
  if (!weakrefset) return false;
  PyRef all_tasks(PyObject_GetAttrString(tasks.get(), "_all_tasks"));
  PyRef weak_set_type(all_tasks ? PyObject_GetAttrString(weakrefset.get(), "WeakSet") : nullptr);
  if (!weak_set_type) return false;
  if (!Py_IS_TYPE(all_tasks.get(), reinterpret_cast<PyTypeObject*>(weak_set_type.get()))) return true;
  PyObject* data = part(all_tasks.get(), "data", &PySet_Type);
  PyObject* pending = part(all_tasks.get(), "_pending_removals", &PyList_Type);
  PyObject* iterating = part(all_tasks.get(), "_iterating", &PySet_Type);
  PyRef commit(PyObject_GetAttrString(all_tasks.get(), "_commit_removals"));
  if (!commit) PyErr_Clear();
  if (data == nullptr || pending == nullptr || iterating == nullptr || !commit) return true;
  PyRef remove(PyCFunction_New(&remove_def, nullptr));
  PyRef add(remove ? PyCFunction_New(&add_def, nullptr) : nullptr);
  if (!add || PyObject_SetAttrString(all_tasks.get(), "add", add.get()) < 0) return false;
  registry = {Py_NewRef(data), Py_NewRef(pending), Py_NewRef(iterating), commit.release(), remove.release()};
  return true;
}

}  // namespace deployctl::gateway::asgi
