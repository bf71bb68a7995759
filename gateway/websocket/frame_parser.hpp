// Incremental parser of the frames a client sends (RFC 6455 §5.2): the header is taken a byte at a time, so reads may
// split it anywhere; payload bytes are unmasked in place in the caller's buffer and handed out as they arrive.
// Frame-level rules are judged at the byte that breaks them; message-level rules (continuations, sizes, UTF-8) are
// the MessageReader's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/websocket/protocol.hpp"

namespace deployctl::gateway::websocket {

struct FrameHeader {
  bool fin = false;
  bool rsv1 = false;  // "compressed" under permessage-deflate; refused unless the parser was told it may be set
  std::uint8_t opcode = 0;
  std::uint64_t length = 0;
};

class FrameParser {
 public:
  // rsv1_allowed: permessage-deflate was negotiated (RFC 7692 §6). RSV2 and RSV3 are never allowed.
  explicit FrameParser(bool rsv1_allowed = false) noexcept : rsv1_allowed_(rsv1_allowed) {}

  enum class Event : std::uint8_t {
    need_more,  // every byte up to `end` was consumed
    header,     // header() is the new frame's header; its payload follows
    payload,    // `payload` holds unmasked bytes of the current frame (never empty)
    frame_end,  // the current frame's payload is complete (also right after `header` for an empty payload)
    failed,     // failure() says why; the parser stays failed
  };
  struct Step {
    Event event;
    char* next;                // where to go on from
    std::string_view payload;  // Event::payload only: unmasked in place, inside [p, end)
  };
  // Parses from p; returns at the first event. Payload bytes are unmasked where they lie.
  Step step(char* p, char* end) noexcept;

  const FrameHeader& header() const noexcept { return header_; }
  const Failure& failure() const noexcept { return failure_; }

 private:
  enum class State : std::uint8_t { first, second, length, mask, payload, end, failed };
  Step fail(char* at, std::string_view reason) noexcept;
  Step header_parsed(char* next) noexcept;
  void unmask(char* p, std::size_t size, std::size_t phase) const noexcept;  // XOR with the key from `phase` on

  bool rsv1_allowed_;
  State state_ = State::first;
  FrameHeader header_;
  unsigned length_bytes_ = 0;  // extended length bytes still expected (2 or 8 at first)
  unsigned length_size_ = 0;   // 2 or 8: to judge the minimal encoding
  unsigned mask_bytes_ = 0;    // masking key bytes read so far
  unsigned char mask_[4] = {};
  std::uint64_t payload_left_ = 0;
  std::uint64_t payload_offset_ = 0;  // position in the frame's payload, for the masking key's phase
  Failure failure_;
};

}  // namespace deployctl::gateway::websocket
