// Close payloads in and out.
#include "gateway/websocket/close_payload.hpp"

#include "gateway/websocket/utf8_validator.hpp"

namespace deployctl::gateway::websocket {

bool is_valid_close_code(std::uint16_t code) noexcept {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

std::expected<ClosePayload, Failure> parse_close_payload(std::string_view payload) noexcept {
  if (payload.empty()) return ClosePayload{};
  if (payload.size() == 1) return std::unexpected(Failure{close_code::protocol_error, "close frame of one byte"});
  const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                               static_cast<unsigned char>(payload[1]));
  if (!is_valid_close_code(code)) return std::unexpected(Failure{close_code::protocol_error, "invalid close code"});
  const std::string_view reason = payload.substr(2);
  if (!is_valid_utf8(reason)) return std::unexpected(Failure{close_code::invalid_payload, "close reason not UTF-8"});
  return ClosePayload{code, reason};
}

std::string make_close_payload(std::uint16_t code, std::string_view reason) {
  if (code == close_code::no_status) return {};
  constexpr std::size_t max_reason = max_control_payload - 2;
  if (reason.size() > max_reason) {
    std::size_t cut = max_reason;
    // Back up over continuation bytes (10xxxxxx) to the lead byte of the character the limit falls in.
    while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
    reason = reason.substr(0, cut);
  }
  std::string payload;
  payload.reserve(2 + reason.size());
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason);
  return payload;
}

}  // namespace deployctl::gateway::websocket
