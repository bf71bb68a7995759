// Trusted-proxy handling: address matching with CIDR networks, and the parsing of the forwarding headers.
#include "gateway/server/forwarded.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

namespace deployctl::gateway::server {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool parse_address(std::string_view text, std::array<std::uint8_t, 16>& bytes, int& family) {
  std::string copy(text);
  if (copy.size() > 2 && copy.front() == '[' && copy.back() == ']') copy = copy.substr(1, copy.size() - 2);
  if (inet_pton(AF_INET, copy.c_str(), bytes.data()) == 1) {
    family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) == 1) {
    family = AF_INET6;
    return true;
  }
  return false;
}

}  // namespace

Result<ForwardedTrust> ForwardedTrust::parse(std::string_view list) {
  ForwardedTrust trust;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty()) continue;
    if (item == "*") {
      trust.any_ = true;
      continue;
    }
    Network network;
    const std::size_t slash = item.find('/');
    if (!parse_address(item.substr(0, slash), network.address, network.family))
      return fail("--forwarded-allow-ips: '" + std::string(item) + "' is not an IP address or network");
    const int bits = network.family == AF_INET ? 32 : 128;
    network.prefix = bits;
    if (slash != std::string_view::npos) {
      const std::string_view digits = item.substr(slash + 1);
      const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), network.prefix);
      if (error != std::errc() || end != digits.data() + digits.size() || network.prefix < 0 ||
          network.prefix > bits)
        return fail("--forwarded-allow-ips: '" + std::string(item) + "' has a bad prefix length");
    }
    trust.networks_.push_back(network);
  }
  return trust;
}

bool ForwardedTrust::trusts(std::string_view peer_address) const {
  if (any_) return true;
  std::array<std::uint8_t, 16> bytes{};
  int family = 0;
  if (!parse_address(peer_address, bytes, family)) return false;
  // An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
  if (family == AF_INET6 && std::memcmp(bytes.data(), "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
    std::memmove(bytes.data(), bytes.data() + 12, 4);
    family = AF_INET;
  }
  for (const Network& network : networks_) {
    if (network.family != family) continue;
    int left = network.prefix;
    bool match = true;
    for (std::size_t i = 0; left > 0 && match; ++i, left -= 8) {
      const auto mask = static_cast<std::uint8_t>(left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff);
      match = (bytes[i] & mask) == (network.address[i] & mask);
    }
    if (match) return true;
  }
  return false;
}

ForwardedClient forwarded_client(std::span<const http::Header> headers, const ForwardedTrust& trust) {
  ForwardedClient client;
  std::vector<std::string> hops;
  std::string_view proto;
  bool have_forwarded = false;
  for (const http::Header& header : headers) {
    if (!http::equals_ignore_case(header.name, "forwarded")) continue;
    have_forwarded = true;
    std::string_view elements = header.value;
    while (!elements.empty()) {
      const std::size_t comma = elements.find(',');
      std::string_view element = elements.substr(0, comma);
      elements = comma == std::string_view::npos ? std::string_view() : elements.substr(comma + 1);
      while (!element.empty()) {
        const std::size_t semicolon = element.find(';');
        const std::string_view pair = trim(element.substr(0, semicolon));
        element = semicolon == std::string_view::npos ? std::string_view() : element.substr(semicolon + 1);
        const std::size_t equals = pair.find('=');
        if (equals == std::string_view::npos) continue;
        const std::string_view key = trim(pair.substr(0, equals));
        std::string_view value = trim(pair.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        if (http::equals_ignore_case(key, "for")) {
          // "[2001:db8::1]:4711" or "192.0.2.1:80": drop the port
          std::string host(value);
          if (host.starts_with("[")) {
            host = host.substr(1, host.find(']') - 1);
          } else if (host.find(':') == host.rfind(':') && host.find(':') != std::string::npos) {
            host = host.substr(0, host.find(':'));
          }
          hops.push_back(host);
        } else if (http::equals_ignore_case(key, "proto")) {
          proto = value;
        }
      }
    }
  }
  if (!have_forwarded) {
    for (const http::Header& header : headers) {
      if (http::equals_ignore_case(header.name, "x-forwarded-for")) {
        std::string_view list = header.value;
        while (!list.empty()) {
          const std::size_t comma = list.find(',');
          const std::string_view hop = trim(list.substr(0, comma));
          list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
          if (!hop.empty()) hops.emplace_back(hop);
        }
      } else if (http::equals_ignore_case(header.name, "x-forwarded-proto")) {
        proto = trim(header.value);
      }
    }
  }
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    client.remote_addr = *hop;
    if (!trust.trusts(*hop)) break;
  }
  if (!proto.empty()) {
    client.scheme_set = true;
    client.https = http::equals_ignore_case(proto, "https");
  }
  return client;
}

}  // namespace deployctl::gateway::server
