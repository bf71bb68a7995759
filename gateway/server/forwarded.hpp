// --forwarded-allow-ips: which peers may set REMOTE_ADDR and wsgi.url_scheme through X-Forwarded-For,
// X-Forwarded-Proto, X-Forwarded-Ssl (or Forwarded). Unix-socket peers are always trusted, as gunicorn does.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "gateway/http/request.hpp"

namespace deployctl::gateway::server {

class ForwardedTrust {
 public:
  // "127.0.0.1,::1" (the default), "*", or addresses and CIDR networks ("10.0.0.0/8,fd00::/8").
  static Result<ForwardedTrust> parse(std::string_view list);
  bool trusts(std::string_view peer_address) const;

 private:
  struct Network {
    std::array<std::uint8_t, 16> address{};
    int family = 0;  // AF_INET or AF_INET6
    int prefix = 0;
  };
  bool any_ = false;
  std::vector<Network> networks_;
};

// What a trusted proxy told us; unset fields keep the socket's view.
struct ForwardedClient {
  std::string remote_addr;  // empty: keep the peer's address
  bool https = false;
  bool scheme_set = false;
  // The scheme headers disagree (X-Forwarded-Proto: https with X-Forwarded-Ssl: off, say): answer 400, as gunicorn
  // does ("Contradictory scheme headers"), rather than guess.
  bool contradictory_scheme = false;
};

// The client address: Forwarded's for= or else X-Forwarded-For, walked from the right skipping trusted proxies;
// the first untrusted hop is the client. The scheme: every source present must agree, else contradictory_scheme:
// the proto= of Forwarded's element for that client, each item of every X-Forwarded-Proto ("https" or not),
// X-Forwarded-Ssl ("on" or not) and X-Forwarded-Protocol ("ssl" or not), the three gunicorn reads.
ForwardedClient forwarded_client(std::span<const http::Header> headers, const ForwardedTrust& trust);

}  // namespace deployctl::gateway::server
