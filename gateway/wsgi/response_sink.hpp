// Where the WSGI layer sends a response: the server writes it to a socket, the unit tests to a string.
// Every call happens with the GIL held; a sink that blocks on a socket releases it itself (GilReleased).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "gateway/wsgi/request_view.hpp"

namespace deployctl::gateway::wsgi {

struct ResponseStart {
  int status = 200;
  std::string_view status_line;         // "200 OK", as the app gave it
  std::span<const HeaderView> headers;  // as the app gave them (latin-1 bytes)
  // The body's length when the WSGI layer knows it in advance (a list result, a file), for framing when the app
  // set no Content-Length; nullopt for a stream.
  std::optional<std::uint64_t> body_length;
};

class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // The head, once, before any body. False: the head was refused (a header with CR or LF, a bad status) and
  // nothing was sent; the WSGI layer then answers 500 through begin_error().
  virtual bool begin(const ResponseStart& start) = 0;
  // A 500 answer for an app that failed before sending its head.
  virtual void begin_error() = 0;
  // Body bytes; false when the client is gone (the app's iteration then stops).
  virtual bool write(std::string_view data) = 0;
  // `count` bytes of an open file from `offset` (sendfile); false when the client is gone.
  virtual bool send_file(int fd, std::uint64_t offset, std::uint64_t count) = 0;
  // The response is complete (chunked framing ends here). `aborted`: the app failed after its head was sent;
  // the connection must be closed rather than reused.
  virtual void end(bool aborted) = 0;
};

}  // namespace deployctl::gateway::wsgi
