// The RFC 6455 vocabulary shared by the reader, the writer and their users: opcodes, close codes, and how a
// connection fails (the close code to send and a short reason for the log and the close frame).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace deployctl::gateway::websocket {

enum class Opcode : std::uint8_t { continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA };

// Control frames (close, ping, pong) have the opcode's high bit set (RFC 6455 §5.5).
constexpr bool is_control(std::uint8_t opcode) noexcept { return (opcode & 0x8) != 0; }

// Close codes this library sends or has to recognise (RFC 6455 §7.4.1).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;  // never on the wire: "the close frame had no code"
inline constexpr std::uint16_t abnormal = 1006;   // never on the wire: "the connection dropped without a close"
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t internal_error = 1011;
}  // namespace close_code

// A control frame's payload is at most 125 bytes (RFC 6455 §5.5).
inline constexpr std::size_t max_control_payload = 125;

// Why the peer's bytes cannot go on: the connection sends a close frame with `code` (and `reason`, a static
// string of at most 123 bytes) and closes. code 0: no failure.
struct Failure {
  std::uint16_t code = 0;
  std::string_view reason;
};

}  // namespace deployctl::gateway::websocket
