// One parsed HTTP/1.x request as the parser hands it over: views into the parser's buffers, shaped so the WSGI
// layer can build an environ without copying or re-parsing anything.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "gateway/http/char_classes.hpp"  // equals_ignore_case

namespace deployctl::gateway::http {

// A header as received (request) or as the app gave it (response). Names keep the case the peer sent.
struct Header {
  std::string_view name;
  std::string_view value;
};

// The request body after de-chunking: either in memory or in an unlinked temporary file (past
// Limits::body_in_memory). `size` is always the final length, so CONTENT_LENGTH can be set from it.
struct Body {
  std::string_view memory;  // the whole body when fd < 0
  int fd = -1;              // >= 0: the body is in this file, `size` bytes from offset 0 (read it with pread);
                            // owned by the parser, never close it
  std::uint64_t size = 0;
  // Streamed (Limits::stream_bodies): none of it is buffered (memory empty, fd -1); the connection layer hands
  // the handler an app::RequestBody that reads its `size` bytes as the handler pulls them (a streamed chunked
  // body's size is unknown: 0 here, and no content_length).
  bool streamed = false;
};

// Lifetime: every view (strings, headers, body) points into the RequestParser that produced the request and
// stays valid until that parser's next(), reset() or destruction. Copy what must outlive the request.
struct Request {
  std::string_view method;  // "GET", as sent: any token (RFC 9110 §9.1), not only the methods llhttp knows
  std::string_view target;  // the raw request-target: "/a%20b?x=1", "http://host/p?q" (absolute-form) or "*"
  std::string_view path;    // the target's path, percent-decoded to raw bytes (PATH_INFO before latin-1);
                            // no query, no fragment; for absolute-form the path after the authority ("/" if none)
  std::string_view query;   // raw bytes after the first '?', without it and without any fragment; "" if none
  int http_minor = 1;       // HTTP/1.<minor>: 0 or 1 (1.2-1.9 are answered as 1.1; other majors are rejected)
  // In arrival order; names containing '_' were dropped. With an absolute-form target the Host header's value is
  // the target's authority (added as "Host" when the request had none): RFC 9112 §3.2.2.
  std::span<const Header> headers;
  // CONTENT_LENGTH: the declared Content-Length, or for a chunked body the de-chunked size; nullopt when the
  // request has no body framing at all (then the body is empty).
  std::optional<std::uint64_t> content_length;
  bool chunked = false;          // the body came with Transfer-Encoding: chunked (already de-chunked in `body`)
  bool keep_alive = true;        // the client allows another request on this connection (HTTP/1.1 unless
                                 // "Connection: close"; HTTP/1.0 only with "Connection: keep-alive"); false too for
                                 // Upgrade and CONNECT requests, after which the parser stops reading
  bool expect_continue = false;  // HTTP/1.1 "Expect: 100-continue" (ignored on HTTP/1.0, as RFC 9110 says)
  Body body;

  bool is_head() const noexcept { return method == "HEAD"; }
  // The first header with this name (ASCII case-insensitive), or nullopt. Linear: requests have few headers.
  std::optional<std::string_view> header(std::string_view name) const noexcept;
};

}  // namespace deployctl::gateway::http
