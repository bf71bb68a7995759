// The embedded CPython interpreter (Debian's libpython3.11): started once, isolated from the user's
// environment, used only for its parser. Project code is never imported or executed.
#pragma once

namespace deployctl::checks::python {

// Starts the interpreter on first use; later calls are free. Isolated mode: no site, no user site,
// no PYTHON* variables, no bytecode writing, no signal handlers.
void ensure_interpreter();

}  // namespace deployctl::checks::python
