// A request body the app pulls from the connection as it reads it, instead of one the parser buffered: the bytes
// that arrived with the head first, then the socket. The WSGI input reads through it with the GIL released.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"

namespace deployctl::gateway::http {

class BodySource {
 public:
  virtual ~BodySource() = default;
  // The body bytes available now without consuming them, waiting for at least one unless the body is over (then
  // empty). An error says why the rest cannot come: the client went away, stalled, or is slower than allowed.
  virtual Result<std::string_view> peek() = 0;
  // Marks the first `count` bytes of the last peek() as read.
  virtual void consume(std::size_t count) = 0;
  // Body bytes the app has not read yet.
  virtual std::uint64_t left() const noexcept = 0;
};

}  // namespace deployctl::gateway::http
