// The in-process driver: raw request bytes through the worker's own connection code (its loop, parser, streamed
// request bodies, 100 Continue, response writes) over a socketpair, with no listener, fork or signal. The unit
// tests answer requests through it, so they exercise the path a served request takes.
#pragma once

#include <string>
#include <string_view>

#include "gateway/server/forwarded.hpp"
#include "gateway/server/request_handler.hpp"
#include "gateway/server/serve_options.hpp"

namespace deployctl::gateway::server {

struct InProcessServer {
  wsgi::WsgiApp* app = nullptr;                        // either may be null
  const static_files::StaticFiles* statics = nullptr;  //
  ForwardedTrust trust;                                // the peer's `trusted` decides; this reads the chain
  ServeOptions options;                                // limits and timeouts (threads stays 1)
};

// Sends `raw` (one or more pipelined requests) as a client on `peer` would, then ends its side; returns every byte
// the server sent until it closed the connection. Called with or without the GIL.
std::string respond_in_process(const InProcessServer& server, std::string_view raw, const Peer& peer);

}  // namespace deployctl::gateway::server
