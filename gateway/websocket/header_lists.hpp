// The list grammars of the handshake's header fields (RFC 9110 §5.6): comma-separated tokens (Connection, Upgrade,
// Sec-WebSocket-Protocol) and extension offers with parameters (Sec-WebSocket-Extensions, RFC 6455 §9.1). A field
// given on several lines is the concatenation of its lines with commas, so each function appends to its output.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deployctl::gateway::websocket {

// Appends the tokens of a comma-separated list; empty elements (", ,") are skipped as RFC 9110 §5.6.1 asks. false
// (output unspecified) when an element is not a token.
bool parse_token_list(std::string_view value, std::vector<std::string_view>& tokens);

// `token` is one of the list's, compared case-insensitively (for Connection and Upgrade).
bool has_token(const std::vector<std::string_view>& tokens, std::string_view token) noexcept;

struct ExtensionParam {
  std::string name;
  std::optional<std::string> value;  // unquoted; none when the parameter has no "="
};
struct ExtensionOffer {
  std::string name;
  std::vector<ExtensionParam> params;
};

// Appends the extensions of a Sec-WebSocket-Extensions value: `name *( ";" param )` elements, a param being
// `token [ "=" ( token / quoted-string ) ]`. false when the value does not follow that grammar.
bool parse_extension_offers(std::string_view value, std::vector<ExtensionOffer>& offers);

}  // namespace deployctl::gateway::websocket
