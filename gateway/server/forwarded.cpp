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
      if (error != std::errc() || end != digits.data() + digits.size() || network.prefix < 0 || network.prefix > bits)
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

namespace {

// One element of a Forwarded header: what one proxy recorded.
struct ForwardedElement {
  std::string for_host;  // without port or brackets; "" when the element has no for=
  std::string_view proto;
};

std::string host_of_node(std::string_view node) {
  // "[2001:db8::1]:4711" or "192.0.2.1:80": drop the port
  std::string host(node);
  if (host.starts_with("[")) return host.substr(1, host.find(']') - 1);
  if (host.find(':') == host.rfind(':') && host.find(':') != std::string::npos) return host.substr(0, host.find(':'));
  return host;
}

// Calls `each` on every `separator`-separated item of `list`, trimmed of SP and HTAB (empty ones too).
template <typename Each>
void for_each_item(std::string_view list, char separator, Each&& each) {
  while (!list.empty()) {
    const std::size_t at = list.find(separator);
    each(trim(list.substr(0, at)));
    if (at == std::string_view::npos) break;
    list.remove_prefix(at + 1);
  }
}

void read_forwarded(std::string_view value, std::vector<ForwardedElement>& elements) {
  for_each_item(value, ',', [&](std::string_view element) {
    ForwardedElement parsed;
    for_each_item(element, ';', [&](std::string_view pair) {
      const std::size_t equals = pair.find('=');
      if (equals == std::string_view::npos) return;
      const std::string_view key = trim(pair.substr(0, equals));
      std::string_view item = trim(pair.substr(equals + 1));
      if (item.size() >= 2 && item.front() == '"' && item.back() == '"') item = item.substr(1, item.size() - 2);
      if (http::equals_ignore_case(key, "for"))
        parsed.for_host = host_of_node(item);
      else if (http::equals_ignore_case(key, "proto"))
        parsed.proto = item;
    });
    elements.push_back(std::move(parsed));
  });
}

// The scheme sources seen so far: once one says https and another not, they contradict.
struct SchemeVotes {
  bool any = false;
  bool https = false;
  bool contradictory = false;
  void add(bool says_https) {
    if (any && says_https != https) contradictory = true;
    any = true;
    https = says_https;
  }
};

}  // namespace

ForwardedClient forwarded_client(std::span<const http::Header> headers, const ForwardedTrust& trust) {
  ForwardedClient client;
  std::vector<ForwardedElement> elements;
  std::vector<std::string> hops;  // X-Forwarded-For
  SchemeVotes scheme;
  for (const http::Header& header : headers) {
    if (http::equals_ignore_case(header.name, "forwarded")) {
      read_forwarded(header.value, elements);
    } else if (http::equals_ignore_case(header.name, "x-forwarded-for")) {
      for_each_item(header.value, ',', [&](std::string_view hop) {
        if (!hop.empty()) hops.emplace_back(hop);
      });
    } else if (http::equals_ignore_case(header.name, "x-forwarded-proto")) {
      for_each_item(header.value, ',', [&](std::string_view item) {
        if (!item.empty()) scheme.add(http::equals_ignore_case(item, "https"));
      });
    } else if (http::equals_ignore_case(header.name, "x-forwarded-ssl")) {
      scheme.add(http::equals_ignore_case(trim(header.value), "on"));
    } else if (http::equals_ignore_case(header.name, "x-forwarded-protocol")) {
      scheme.add(http::equals_ignore_case(trim(header.value), "ssl"));
    }
  }
  if (!elements.empty()) {
    // Forwarded wins over X-Forwarded-For for the address. The element that names the client was written by the
    // proxy the client spoke to: its proto= is the client's scheme (else the nearest proxy's, as before).
    const ForwardedElement* chosen = nullptr;
    for (auto element = elements.rbegin(); element != elements.rend(); ++element) {
      if (element->for_host.empty()) continue;
      chosen = &*element;
      client.remote_addr = element->for_host;
      if (!trust.trusts(element->for_host)) break;
    }
    std::string_view proto = chosen != nullptr ? chosen->proto : std::string_view();
    for (auto element = elements.rbegin(); proto.empty() && element != elements.rend(); ++element)
      proto = element->proto;
    if (!proto.empty()) scheme.add(http::equals_ignore_case(proto, "https"));
  } else {
    for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
      client.remote_addr = *hop;
      if (!trust.trusts(*hop)) break;
    }
  }
  client.scheme_set = scheme.any;
  client.https = scheme.https && !scheme.contradictory;
  client.contradictory_scheme = scheme.contradictory;
  return client;
}

}  // namespace deployctl::gateway::server
