// Importing the app (in the master, before fork), before anyone knows which interface it speaks.
#pragma once

#include "core/error.hpp"
#include "gateway/loading/app_spec.hpp"
#include "python/py_ref.hpp"

namespace deployctl::gateway::loading {

// Imports the module and looks the callable up. Needs the interpreter started (start_python) and the GIL. A failed
// import's traceback goes to stderr first; the error says which of import, attribute lookup or callability failed.
// The imported objects leave the cyclic GC's generations (see app_import.cpp).
Result<python::PyRef> import_app(const AppSpec& spec, const LoadOptions& options);

}  // namespace deployctl::gateway::loading
