// Fuzz target: any bytes as the header fields of a WebSocket upgrade request (lines "name: value", the first line
// the method), judged by gateway/websocket's handshake, with permessage-deflate negotiated on what it accepts. It must
// never crash; an accepted handshake has a 28-character accept value; a refusal is 400, or 426 with the version to
// use; an agreement's windows are 8 to 15 bits, and its response, read back as an offer, is accepted with the same
// parameters (the client can take what we answer).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/websocket/deflate_negotiation.hpp"
#include "gateway/websocket/handshake.hpp"
#include "gateway/websocket/header_lists.hpp"

namespace {

using namespace deployctl::gateway::websocket;

void require(bool condition) {
  if (!condition) std::abort();
}

bool same(const DeflateParameters& a, const DeflateParameters& b) {
  return a.server_no_context_takeover == b.server_no_context_takeover &&
         a.client_no_context_takeover == b.client_no_context_takeover &&
         a.server_max_window_bits == b.server_max_window_bits && a.client_max_window_bits == b.client_max_window_bits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // Byte 0: the server's deflate preferences (bits 0-1 context takeover, bits 2-4 and 5-7 window sizes 8 + n).
  DeflateConfig config;
  config.server_no_context_takeover = (data[0] & 1) != 0;
  config.client_no_context_takeover = (data[0] & 2) != 0;
  config.server_max_window_bits = 8 + ((data[0] >> 2) & 7);
  config.client_max_window_bits = 8 + ((data[0] >> 5) & 7);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at <= text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  std::vector<HeaderField> headers;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::size_t colon = lines[i].find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = lines[i].substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.push_back({lines[i].substr(0, colon), value});
  }
  const HandshakeResult result = accept_handshake({lines[0], 1, 1, headers});
  (void)wants_websocket(headers);
  if (!result.accepted) {
    require(result.refusal.status == 400 || result.refusal.status == 426);
    require(!result.refusal.reason.empty());
    require((result.refusal.status == 426) == (result.refusal.version_header == "13"));
    return 0;
  }
  require(result.handshake.accept.size() == 28);
  const auto agreement = negotiate_deflate(result.handshake.extensions, config);
  if (!agreement) return 0;
  const DeflateParameters& p = agreement->parameters;
  require(p.server_max_window_bits >= 8 && p.server_max_window_bits <= 15);
  require(p.client_max_window_bits >= 8 && p.client_max_window_bits <= 15);
  std::vector<ExtensionOffer> echoed;
  require(parse_extension_offers(agreement->response, echoed) && echoed.size() == 1);
  const auto again = negotiate_deflate(echoed, config);
  require(again.has_value() && same(again->parameters, p));
  return 0;
}
