// The byte-by-byte frame header state machine and in-place unmasking.
//
// Non-minimal length encodings are refused (1002). RFC 6455 §5.2 says "the minimal number of bytes MUST be used to
// encode the length", so a frame that uses 126 for a length below 126, or 127 for one below 65536, breaks a MUST
// of the sender's; §5.2 and §7.1.7 let the receiver fail the connection on any such frame. No client library
// sends them (browsers, websockets, wsproto, Autobahn's fuzzing client all encode minimally, and Autobahn has no
// case that sends one), wsproto refuses them too, and accepting them would only give hostile clients more ways to
// spell one frame. The 64-bit length must have its most significant bit clear (§5.2), also 1002.
#include "gateway/websocket/frame_parser.hpp"

#include <algorithm>
#include <cstring>

namespace deployctl::gateway::websocket {

void FrameParser::unmask(char* p, std::size_t size, std::size_t phase) const noexcept {
  std::size_t i = 0;
  if (size >= 16) {
    // Eight bytes at a time with the key turned to the payload's phase; eight is a multiple of the key's four bytes,
    // so the phase is the same after every word.
    unsigned char key[8];
    for (std::size_t k = 0; k < 8; ++k) key[k] = mask_[(phase + k) & 3];
    std::uint64_t word_key;
    std::memcpy(&word_key, key, 8);
    for (; i + 8 <= size; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      word ^= word_key;
      std::memcpy(p + i, &word, 8);
    }
  }
  for (; i < size; ++i) p[i] = static_cast<char>(static_cast<unsigned char>(p[i]) ^ mask_[(phase + i) & 3]);
}

FrameParser::Step FrameParser::fail(char* at, std::string_view reason) noexcept {
  state_ = State::failed;
  failure_ = {close_code::protocol_error, reason};
  return {Event::failed, at, {}};
}

FrameParser::Step FrameParser::header_parsed(char* next) noexcept {
  payload_left_ = header_.length;
  payload_offset_ = 0;
  state_ = header_.length == 0 ? State::end : State::payload;
  return {Event::header, next, {}};
}

FrameParser::Step FrameParser::step(char* p, char* end) noexcept {
  while (true) {
    switch (state_) {
      case State::failed: return {Event::failed, p, {}};
      case State::end: state_ = State::first; return {Event::frame_end, p, {}};
      case State::payload: {
        if (p == end) return {Event::need_more, p, {}};
        const auto available = static_cast<std::uint64_t>(end - p);
        const auto size = static_cast<std::size_t>(std::min(available, payload_left_));
        unmask(p, size, static_cast<std::size_t>(payload_offset_ & 3));
        payload_left_ -= size;
        payload_offset_ += size;
        if (payload_left_ == 0) state_ = State::end;
        return {Event::payload, p + size, std::string_view(p, size)};
      }
      default: break;
    }
    if (p == end) return {Event::need_more, p, {}};
    const auto c = static_cast<unsigned char>(*p);
    char* const at = p++;
    switch (state_) {
      case State::first: {
        header_ = {};
        header_.fin = (c & 0x80) != 0;
        header_.rsv1 = (c & 0x40) != 0;
        header_.opcode = c & 0x0F;
        if ((c & 0x30) != 0) return fail(at, "reserved bit RSV2 or RSV3 set");
        if (header_.rsv1 && !rsv1_allowed_) return fail(at, "reserved bit RSV1 set without an extension");
        if ((header_.opcode > 0x2 && header_.opcode < 0x8) || header_.opcode > 0xA) return fail(at, "reserved opcode");
        if (is_control(header_.opcode) && !header_.fin) return fail(at, "fragmented control frame");
        if (is_control(header_.opcode) && header_.rsv1) return fail(at, "RSV1 set on a control frame");
        state_ = State::second;
        break;
      }
      case State::second: {
        if ((c & 0x80) == 0) return fail(at, "unmasked client frame");
        const unsigned length7 = c & 0x7F;
        if (is_control(header_.opcode) && length7 > max_control_payload)
          return fail(at, "control frame payload over 125 bytes");
        mask_bytes_ = 0;
        if (length7 < 126) {
          header_.length = length7;
          state_ = State::mask;
        } else {
          length_size_ = length_bytes_ = length7 == 126 ? 2 : 8;
          header_.length = 0;
          state_ = State::length;
        }
        break;
      }
      case State::length: {
        if (length_size_ == 8 && length_bytes_ == 8 && (c & 0x80) != 0)
          return fail(at, "64-bit payload length with its most significant bit set");
        header_.length = (header_.length << 8) | c;
        if (--length_bytes_ == 0) {
          const std::uint64_t smallest = length_size_ == 2 ? 126 : 65536;
          if (header_.length < smallest) return fail(at, "payload length not in its minimal encoding");
          state_ = State::mask;
        }
        break;
      }
      case State::mask: {
        mask_[mask_bytes_++] = c;
        if (mask_bytes_ == 4) return header_parsed(p);
        break;
      }
      default: break;
    }
  }
}

}  // namespace deployctl::gateway::websocket
