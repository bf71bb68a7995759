// Splits a raw request-target into its parts and percent-decodes the path to raw bytes (PATH_INFO); checks the
// syntax of a Host (or of an absolute-form target's authority).
#pragma once

#include <string>
#include <string_view>

namespace deployctl::gateway::http {

enum class TargetForm { origin, absolute, asterisk, other };

struct TargetParts {
  std::string_view path;   // still percent-encoded; "/" for an absolute-form target without a path
  std::string_view query;  // after the first '?', without it; "" if none
  TargetForm form = TargetForm::origin;
  std::string_view scheme;     // absolute-form: what precedes "://"
  std::string_view authority;  // absolute-form: between "://" and the path ("" for "http:///p")
};

// Origin-form ("/p?q"), absolute-form ("http://host/p?q") or asterisk-form ("*"); a fragment is dropped. Anything
// else (authority-form "host:port", "mailto:x") is TargetForm::other with the whole target as its path. The views
// point into `target`.
TargetParts split_target(std::string_view target) noexcept;

// RFC 9112 §3.2 and RFC 3986 §3.2.2: uri-host [ ":" port ], where uri-host is a reg-name (unreserved, sub-delims,
// pct-encoded), an IPv4 address (a reg-name too) or a bracketed IPv6 address or IPvFuture. Empty is valid (a
// client sends an empty Host when the target has no authority). No userinfo, no whitespace, no '/'.
bool is_valid_host(std::string_view host) noexcept;

// Appends `encoded` to `out` with every "%XX" (two hex digits) replaced by its byte; a '%' not followed by two
// hex digits is kept as is (as Python's urllib.parse.unquote does).
void append_percent_decoded(std::string& out, std::string_view encoded);

}  // namespace deployctl::gateway::http
