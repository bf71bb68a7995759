// SHA-1 and base64 from nettle (GnuTLS's crypto library): its sha1 and base64 add about 40 KB to the binary, where
// libcrypto.a's SHA1() pulls in OpenSSL's provider machinery (4.4 MB) and libcrypto.so would be one more shared
// library for every `deployctl` run to load.
#include "gateway/websocket/accept_key.hpp"

#include <nettle/base64.h>
#include <nettle/sha1.h>

#include <cstdint>

namespace deployctl::gateway::websocket {

namespace {

constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool is_base64_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

}  // namespace

bool is_valid_client_key(std::string_view key) noexcept {
  // 16 bytes: 5 groups of 3 (20 characters) and one byte left, written as two characters and "==".
  if (key.size() != 24 || key.substr(22) != "==") return false;
  for (std::size_t i = 0; i < 22; ++i)
    if (!is_base64_char(key[i])) return false;
  return true;
}

std::string accept_value(std::string_view key) {
  sha1_ctx context;
  sha1_init(&context);
  sha1_update(&context, key.size(), reinterpret_cast<const std::uint8_t*>(key.data()));
  sha1_update(&context, websocket_guid.size(), reinterpret_cast<const std::uint8_t*>(websocket_guid.data()));
  std::uint8_t digest[SHA1_DIGEST_SIZE];
  sha1_digest(&context, SHA1_DIGEST_SIZE, digest);
  std::string encoded(BASE64_ENCODE_RAW_LENGTH(SHA1_DIGEST_SIZE), '\0');
  base64_encode_raw(encoded.data(), SHA1_DIGEST_SIZE, digest);
  return encoded;
}

}  // namespace deployctl::gateway::websocket
