// Fuzz target: any bytes as one client connection (several requests, pipelined), fed to the request parser whole,
// byte by byte and in two series of random slices. The parser must never crash or hang, and where the reads split
// the stream must change nothing: the same sequence of requests (method, target, version, headers, body, framing
// flags) and the same rejection (status and reason), or none, in every run. Every request handed out must be one
// the framing rules allow (a token method, a target of visible bytes, token field names, values without CR, LF or
// NUL), and every rejection a status the server can answer. In the ASGI worker's mode (bodies streamed, chunked ones
// too) each streamed body is read as the connection layer reads it, so where a body ends is held to the same rule.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/char_classes.hpp"
#include "gateway/http/request_parser.hpp"
#include "tests/fuzz/slice_sizes.hpp"

namespace {

using namespace deployctl::gateway::http;

struct Seen {
  std::vector<std::string> requests;  // each flattened: what the app would be handed
  int continues = 0;
  int rejected_status = 0;  // 0: not rejected
  std::string_view rejected_reason;
};

void require(bool condition) {
  if (!condition) std::abort();
}

// The body as the app reads it. (Kept in one place: the body's representation is not the parser's head API.)
std::string body_of(const Request& r) {
  if (r.body.fd < 0) return std::string(r.body.memory);
  return "<file:" + std::to_string(r.body.size) + ">";
}

void check_valid(const Request& r) {
  require(is_token(r.method));
  require(!r.target.empty());
  for (const char c : r.target) require(is_target_char(c));
  require(r.http_minor == 0 || r.http_minor == 1);
  for (const auto& h : r.headers) {
    require(is_token(h.name));
    for (const char c : h.value) require(c != '\r' && c != '\n' && c != '\0');
    require(h.value.empty() || (!is_blank(h.value.front()) && !is_blank(h.value.back())));
  }
}

std::string flatten(const Request& r) {
  check_valid(r);
  std::string flat;
  flat.append(r.method).append(1, '\0').append(r.target).append(1, '\0').append(r.path).append(1, '\0');
  flat.append(r.query).append(1, static_cast<char>('0' + r.http_minor));
  for (const auto& h : r.headers) flat.append(h.name).append(1, ':').append(h.value).append(1, '\n');
  flat.append(r.keep_alive ? "K" : "k").append(r.expect_continue ? "E" : "e").append(r.chunked ? "C" : "c");
  flat.append(std::to_string(r.content_length.value_or(UINT64_MAX))).append(1, '\0');
  flat.append(body_of(r));
  return flat;
}

bool known_status(int status) {
  switch (status) {
    case 400:
    case 413:
    case 414:
    case 431:
    case 500:
    case 501:
    case 505: return true;
    default: return false;
  }
}

// Feeds `stream` in slices of the sizes given by `next_size` (0 = all that is left), answering every pause as the
// server does, then tells the parser the client closed. A streamed body is read as socket_body_source reads it:
// what the parser holds first, then the connection's bytes through body_received() (never past a Content-Length).
template <typename NextSize>
Seen run(std::string_view stream, const Limits& limits, NextSize next_size) {
  RequestParser parser(limits);
  Seen seen;
  std::size_t at = 0;
  ParseStatus status = ParseStatus::need_more;
  std::string streamed;  // the request being read, flattened, then its body so far
  bool in_body = false;
  const auto body_ended = [&] {
    in_body = false;
    seen.requests.push_back(streamed);
    return parser.status() == ParseStatus::rejected ? ParseStatus::rejected : parser.next();
  };
  while (at < stream.size() && status != ParseStatus::rejected) {
    std::size_t size = next_size();
    if (size == 0 || size > stream.size() - at) size = stream.size() - at;
    if (in_body) {
      if (!parser.request().chunked) size = static_cast<std::size_t>(std::min<std::uint64_t>(size, parser.body_left()));
      std::string bytes(stream.substr(at, size));
      at += size;
      streamed.append(bytes.data(), parser.body_received(bytes.data(), bytes.size()));
      status = parser.status();
      if (parser.body_left() == 0 || status == ParseStatus::rejected) status = body_ended();
    } else {
      status = parser.feed(stream.substr(at, size));
      at += size;
    }
    while (!in_body && (status == ParseStatus::request_ready || status == ParseStatus::continue_expected)) {
      if (status == ParseStatus::continue_expected) {
        ++seen.continues;
        status = parser.next();
        continue;
      }
      if (!parser.request().body.streamed) {
        seen.requests.push_back(flatten(parser.request()));
        status = parser.next();
        continue;
      }
      streamed = flatten(parser.request());
      char out[64];
      for (std::size_t got = 0; (got = parser.take_body(out, sizeof out)) > 0;) streamed.append(out, got);
      in_body = true;
      if (parser.body_left() > 0 && parser.status() != ParseStatus::rejected) break;
      status = body_ended();
    }
  }
  if (in_body) seen.requests.push_back(streamed);  // cut by the client's close
  if (status == ParseStatus::need_more) status = parser.finish();
  if (status == ParseStatus::rejected) {
    require(known_status(parser.rejection().status) && !parser.rejection().reason.empty());
    seen.rejected_status = parser.rejection().status;
    seen.rejected_reason = parser.rejection().reason;
  }
  return seen;
}

bool same(const Seen& a, const Seen& b) {
  return a.requests == b.requests && a.continues == b.continues && a.rejected_status == b.rejected_status &&
         a.rejected_reason == b.rejected_reason;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // Byte 0: small limits (so that every limit is reached) or the defaults, and a spill threshold low enough to
  // reach the temp file; byte 1: the seed of the random slices.
  Limits limits;
  if ((data[0] & 1) != 0) {
    limits.request_line = 64;
    limits.header_count = 8;
    limits.header_field_size = 64;
    limits.body = 256;
  }
  limits.body_in_memory = (data[0] & 2) != 0 ? 8 : 4096;
  limits.stream_bodies = limits.stream_chunked_bodies = (data[0] & 4) != 0;
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);

  const Seen whole = run(stream, limits, [] { return std::size_t{0}; });
  require(same(whole, run(stream, limits, [] { return std::size_t{1}; })));
  require(same(whole, run(stream, limits, SliceSizes{0x9E3779B9u ^ data[1], 16})));
  require(same(whole, run(stream, limits, SliceSizes{0x85EBCA6Bu ^ (data[1] * 0x01000193u), 200})));
  return 0;
}
