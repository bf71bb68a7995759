// `deployctl serve` as one library call, after the CLI merged flags and config into ServeOptions.
#pragma once

#include "gateway/server/handover.hpp"
#include "gateway/server/serve_options.hpp"

namespace deployctl::gateway::server {

// Opens the logs, imports the app (its traceback printed, exit 2, before anything binds), opens the static
// mounts and the listeners, then runs the master until a stop signal. Returns the process exit code: 0 after a
// clean stop, 2 when it could not serve (each cause with its own message on the error log). Needs the Python
// interpreter started (wsgi::start_python) and the GIL. `handover`: what take_handover() found in the
// environment, which must be read before the interpreter starts.
int serve(const ServeOptions& options, const Handover& handover = {});

}  // namespace deployctl::gateway::server
