// Each thread keeps its own saved state while it runs without the GIL.
#include "python/py_ref.hpp"  // Python.h first

#include "python/gil.hpp"

namespace deployctl::python {

namespace {
thread_local PyThreadState* saved_state = nullptr;
}  // namespace

void release_gil() { saved_state = PyEval_SaveThread(); }
void acquire_gil() { PyEval_RestoreThread(saved_state); }
bool holds_gil() { return Py_IsInitialized() != 0 && PyGILState_Check() != 0; }

GilReleased::GilReleased() : state_(PyEval_SaveThread()) {}
GilReleased::~GilReleased() { PyEval_RestoreThread(static_cast<PyThreadState*>(state_)); }

}  // namespace deployctl::python
