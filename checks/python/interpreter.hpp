// The embedded CPython interpreter (Debian's libpython3.11): started once, isolated from the user's
// environment, used only for its parser. Project code is never imported or executed.
#pragma once

#include <string_view>

namespace deployctl::checks::python {

// Starts the interpreter's core on first use; later calls are free. Isolated mode: no site, no user site,
// no PYTHON* variables, no bytecode writing, no signal handlers. The core alone parses UTF-8, ASCII and
// Latin-1 source, and costs about 40% less than a full start-up: what `deployctl check` pays on every run.
void ensure_interpreter();

// Completes the start-up (codec registry, path-based imports, sys streams) on first use. Needed before the
// parser may import: for source in another encoding, non-ASCII identifiers (NFKC through unicodedata) and
// \N{...} escapes. Must run before any such import was attempted, which would fail and poison the codec
// registry for the rest of the process.
void ensure_full_interpreter();

// Whether parsing `source` (named `filename`) may make CPython's parser import a module; see
// ensure_full_interpreter. Conservative: any non-ASCII byte, a \N escape or a coding cookie answers yes.
bool parsing_may_import(std::string_view source, std::string_view filename);

}  // namespace deployctl::checks::python
