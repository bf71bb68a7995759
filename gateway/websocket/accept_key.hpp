// The opening handshake's key check (RFC 6455 §4.2.1, §4.2.2): a Sec-WebSocket-Key must be the base64 of 16 bytes,
// and the server proves it read it with Sec-WebSocket-Accept = base64(SHA-1(key + the protocol's GUID)).
#pragma once

#include <string>
#include <string_view>

namespace deployctl::gateway::websocket {

// `key` is the base64 encoding (with padding) of exactly 16 bytes.
bool is_valid_client_key(std::string_view key) noexcept;

// The Sec-WebSocket-Accept value for `key`.
std::string accept_value(std::string_view key);

}  // namespace deployctl::gateway::websocket
