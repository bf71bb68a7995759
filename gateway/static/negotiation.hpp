// The request-header grammar the static file server needs: Accept-Encoding q-values, If-None-Match entity
// tags, and byte Range specifications (RFC 9110 sections 12.5.3, 13.1.2 and 14.1).
#pragma once

#include <cstdint>
#include <string_view>

namespace deployctl::gateway::static_files {

// q-values in thousandths (0..1000) for the codings we can serve precompressed.
struct EncodingPreferences {
  int brotli = 0;
  int gzip = 0;
};
// An absent coding gets the "*" q-value if "*" is listed, else 0 (not acceptable).
EncodingPreferences parse_accept_encoding(std::string_view value) noexcept;

// True when `etag` (ours, strong, quoted) matches any tag of an If-None-Match value by the weak comparison
// ("W/" ignored), or the value is "*".
bool if_none_match_matches(std::string_view header_value, std::string_view etag) noexcept;

enum class RangeKind {
  none,           // no usable Range: serve the whole file (absent, malformed, not "bytes", or several ranges)
  single,         // one satisfiable range: [first, first + length)
  unsatisfiable,  // every range starts past the end: 416
};
struct ByteRange {
  RangeKind kind = RangeKind::none;
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};
// Several ranges are answered with the whole file (kind none) rather than multipart/byteranges.
ByteRange parse_range(std::string_view value, std::uint64_t file_size) noexcept;

}  // namespace deployctl::gateway::static_files
