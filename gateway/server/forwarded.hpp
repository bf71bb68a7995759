// --forwarded-allow-ips: which peers may set REMOTE_ADDR and wsgi.url_scheme through X-Forwarded-For,
// X-Forwarded-Proto (or Forwarded). Unix-socket peers are always trusted, as gunicorn does.
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
};

// Reads Forwarded (for=, proto=) or else X-Forwarded-For / X-Forwarded-Proto. For the client address the list
// is walked from the right, skipping trusted proxies: the first untrusted hop is the client.
ForwardedClient forwarded_client(std::span<const http::Header> headers, const ForwardedTrust& trust);

}  // namespace deployctl::gateway::server
