// Moving the GIL between a thread's own C++ work (an event loop, a socket wait) and Python. Python.h stays out.
#pragma once

namespace deployctl::python {

// Per thread: the thread gives up the GIL for its loop and takes it back for each piece of Python work.
void release_gil();
void acquire_gil();
// Whether this thread holds the GIL now (code that may be called from Python work or from a loop asks).
bool holds_gil();

// Releases the GIL for a scope of blocking I/O inside Python work (which holds it).
class GilReleased {
 public:
  GilReleased();
  ~GilReleased();
  GilReleased(const GilReleased&) = delete;
  GilReleased& operator=(const GilReleased&) = delete;

 private:
  void* state_;
};

}  // namespace deployctl::python
