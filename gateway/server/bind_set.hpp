// Which sockets a starting master serves on: systemd's (LISTEN_FDS), else the --bind addresses; on a reload the
// sockets handed over are matched against the new config, as gunicorn does when its bind setting changes on HUP.
#pragma once

#include <optional>
#include <vector>

#include "core/error.hpp"
#include "gateway/server/handover.hpp"
#include "gateway/server/listeners.hpp"
#include "gateway/server/serve_options.hpp"

namespace deployctl::gateway::server {

struct BindSet {
  std::vector<Listener> listeners;
  std::optional<Listener> metrics;  // --metrics-bind
};

// First start: every address opened, or the first failure (each with its own message; the caller exits 2).
// Reload: a handed-over socket whose bind text is still configured is kept (same socket, so port 0 keeps its
// port and no connection waiting in the backlog is lost), a new address is opened, a dropped one is closed (its
// socket file removed when this server made it). A new address that cannot be opened is logged and the previous
// binds are kept: a reload never leaves the server without sockets. systemd's sockets are always kept, the binds
// of the config notwithstanding (the unit's .socket file owns the addresses).
Result<BindSet> open_binds(const ServeOptions& options, const Handover& handover);

}  // namespace deployctl::gateway::server
