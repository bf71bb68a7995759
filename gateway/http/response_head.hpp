// Builds and validates the head of a response from the app's status line and headers, and decides its framing
// (Content-Length, chunked, or close-delimited) and whether the connection survives it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "gateway/http/request.hpp"

namespace deployctl::gateway::http {

enum class Framing {
  none,             // no body may follow: HEAD, 1xx, 204, 304 (an app's Content-Length is kept as information
                    // for HEAD and 304, and never sent with 1xx or 204: RFC 9110 §8.6)
  content_length,   // exactly `content_length` body bytes follow
  chunked,          // HTTP/1.1 without a length: send with encode_chunk_*() and end with last_chunk
  close_delimited,  // HTTP/1.0 without a length: the body ends when the connection closes
};

// What the head builder needs to know about the request being answered and the server's state.
struct ResponseContext {
  int http_minor = 1;         // the request's HTTP/1.<minor>
  bool head_request = false;  // HEAD: headers as for GET, no body
  bool keep_alive = true;     // the request allows reuse and the server is not draining (false: Connection: close)
  // The body's length when known in advance (a WSGI list result, a file), used when the app set no
  // Content-Length: then Content-Length is added instead of chunking.
  std::optional<std::uint64_t> known_body_length;
  std::string_view server;  // a Server header value; "" (the default) sends none, as uWSGI does
};

struct ResponseFraming {
  int status = 200;
  Framing framing = Framing::none;
  std::optional<std::uint64_t> content_length;  // the length sent in Content-Length, if any
  bool keep_alive = false;                      // false: close the connection after this response
};

// Appends the serialized head ("HTTP/1.1 200 OK\r\n...\r\n\r\n") to `out`. The status line must look like
// "200 OK" (three digits 100-599, then a space and a reason, or the bare three digits); names must be RFC 9110
// tokens and values free of CR, LF and NUL. On any violation nothing is appended and the Error says what was
// wrong (for the error log; the caller answers 500 instead). Hop-by-hop headers from the app (Connection,
// Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade, Proxy-Connection) are not forwarded: framing and
// Connection are ours; an app's "Connection: close" is honoured. Adds Date (cached per second) and
// Connection: close / keep-alive as decided (keep-alive only spelled out for HTTP/1.0).
Result<ResponseFraming> append_response_head(std::string& out, std::string_view status_line,
                                             std::span<const Header> headers, const ResponseContext& context);

// The current time as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), formatted once per second per thread.
std::string_view http_date_now();
// Any time as an IMF-fixdate, into `buffer` (29 bytes used).
std::string_view format_http_date(std::int64_t unix_seconds, char (&buffer)[32]);
// Parses an IMF-fixdate (also RFC 850 and asctime forms, as RFC 9110 asks recipients to); nullopt if invalid.
std::optional<std::int64_t> parse_http_date(std::string_view text);

// Chunked framing: a chunk is encode_chunk_header(size) + data + chunk_end; the body ends with last_chunk.
// Never encode an empty chunk: it would end the body.
struct ChunkHeader {
  char bytes[24];
  unsigned char size;
  std::string_view view() const noexcept { return {bytes, size}; }
};
ChunkHeader encode_chunk_header(std::uint64_t data_size) noexcept;
inline constexpr std::string_view chunk_end = "\r\n";
inline constexpr std::string_view last_chunk = "0\r\n\r\n";
// Appends one whole chunk (header, data, CRLF); does nothing for empty data.
void append_chunk(std::string& out, std::string_view data);

// A complete small response for the statuses the server produces itself (400, 404, 405, 408, 413, 414, 417,
// 431, 500, 501, 503, 505): status line, Date, Content-Type text/plain, Content-Length, Connection: close, and a
// one-line body (omitted when `head_request`). Any other status is answered as 500.
void append_error_response(std::string& out, int status, bool head_request = false);
// "Bad Request" for 400, ...; "" for a status we do not know.
std::string_view reason_phrase(int status) noexcept;

}  // namespace deployctl::gateway::http
