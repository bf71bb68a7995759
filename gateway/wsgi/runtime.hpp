// The embedded CPython of `deployctl serve`: a normal (non-isolated) interpreter with site-packages, so that the
// project's Django imports. Python.h stays out of this header: the server layer only holds and releases the GIL.
#pragma once

#include <string>

#include "core/error.hpp"

namespace deployctl::gateway::wsgi {

// Starts the interpreter for serving, once per process; the calling thread then holds the GIL. When the checks'
// isolated parser started it first (`deployctl check` code run by the same process), the site directories are
// added with site.main() instead, so both uses share one interpreter. Python installs no signal handlers: the
// server owns every signal.
Result<void> start_python();

// Must be called in a forked child before any other Python call (PyOS_AfterFork_Child).
void python_after_fork_child();
void python_before_fork();
void python_after_fork_parent();

// The pending Python exception as traceback text, cleared; "" when none is pending. Needs the GIL.
std::string take_python_error();

// A worker's event loop runs with the GIL released and takes it once per request. Per thread: a pool thread
// (--threads) releases and takes it for itself.
void release_gil();
void acquire_gil();

// Releases the GIL for a scope of socket or file I/O inside a request (which holds it).
class GilReleased {
 public:
  GilReleased();
  ~GilReleased();
  GilReleased(const GilReleased&) = delete;
  GilReleased& operator=(const GilReleased&) = delete;

 private:
  void* state_;
};

}  // namespace deployctl::gateway::wsgi
