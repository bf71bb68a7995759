// Faulting in, in one call, the pages CPython's start-up is about to write one by one: on a virtual machine each
// page fault exits to the host, and a batch of them costs about half as much per page (bench/RESULTS.md).
#pragma once

namespace deployctl::python {

// The executable's writable data past RELRO (.data and .bss: CPython's static types, interned strings and runtime
// state, which the core's start-up writes nearly all of). Best effort: on a kernel without MADV_POPULATE_WRITE
// (before Linux 5.14) the pages fault in one by one as before.
void prefault_writable_image();

// Has the first of pymalloc's 1 MiB arenas come with its first half faulted in: pymalloc hands out its pools
// from the arena's start, and the core's start-up plus a settings analysis write about 450 KiB of it page by
// page. Later arenas are plain mmap as CPython's own. Call before the interpreter starts.
void prefault_first_object_arena();

}  // namespace deployctl::python
