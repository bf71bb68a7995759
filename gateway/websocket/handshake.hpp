// The server's side of the opening handshake (RFC 6455 §4.2): judges an upgrade request and, when it is one,
// gives what the app's scope needs (subprotocols, extension offers) and what the 101 response needs (the accept
// value); when it is not, the HTTP error to answer with.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/websocket/header_lists.hpp"

namespace deployctl::gateway::websocket {

struct HeaderField {
  std::string_view name;  // any case
  std::string_view value;
};

struct HandshakeRequest {
  std::string_view method;
  int http_major = 1;
  int http_minor = 1;
  std::span<const HeaderField> headers;
};

// The request asks for a WebSocket: its Upgrade field lists "websocket". Such a request is then judged by
// accept_handshake; any other goes to the app as plain HTTP.
bool wants_websocket(std::span<const HeaderField> headers);

struct Handshake {
  std::string accept;                          // Sec-WebSocket-Accept
  std::vector<std::string_view> subprotocols;  // Sec-WebSocket-Protocol, in the client's order (views into headers)
  std::vector<ExtensionOffer> extensions;      // Sec-WebSocket-Extensions, in the client's order
};

struct HandshakeRefusal {
  int status = 400;                 // 400, or 426 for a version other than 13
  std::string_view reason;          // for the log and the response body
  std::string_view version_header;  // "13" for 426: sent as Sec-WebSocket-Version
};

struct HandshakeResult {
  bool accepted = false;
  Handshake handshake;       // when accepted
  HandshakeRefusal refusal;  // when not
};

// Judges an upgrade request: GET over HTTP/1.1 or later; Upgrade lists websocket and Connection lists upgrade
// (token-wise, any case); exactly one Sec-WebSocket-Version, "13" (426 with Sec-WebSocket-Version: 13 otherwise);
// exactly one Sec-WebSocket-Key, the base64 of 16 bytes; Sec-WebSocket-Protocol a token list and
// Sec-WebSocket-Extensions an extension list, on one or several lines.
HandshakeResult accept_handshake(const HandshakeRequest& request);

// The 101 response's head: Upgrade, Connection, Sec-WebSocket-Accept, the chosen subprotocol and extensions when
// there are, then `extra` (the app's headers, already checked by the caller) and the blank line.
std::string switching_protocols_head(std::string_view accept, std::string_view subprotocol, std::string_view extensions,
                                     std::span<const HeaderField> extra = {});

}  // namespace deployctl::gateway::websocket
