// permessage-deflate's compression of one connection (RFC 7692 §7.2) on zlib's raw deflate: a Deflater for the
// messages we send and an Inflater for those we receive, each keeping its window between messages ("context
// takeover") or resetting after each. zlib's state is allocated on first use, so an idle connection costs nothing.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace deployctl::gateway::websocket {

class Deflater {
 public:
  // window_bits 8..15 as negotiated (server_max_window_bits); level and mem_level as zlib's.
  Deflater(int window_bits, bool no_context_takeover, int level = 6, int mem_level = 8) noexcept;
  ~Deflater();
  Deflater(Deflater&&) noexcept;
  Deflater& operator=(Deflater&&) noexcept;

  // Appends one whole message compressed, flushed to a byte boundary and without the final 00 00 FF FF (§7.2.1): the
  // payload of a frame with RSV1 set. An empty message gives the single byte 00 (§7.2.3.6).
  void compress(std::string_view message, std::string& out);

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
  int window_bits_, level_, mem_level_;
  bool no_context_takeover_;
};

class Inflater {
 public:
  // window_bits 8..15 as negotiated (client_max_window_bits).
  Inflater(int window_bits, bool no_context_takeover) noexcept;
  ~Inflater();
  Inflater(Inflater&&) noexcept;
  Inflater& operator=(Inflater&&) noexcept;

  enum class Result { ok, too_big, invalid };
  // Inflates a piece of a compressed message, appending to `out`, which may hold at most `limit` bytes: too_big as
  // soon as the output would pass it (out then holds limit + 1 bytes at most, whatever the input inflates to);
  // invalid when the data is not deflate.
  Result inflate(std::string_view piece, std::string& out, std::size_t limit);
  // The message's end: inflates the 00 00 FF FF that the sender removed (§7.2.2) and readies the next message.
  Result finish(std::string& out, std::size_t limit);

 private:
  struct Stream;
  Result run(std::string_view piece, std::string& out, std::size_t limit);
  std::unique_ptr<Stream> stream_;
  int window_bits_;
  bool no_context_takeover_;
};

}  // namespace deployctl::gateway::websocket
