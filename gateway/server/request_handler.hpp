// Answers one parsed request: static files first (no Python), then the WSGI app. It is the seam the worker's
// event loop, the unit tests and the in-process benchmark share: respond_in_process() runs raw request bytes
// through the parser and this handler and returns the response bytes, with no socket at all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/http/request.hpp"
#include "gateway/http/request_parser.hpp"
#include "gateway/server/forwarded.hpp"
#include "gateway/server/transport.hpp"
#include "gateway/static/static_files.hpp"
#include "gateway/wsgi/wsgi_app.hpp"

namespace deployctl::gateway::server {

// The connection a request came in on.
struct Peer {
  std::string_view address;  // "127.0.0.1"; "" for a unix socket peer
  std::string_view port;
  bool unix_socket = false;
  bool trusted = false;          // a unix peer or one --forwarded-allow-ips lists (worked out once per connection)
  std::string_view server_name;  // the listener's, for SERVER_NAME / SERVER_PORT
  std::string_view server_port;
};

struct Outcome {
  int status = 0;
  std::uint64_t body_bytes = 0;
  bool keep_alive = false;  // the connection may carry another request
  bool python = false;      // the app answered (not a static file)
};

class RequestHandler {
 public:
  // `app` or `statics` may be null. `gil_between_requests`: the caller does not hold the GIL outside handle()
  // (a worker's event loop); false when it always does (tests, the benchmark).
  RequestHandler(wsgi::WsgiApp* app, const static_files::StaticFiles* statics, ForwardedTrust trust,
                 bool gil_between_requests);

  // Appends the response to `out`; large bodies and files go through `transport` (after what `out` held).
  // `draining`: the server is stopping, answer with Connection: close.
  Outcome handle(const http::Request& request, const Peer& peer, bool draining, std::string& out, Transport& transport);

 private:
  Outcome serve_static(const http::Request& request, bool keep_alive, std::string& out, Transport& transport);

  wsgi::WsgiApp* app_;
  const static_files::StaticFiles* statics_;
  ForwardedTrust trust_;
  bool gil_between_requests_;
  static_files::ResponsePlan plan_;
};

// Feeds `raw` (one or more pipelined requests) to a parser with `limits` and answers each in turn; a rejected
// request gets its error response and ends the exchange, as the connection would be closed.
std::string respond_in_process(RequestHandler& handler, std::string_view raw, const Peer& peer,
                               const http::Limits& limits = {});

}  // namespace deployctl::gateway::server
