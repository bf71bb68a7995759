// Server frame encoding.
#include "gateway/websocket/frame_writer.hpp"

#include <algorithm>

#include "gateway/websocket/close_payload.hpp"

namespace deployctl::gateway::websocket {

void append_frame_header(std::string& out, Opcode opcode, std::uint64_t length, bool fin, bool rsv1) {
  char header[10];
  std::size_t size = 2;
  header[0] = static_cast<char>((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | static_cast<unsigned>(opcode));
  if (length < 126) {
    header[1] = static_cast<char>(length);
  } else if (length <= 0xFFFF) {
    header[1] = 126;
    header[2] = static_cast<char>(length >> 8);
    header[3] = static_cast<char>(length & 0xFF);
    size = 4;
  } else {
    header[1] = 127;
    for (int i = 0; i < 8; ++i) header[2 + i] = static_cast<char>((length >> (56 - 8 * i)) & 0xFF);
    size = 10;
  }
  out.append(header, size);
}

void append_frame(std::string& out, Opcode opcode, std::string_view payload, bool fin, bool rsv1) {
  append_frame_header(out, opcode, payload.size(), fin, rsv1);
  out.append(payload);
}

void append_close_frame(std::string& out, std::uint16_t code, std::string_view reason) {
  append_frame(out, Opcode::close, make_close_payload(code, reason));
}

void append_message(std::string& out, Opcode opcode, std::string_view message, std::size_t fragment_size,
                    Deflater* deflater) {
  std::string compressed;
  if (deflater) {
    deflater->compress(message, compressed);
    message = compressed;
  }
  if (fragment_size == 0) fragment_size = std::max<std::size_t>(message.size(), 1);
  std::size_t at = 0;
  bool first = true;
  do {
    const std::size_t size = std::min(fragment_size, message.size() - at);
    const bool fin = at + size == message.size();
    append_frame(out, first ? opcode : Opcode::continuation, message.substr(at, size), fin, first && deflater);
    at += size;
    first = false;
  } while (at < message.size());
}

}  // namespace deployctl::gateway::websocket
