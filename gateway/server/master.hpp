// The master process: forks and watches the workers (respawn, --timeout with a stack dump, --max-requests
// recycling, TTIN/TTOU), serves the metrics endpoint, and turns signals into stops and reloads.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

#include "gateway/asgi/asgi_app.hpp"
#include "gateway/server/access_log.hpp"
#include "gateway/server/forwarded.hpp"
#include "gateway/server/listeners.hpp"
#include "gateway/server/serve_options.hpp"
#include "gateway/server/shared_state.hpp"
#include "gateway/wsgi/wsgi_app.hpp"

namespace deployctl::gateway::server {

struct MasterSetup {
  const ServeOptions* options = nullptr;
  std::vector<Listener> listeners;
  std::optional<Listener> metrics;    // --metrics-bind
  wsgi::WsgiApp* app = nullptr;       // a WSGI app, or
  asgi::AsgiApp* asgi_app = nullptr;  // an ASGI one
  const static_files::StaticFiles* statics = nullptr;
  int access_log_fd = -1;
  const AccessLogFormat* access_format = nullptr;
  const ForwardedTrust* trust = nullptr;
  std::vector<pid_t> old_workers;  // a reload's predecessors, stopped once the new workers are up
  int shared_state_fd = -1;        // the counters kept across a reload (-1: new ones)
  std::string original_cwd;        // for the re-exec of a reload
};

// Runs until a stop signal; returns the exit code. Prints the readiness line(s) once the workers are up.
int run_master(MasterSetup& setup);

// The signal used to make a stuck worker dump its Python stack before it is killed.
inline constexpr int stack_dump_signal = 12;  // SIGUSR2

}  // namespace deployctl::gateway::server
