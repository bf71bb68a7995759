// Splits a raw request-target into path and query, and percent-decodes the path to raw bytes (PATH_INFO).
#pragma once

#include <string>
#include <string_view>

namespace deployctl::gateway::http {

struct TargetParts {
  std::string_view path;   // still percent-encoded; "/" for an absolute-form target without a path
  std::string_view query;  // after the first '?', without it; "" if none
};

// Origin-form ("/p?q"), absolute-form ("http://host/p?q") or asterisk-form ("*"); a fragment is dropped.
// The views point into `target`.
TargetParts split_target(std::string_view target) noexcept;

// Appends `encoded` to `out` with every "%XX" (two hex digits) replaced by its byte; a '%' not followed by two
// hex digits is kept as is (as Python's urllib.parse.unquote does).
void append_percent_decoded(std::string& out, std::string_view encoded);

}  // namespace deployctl::gateway::http
