// Acceptance rules of RFC 7692 §7.1, one parameter at a time:
// - server_no_context_takeover offered: we must include it (we can always comply); otherwise we include it when
//   configured.
// - client_no_context_takeover: the client will reset its context whether or not we echo it; we include it when
//   offered (so the decompressor can drop its window between messages) or when configured.
// - server_max_window_bits=N offered: our window is at most N, and the response says the window we use; not offered:
//   we may still announce a smaller window than 15.
// - client_max_window_bits offered (with a value or not): we may answer with any value up to the offered one (or
//   up to 15); not offered: we must not include it, and must be able to inflate a 15-bit window, so a configured
//   smaller client window is then only a wish and the offer is still accepted.
#include "gateway/websocket/deflate_negotiation.hpp"

#include <algorithm>
#include <string_view>

namespace deployctl::gateway::websocket {

namespace {

// "8".."15" exactly: RFC 7692 §7.1.2.1's ABNF allows no leading zero and no sign.
std::optional<int> window_bits(const std::string& value) {
  if (value.size() == 1 && value[0] >= '8' && value[0] <= '9') return value[0] - '0';
  if (value.size() == 2 && value[0] == '1' && value[1] >= '0' && value[1] <= '5') return 10 + (value[1] - '0');
  return std::nullopt;
}

struct Offer {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  std::optional<int> server_max_window_bits;
  bool client_max_window_bits = false;  // offered at all
  std::optional<int> client_max_window_bits_value;
};

std::optional<Offer> read_offer(const ExtensionOffer& extension) {
  Offer offer;
  bool seen[4] = {};
  for (const auto& param : extension.params) {
    if (param.name == "server_no_context_takeover" || param.name == "client_no_context_takeover") {
      const bool server = param.name[0] == 's';
      if (seen[server ? 0 : 1] || param.value) return std::nullopt;
      seen[server ? 0 : 1] = true;
      (server ? offer.server_no_context_takeover : offer.client_no_context_takeover) = true;
    } else if (param.name == "server_max_window_bits") {
      if (seen[2] || !param.value) return std::nullopt;
      seen[2] = true;
      offer.server_max_window_bits = window_bits(*param.value);
      if (!offer.server_max_window_bits) return std::nullopt;
    } else if (param.name == "client_max_window_bits") {
      if (seen[3]) return std::nullopt;
      seen[3] = true;
      offer.client_max_window_bits = true;
      if (param.value) {
        offer.client_max_window_bits_value = window_bits(*param.value);
        if (!offer.client_max_window_bits_value) return std::nullopt;
      }
    } else {
      return std::nullopt;
    }
  }
  return offer;
}

DeflateAgreement accept(const Offer& offer, const DeflateConfig& config) {
  DeflateAgreement agreement;
  DeflateParameters& p = agreement.parameters;
  std::string& r = agreement.response;
  r = "permessage-deflate";
  p.server_no_context_takeover = offer.server_no_context_takeover || config.server_no_context_takeover;
  if (p.server_no_context_takeover) r += "; server_no_context_takeover";
  p.client_no_context_takeover = offer.client_no_context_takeover || config.client_no_context_takeover;
  if (p.client_no_context_takeover) r += "; client_no_context_takeover";
  const int server_bits = std::clamp(config.server_max_window_bits, 8, 15);
  p.server_max_window_bits = std::min(offer.server_max_window_bits.value_or(15), server_bits);
  if (offer.server_max_window_bits || p.server_max_window_bits < 15)
    r += "; server_max_window_bits=" + std::to_string(p.server_max_window_bits);
  p.client_max_window_bits = 15;
  if (offer.client_max_window_bits) {
    const int client_bits = std::clamp(config.client_max_window_bits, 8, 15);
    p.client_max_window_bits = std::min(offer.client_max_window_bits_value.value_or(15), client_bits);
    if (offer.client_max_window_bits_value || p.client_max_window_bits < 15)
      r += "; client_max_window_bits=" + std::to_string(p.client_max_window_bits);
  }
  return agreement;
}

}  // namespace

std::optional<DeflateAgreement> negotiate_deflate(const std::vector<ExtensionOffer>& offers,
                                                  const DeflateConfig& config) {
  for (const auto& extension : offers) {
    if (extension.name != "permessage-deflate") continue;
    if (const auto offer = read_offer(extension)) return accept(*offer, config);
  }
  return std::nullopt;
}

}  // namespace deployctl::gateway::websocket
