// The connection layer's side of the application boundary: for one parsed request, the client as a trusted proxy
// names it, an app::Exchange whose sink is a ResponseWriter on the connection, and the handlers asked in order
// (static mounts, then the app). The worker's loop and its pool threads answer every request through it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/app/exchange.hpp"
#include "gateway/http/request.hpp"
#include "gateway/server/forwarded.hpp"
#include "gateway/server/response_writer.hpp"
#include "gateway/server/transport.hpp"
#include "gateway/static/static_files.hpp"
#include "gateway/wsgi/wsgi_app.hpp"

namespace deployctl::gateway::server {

using Peer = app::Peer;

struct Outcome {
  int status = 0;
  std::uint64_t body_bytes = 0;
  bool keep_alive = false;  // the connection may carry another request
};

// The handlers a worker (or each of its threads) answers with: static mounts first (no Python), then the app;
// either may be null.
std::vector<std::unique_ptr<app::Handler>> make_handlers(wsgi::WsgiApp* app, const static_files::StaticFiles* statics);

// The parts of an exchange that outlive RequestHandler::begin() when an app answers later (the worker's ASGI path):
// the client a trusted proxy names, the sink, and the exchange itself.
struct HeldExchange {
  ForwardedClient forwarded;
  std::optional<ResponseWriter> writer;
  std::optional<app::Exchange> exchange;
};

class RequestHandler {
 public:
  RequestHandler(std::vector<std::unique_ptr<app::Handler>> handlers, ForwardedTrust trust);

  // Appends the response to `out`; large bodies and files go through `transport` (after what `out` held).
  // `body`: the request's streamed body, or null when the parser buffered it. `draining`: the server is
  // stopping, answer with Connection: close. A request no handler takes is a 404.
  Outcome handle(const http::Request& request, app::RequestBody* body, const Peer& peer, bool draining,
                 std::string& out, Transport& transport);

  // As handle(), with the sink and the exchange made in `held` and `later` given to the handlers; nullopt when no
  // handler took the request: `held.exchange` is then ready for an app that answers later.
  std::optional<Outcome> begin(const http::Request& request, app::RequestBody* body, const Peer& peer, bool draining,
                               std::string& out, Transport& transport, HeldExchange& held, app::Completion* later);

 private:
  std::vector<std::unique_ptr<app::Handler>> handlers_;
  ForwardedTrust trust_;
};

}  // namespace deployctl::gateway::server
