// What the WSGI layer needs of one parsed request: views into the server's buffers, valid while the app runs.
// The WSGI handler fills it from the exchange; the unit tests fill it by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "gateway/app/request_body.hpp"
#include "gateway/http/request.hpp"

namespace deployctl::gateway::wsgi {

// Headers as received (names with '_' already dropped by the parser) or as the app gave them.
using HeaderView = http::Header;
// The request body: in memory, or spilled to a temporary file read with pread from offset 0.
using BodyView = http::Body;

// The listener a request came in on: SERVER_NAME and SERVER_PORT.
struct ServerAddress {
  std::string_view name;  // "127.0.0.1", "::1", or the unix socket's path
  std::string_view port;  // "8000"; "" for a unix socket
};

struct RequestView {
  std::string_view method;
  std::string_view target;  // the raw request-target, for log lines
  std::string_view path;    // percent-decoded path bytes (PATH_INFO before latin-1)
  std::string_view query;   // raw query string, without '?'
  int http_minor = 1;       // HTTP/1.<minor>
  std::span<const HeaderView> headers;
  std::optional<std::uint64_t> content_length;  // CONTENT_LENGTH: the header's, or the de-chunked body's size
  BodyView body;
  app::RequestBody* body_stream = nullptr;  // where a streamed body (body.streamed) is read from
  std::string_view remote_addr;             // after --forwarded-allow-ips processing
  std::string_view remote_port;
  bool https = false;  // wsgi.url_scheme
  ServerAddress server;
};

}  // namespace deployctl::gateway::wsgi
