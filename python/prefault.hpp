// Faulting in, in one call, the pages CPython's start-up is about to write one by one: on a virtual machine each
// page fault exits to the host, and a batch of them costs about half as much per page (bench/RESULTS.md).
#pragma once

namespace deployctl::python {

// The executable's writable data past RELRO (.data and .bss: CPython's static types, interned strings and runtime
// state, which the core's start-up writes nearly all of). Best effort: on a kernel without MADV_POPULATE_WRITE
// (before Linux 5.14) the pages fault in one by one as before.
void prefault_writable_image();

}  // namespace deployctl::python
