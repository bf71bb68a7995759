// A worker process: one epoll event loop over the listeners and its connections, keep-alive and pipelining
// (responses in order), the hostile-client timeouts, and TERM (drain) / INT, QUIT (stop now).
#pragma once

#include <vector>

#include "core/unique_fd.hpp"
#include "gateway/server/access_log.hpp"
#include "gateway/server/forwarded.hpp"
#include "gateway/server/listeners.hpp"
#include "gateway/server/request_handler.hpp"
#include "gateway/server/serve_options.hpp"
#include "gateway/server/shared_state.hpp"

namespace deployctl::gateway::asgi {
class AsgiApp;
}  // namespace deployctl::gateway::asgi

namespace deployctl::gateway::server {

struct WorkerSetup {
  const ServeOptions* options = nullptr;
  const std::vector<Listener>* listeners = nullptr;
  wsgi::WsgiApp* app = nullptr;       // a WSGI app, or
  asgi::AsgiApp* asgi_app = nullptr;  // an ASGI one: the worker's loop is then asyncio's (worker_asgi.cpp)
  const static_files::StaticFiles* statics = nullptr;
  WorkerSlot* slot = nullptr;
  int access_log_fd = -1;  // -1: no access log
  const AccessLogFormat* access_format = nullptr;
  const ForwardedTrust* trust = nullptr;
};

// A worker's exit status when the app cannot start (its ASGI lifespan startup failed): the master stops, rather than
// replacing the worker in a loop.
inline constexpr int worker_boot_error = 3;

// Runs in the forked child until it is told to stop; returns the process exit status. The GIL is released for
// the loop and taken once per request.
int run_worker(const WorkerSetup& setup);

// The same loop over one connected socket (the in-process driver, server/in_process.hpp): until it closes.
int serve_connection(const WorkerSetup& setup, UniqueFd socket, const Peer& peer);

}  // namespace deployctl::gateway::server
