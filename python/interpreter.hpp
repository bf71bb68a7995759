// Starting the process's one embedded interpreter, in the variant its first user needs, and keeping it usable
// across fork. Python.h stays out of this header.
#pragma once

#include <string_view>

#include "core/error.hpp"

namespace deployctl::python {

// For parsing (`deployctl check`): the interpreter's core, isolated from the user's environment (no site, no user
// site, no PYTHON* variables, no bytecode writing, no signal handlers), started on first use; later calls are
// free. The core alone parses UTF-8, ASCII and Latin-1 source at about 40% less start-up than a full one.
Result<void> ensure_parser_core();

// Completes the start-up (codec registry, path-based imports, sys streams) on first use. Needed before the parser
// may import: source in another encoding, non-ASCII identifiers (NFKC through unicodedata), \N{...} escapes. Must
// run before any such import was attempted, which would fail and poison the codec registry for the process.
Result<void> ensure_full_interpreter();

// Whether parsing `source` (named `filename`) may make CPython's parser import a module (see
// ensure_full_interpreter). Conservative: any non-ASCII byte, a \N escape or a coding cookie answers yes.
bool parsing_may_import(std::string_view source, std::string_view filename);

// For serving (`deployctl serve`): a normal interpreter with site-packages, so that the project's Django imports;
// the calling thread then holds the GIL. Python installs no signal handlers: the server owns every signal. When
// the parser's isolated core came first in this process, it is completed and the site directories are added
// with site.main(), so both uses share one interpreter.
Result<void> start_for_serving();

// Around fork() in a process that runs Python: before, then after in the parent or (first of all) in the child.
void before_fork();
void after_fork_parent();
void after_fork_child();

}  // namespace deployctl::python
