// Where a handler sends its response: the head, body chunks (bytes or a file's range) and the end. The connection
// layer's sink (server/response_writer) frames them and writes them to the client; a sink that blocks on a socket
// releases the GIL itself when its caller holds it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "gateway/http/request.hpp"

namespace deployctl::gateway::app {

struct ResponseStart {
  int status = 200;
  std::string_view status_line;           // "200 OK", as the app gave it
  std::span<const http::Header> headers;  // as the handler gave them (latin-1 bytes)
  // The body's length when the handler knows it in advance (a list result, a file), for framing when the app
  // set no Content-Length; nullopt for a stream.
  std::optional<std::uint64_t> body_length;
};

class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // The head, once, before any body. False: the head was refused (a header with CR or LF, a bad status) and
  // nothing was sent; the handler then answers 500 through begin_error().
  virtual bool begin(const ResponseStart& start) = 0;
  // A 500 answer for a handler that failed before sending its head; another error status for a request the server
  // refuses while the handler runs (a streamed chunked body over --limit-request-body: 413).
  virtual void begin_error(int status = 500) = 0;
  // Body bytes; false when the client is gone (the handler then stops).
  virtual bool write(std::string_view data) = 0;
  // Sends what is buffered now, so that the client sees a streamed part before the next one; false when the client
  // is gone. (write() alone sends when its buffer fills.)
  virtual bool push() = 0;
  // `count` bytes of an open file from `offset` (sendfile); false when the client is gone.
  virtual bool send_file(int fd, std::uint64_t offset, std::uint64_t count) = 0;
  // The response is complete (chunked framing ends here). `aborted`: the handler failed after its head was sent;
  // the connection must be closed rather than reused.
  virtual void end(bool aborted) = 0;
};

}  // namespace deployctl::gateway::app
