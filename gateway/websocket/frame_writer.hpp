// Frames the server sends (RFC 6455 §5.2): never masked, lengths in their minimal encoding, data messages optionally
// split into fragments and compressed (RFC 7692: RSV1 on the first fragment only). Appends to the connection's
// output buffer; no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/websocket/deflate_stream.hpp"
#include "gateway/websocket/protocol.hpp"

namespace deployctl::gateway::websocket {

// One frame header for a payload of `length` bytes (the payload itself follows, appended by the caller).
void append_frame_header(std::string& out, Opcode opcode, std::uint64_t length, bool fin = true, bool rsv1 = false);

// One whole frame. Control frames (ping, pong, close) must carry at most 125 bytes; the caller keeps to it.
void append_frame(std::string& out, Opcode opcode, std::string_view payload, bool fin = true, bool rsv1 = false);

// A close frame with `code` and as much of `reason` as fits (close_code::no_status: an empty close frame).
void append_close_frame(std::string& out, std::uint16_t code, std::string_view reason = {});

// A data message (text or binary) as frames of at most `fragment_size` payload bytes each (0: one frame), compressed
// first when `deflater` is given (it is then flagged RSV1 on its first frame).
void append_message(std::string& out, Opcode opcode, std::string_view message, std::size_t fragment_size = 0,
                    Deflater* deflater = nullptr);

}  // namespace deployctl::gateway::websocket
