// Request-target splitting, Host syntax and percent-decoding, kept apart from the parser so all three are easy
// to test.
#include "gateway/http/request_target.hpp"

#include <arpa/inet.h>

#include "gateway/http/char_classes.hpp"

namespace deployctl::gateway::http {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_digits(std::string_view text) noexcept {
  for (const char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

// Checked on every request (the Host header): one table test per byte, pct-encoding looked at only when present.
bool is_reg_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!reg_name_chars[static_cast<unsigned char>(name[i])]) return false;
    if (name[i] == '%') {
      if (i + 2 >= name.size() || hex_value(name[i + 1]) < 0 || hex_value(name[i + 2]) < 0) return false;
      i += 2;
    }
  }
  return true;
}

// The inside of "[...]": an IPv6 address (inet_pton's grammar is RFC 4291's) or "v" HEXDIG+ "." (unreserved /
// sub-delims / ":")+.
bool is_ip_literal(std::string_view inside) noexcept {
  if (!inside.empty() && (inside.front() == 'v' || inside.front() == 'V')) {
    const auto dot = inside.find('.');
    if (dot == std::string_view::npos || dot < 2 || dot + 1 == inside.size()) return false;
    for (std::size_t i = 1; i < dot; ++i)
      if (!is_hex_digit(inside[i])) return false;
    for (const char c : inside.substr(dot + 1))
      if (c == '%' || (!reg_name_chars[static_cast<unsigned char>(c)] && c != ':')) return false;
    return true;
  }
  char text[64];
  if (inside.size() >= sizeof text) return false;
  inside.copy(text, inside.size());
  text[inside.size()] = '\0';
  unsigned char address[16];
  return ::inet_pton(AF_INET6, text, address) == 1;
}

}  // namespace

TargetParts split_target(std::string_view target) noexcept {
  TargetParts parts;
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (const auto mark = target.find('?'); mark != std::string_view::npos) {
    parts.query = target.substr(mark + 1);
    target = target.substr(0, mark);
  }
  parts.path = target;
  if (!target.empty() && target.front() == '/') return parts;
  if (target == "*") {
    parts.form = TargetForm::asterisk;
    return parts;
  }
  const auto scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    parts.form = TargetForm::other;
    return parts;
  }
  parts.form = TargetForm::absolute;
  parts.scheme = target.substr(0, scheme_end);
  const auto rest = target.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  parts.authority = rest.substr(0, slash);
  parts.path = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  return parts;
}

bool is_valid_host(std::string_view host) noexcept {
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos || !is_ip_literal(host.substr(1, close - 1))) return false;
    const auto after = host.substr(close + 1);
    if (!after.empty() && after.front() != ':') return false;
    port = after.empty() ? after : after.substr(1);
  } else {
    // A reg-name has no ':', so the first one starts the port.
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
    }
    if (!is_reg_name(host)) return false;
  }
  return is_digits(port);
}

void append_percent_decoded(std::string& out, std::string_view encoded) {
  auto percent = encoded.find('%');
  if (percent == std::string_view::npos) {
    out.append(encoded);
    return;
  }
  out.reserve(out.size() + encoded.size());
  std::size_t done = 0;
  while (percent != std::string_view::npos) {
    out.append(encoded.substr(done, percent - done));
    if (percent + 2 < encoded.size()) {
      const int high = hex_value(encoded[percent + 1]);
      const int low = hex_value(encoded[percent + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>((high << 4) | low));
        done = percent + 3;
        percent = encoded.find('%', done);
        continue;
      }
    }
    out.push_back('%');
    done = percent + 1;
    percent = encoded.find('%', done);
  }
  out.append(encoded.substr(done));
}

}  // namespace deployctl::gateway::http
