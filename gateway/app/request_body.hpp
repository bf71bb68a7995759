// A streamed request body, pulled by the handler as it reads: the bytes that came with the head first, then the
// connection. The connection layer makes one per request whose body it did not buffer (server/socket_body_source);
// WSGI's wsgi.input reads through it with the GIL released, and an event-driven adapter would turn each pull into
// a body event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/error.hpp"

namespace deployctl::gateway::app {

class RequestBody {
 public:
  virtual ~RequestBody() = default;
  // The body bytes available now without consuming them, waiting for at least one unless the body is over (then
  // empty). An error says why the rest cannot come: the client went away, stalled, or is slower than allowed.
  virtual Result<std::string_view> peek() = 0;
  // As peek(), without waiting: nullopt when no byte has arrived yet (an event-driven handler then waits for the
  // connection to be readable and asks again).
  virtual Result<std::optional<std::string_view>> try_peek() = 0;
  // Marks the first `count` bytes of the last peek() as read.
  virtual void consume(std::size_t count) = 0;
  // Body bytes the handler has not read yet; at least 1 while a body of unknown length (chunked) has not ended.
  virtual std::uint64_t left() const noexcept = 0;
  // After an error: the status the server answers with when the body itself was refused (a chunked body over
  // --limit-request-body, broken chunk framing), or 0 when the client went away or stalled.
  virtual int refused_with() const noexcept { return 0; }
  // All of the body has arrived (what the handler has not read is buffered), so the connection can go on after the
  // response whether the handler reads it or not.
  virtual bool arrived() const { return left() == 0; }
  // After the response: drops what is left of the body when all of it has already arrived, so that the connection
  // can serve the next request; false when some of it is still on the way (the connection then ends).
  virtual bool skip_arrived() { return false; }
};

}  // namespace deployctl::gateway::app
