// The server's side of permessage-deflate's negotiation (RFC 7692 §5, §7.1): picks the first acceptable offer of
// the client's Sec-WebSocket-Extensions and writes the response's parameters.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/websocket/header_lists.hpp"

namespace deployctl::gateway::websocket {

// What the server would like (the future --ws-* options). Window sizes are in bits, 8 to 15.
struct DeflateConfig {
  bool server_no_context_takeover = false;  // reset our compressor after each message (no window kept between)
  int server_max_window_bits = 15;          // our compressor's window, at most
  bool client_no_context_takeover = false;  // ask the client to reset its compressor after each message
  int client_max_window_bits = 15;          // the client's window we ask for, when the offer lets us choose
};

// The agreed parameters: what our compressor (server_*) and decompressor (client_*) use.
struct DeflateParameters {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  int server_max_window_bits = 15;
  int client_max_window_bits = 15;
};

struct DeflateAgreement {
  DeflateParameters parameters;
  std::string response;  // the Sec-WebSocket-Extensions element of the 101 response
};

// The first permessage-deflate offer that can be accepted, or none. An offer is declined (§7.1) when it has an
// unknown parameter, one twice, or an invalid value: a value on a *_no_context_takeover, a window size outside
// "8".."15" (decimal, no leading zero, quoted or not), server_max_window_bits without a value.
std::optional<DeflateAgreement> negotiate_deflate(const std::vector<ExtensionOffer>& offers,
                                                  const DeflateConfig& config);

}  // namespace deployctl::gateway::websocket
