// The application boundary: what the connection layer (gateway/server) hands a handler for one request, and the
// handler interface every feature that answers requests implements (static files, the WSGI adapter). The loop
// never sees what is behind it: a handler reads the head, pulls the body, and answers through the sink.
#pragma once

#include <string_view>

#include "gateway/app/request_body.hpp"
#include "gateway/app/response_sink.hpp"
#include "gateway/http/request.hpp"

namespace deployctl::gateway::app {

// The connection a request came in on.
struct Peer {
  std::string_view address;  // "127.0.0.1"; "" for a unix socket peer
  std::string_view port;
  bool unix_socket = false;
  bool trusted = false;          // a unix peer or one --forwarded-allow-ips lists (worked out once per connection)
  std::string_view server_name;  // the listener's, for SERVER_NAME / SERVER_PORT
  std::string_view server_port;
};

// The connection layer's side of an exchange that completes after handle() returns (an ASGI app that awaits).
class Completion {
 public:
  virtual ~Completion() = default;
  // The response has ended (the sink's end() was called): the connection may go on. Called once, with the GIL held
  // when the handler runs Python.
  virtual void completed() = 0;
  // The handler waits for more of a streamed body without blocking: the connection layer tells it when the
  // connection is readable (how is the handler's own interface: asgi::RunningCall::body_readable).
  virtual void wait_for_body() = 0;
  // The response's bytes the client has not taken yet are past the high-water mark: the handler should wait
  // (wait_for_drain) before it sends more.
  virtual bool congested() const = 0;
  // The handler waits until the client has taken most of them: the connection layer tells it when (how is the
  // handler's own interface: asgi::RunningCall::drained), or that the client left.
  virtual void wait_for_drain() = 0;
};

// One request and its answer. Views stay valid until the handler returns, or until `later->completed()` for a
// handler that answers later.
struct Exchange {
  const http::Request& request;  // the head; a buffered body is in request.body
  RequestBody* body;             // a streamed body, pulled as the handler reads; null when request.body holds it
  const Peer& peer;
  std::string_view client_address;  // the peer's, or what a trusted proxy named (--forwarded-allow-ips)
  bool https;                       // a trusted proxy said the client came over TLS
  ResponseSink& response;
  // Set by a connection layer that can wait (the worker's loop in ASGI mode): the handler may return true before
  // its response ends, and then calls later->completed() when it does. Null: handle() answers in full.
  Completion* later = nullptr;
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Answers through exchange.response (every answer reaches its end()) and returns true; or returns false having
  // touched nothing, when the request is not this handler's (a static mount that does not match).
  virtual bool handle(Exchange& exchange) = 0;
};

}  // namespace deployctl::gateway::app
