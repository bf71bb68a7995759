// Opening handshake checks, in the order RFC 6455 §4.2.1 lists the request's requirements.
#include "gateway/websocket/handshake.hpp"

#include "gateway/http/char_classes.hpp"
#include "gateway/websocket/accept_key.hpp"

namespace deployctl::gateway::websocket {

namespace {

// Every line of field `name` parsed as a token list; false if one does not parse.
bool tokens_of(std::span<const HeaderField> headers, std::string_view name, std::vector<std::string_view>& tokens) {
  for (const auto& h : headers)
    if (http::equals_ignore_case(h.name, name) && !parse_token_list(h.value, tokens)) return false;
  return true;
}

// The one line of field `name`; count says how many there were.
std::string_view single(std::span<const HeaderField> headers, std::string_view name, int& count) {
  std::string_view value;
  count = 0;
  for (const auto& h : headers) {
    if (!http::equals_ignore_case(h.name, name)) continue;
    value = h.value;
    ++count;
  }
  return value;
}

HandshakeResult refuse(std::string_view reason, int status = 400) {
  HandshakeResult result;
  result.refusal = {status, reason, status == 426 ? "13" : ""};
  return result;
}

}  // namespace

bool wants_websocket(std::span<const HeaderField> headers) {
  std::vector<std::string_view> upgrade;
  tokens_of(headers, "upgrade", upgrade);
  return has_token(upgrade, "websocket");
}

HandshakeResult accept_handshake(const HandshakeRequest& request) {
  if (request.method != "GET") return refuse("a WebSocket opening handshake must be a GET request");
  if (request.http_major < 1 || (request.http_major == 1 && request.http_minor < 1))
    return refuse("a WebSocket opening handshake needs HTTP/1.1");
  std::vector<std::string_view> tokens;
  if (!tokens_of(request.headers, "upgrade", tokens) || !has_token(tokens, "websocket"))
    return refuse("the Upgrade header does not list websocket");
  tokens.clear();
  if (!tokens_of(request.headers, "connection", tokens) || !has_token(tokens, "upgrade"))
    return refuse("the Connection header does not list upgrade");
  int count = 0;
  const std::string_view version = single(request.headers, "sec-websocket-version", count);
  if (count == 0) return refuse("no Sec-WebSocket-Version header");
  if (count > 1 || version != "13") return refuse("only WebSocket version 13 is supported", 426);
  const std::string_view key = single(request.headers, "sec-websocket-key", count);
  if (count != 1 || !is_valid_client_key(key))
    return refuse("Sec-WebSocket-Key must be one header, the base64 of 16 bytes");
  HandshakeResult result;
  result.accepted = true;
  Handshake& handshake = result.handshake;
  if (!tokens_of(request.headers, "sec-websocket-protocol", handshake.subprotocols))
    return refuse("Sec-WebSocket-Protocol is not a list of tokens");
  for (const auto& h : request.headers)
    if (http::equals_ignore_case(h.name, "sec-websocket-extensions") &&
        !parse_extension_offers(h.value, handshake.extensions))
      return refuse("Sec-WebSocket-Extensions does not follow its grammar");
  handshake.accept = accept_value(key);
  return result;
}

std::string switching_protocols_head(std::string_view accept, std::string_view subprotocol, std::string_view extensions,
                                     std::span<const HeaderField> extra) {
  std::string head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
  head.append("Sec-WebSocket-Accept: ").append(accept).append("\r\n");
  if (!subprotocol.empty()) head.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
  if (!extensions.empty()) head.append("Sec-WebSocket-Extensions: ").append(extensions).append("\r\n");
  for (const auto& h : extra) head.append(h.name).append(": ").append(h.value).append("\r\n");
  head.append("\r\n");
  return head;
}

}  // namespace deployctl::gateway::websocket
