// The payload of a close frame (RFC 6455 §5.5.1, §7.4): empty, or a 2-byte code and a UTF-8 reason. Parses the
// peer's, with the codes a peer may send, and builds ours.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "gateway/websocket/protocol.hpp"

namespace deployctl::gateway::websocket {

struct ClosePayload {
  std::uint16_t code = close_code::no_status;  // no_status: the frame carried no code
  std::string_view reason;                     // UTF-8, inside the parsed payload
};

// A code a peer may put in a close frame: 1000-1003 and 1007-1011 (§7.4.1, 1011 as IANA registered it), and
// 3000-4999 (libraries, frameworks, applications). 1004 is reserved, 1005, 1006 and 1015 must never be sent; 0-999
// and 1012-2999 are not codes a client has reason to send (1012-1014, registered later, describe a server's
// state); 5000 and above do not exist.
bool is_valid_close_code(std::uint16_t code) noexcept;

// The peer's close payload, or the failure that answers it: one byte, or an invalid code (1002); a reason that is
// not UTF-8 (1007).
std::expected<ClosePayload, Failure> parse_close_payload(std::string_view payload) noexcept;

// Our close payload: the code and as much of `reason` as fits in a control frame (123 bytes), cut on a character
// boundary. code no_status: an empty payload.
std::string make_close_payload(std::uint16_t code, std::string_view reason = {});

}  // namespace deployctl::gateway::websocket
