// Fuzz target: any bytes as a client's stream, fed to the request parser in slices whose sizes come from the
// input itself. The parser must never crash or hang, and splitting must not change what it accepts: the
// requests handed out and whether the stream is refused are the same as when it is fed whole.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/request_parser.hpp"

namespace {

using namespace deployctl::gateway::http;

struct Seen {
  std::vector<std::string> requests;  // method, target, path, headers and body, flattened
  bool rejected = false;
};

std::string flatten(const Request& r) {
  std::string flat;
  flat.append(r.method).append(1, '\0').append(r.target).append(1, '\0').append(r.path).append(1, '\0');
  flat.append(r.query).append(1, static_cast<char>('0' + r.http_minor));
  for (const auto& h : r.headers) flat.append(h.name).append(1, ':').append(h.value).append(1, '\n');
  flat.append(r.keep_alive ? "K" : "k").append(r.expect_continue ? "E" : "e");
  flat.append(std::to_string(r.content_length.value_or(UINT64_MAX)));
  if (r.body.fd < 0) flat.append(r.body.memory);
  else flat.append("<file:").append(std::to_string(r.body.size)).append(">");
  return flat;
}

bool known_status(int status) {
  return status == 400 || status == 413 || status == 414 || status == 431 || status == 501 || status == 500;
}

// Feeds `stream` in slices of the sizes given by `next_size` (0 = all at once).
template <typename NextSize>
Seen run(std::string_view stream, const Limits& limits, NextSize next_size) {
  RequestParser parser(limits);
  Seen seen;
  std::size_t at = 0;
  while (at < stream.size()) {
    std::size_t size = next_size();
    if (size == 0 || size > stream.size() - at) size = stream.size() - at;
    auto status = parser.feed(stream.substr(at, size));
    at += size;
    while (status == ParseStatus::request_ready || status == ParseStatus::continue_expected) {
      if (status == ParseStatus::request_ready) seen.requests.push_back(flatten(parser.request()));
      status = parser.next();
    }
    if (status == ParseStatus::rejected) {
      if (!known_status(parser.rejection().status) || parser.rejection().reason.empty()) std::abort();
      seen.rejected = true;
      break;
    }
  }
  if (!seen.rejected && parser.finish() == ParseStatus::rejected) seen.rejected = true;
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // Byte 0: small limits or defaults, and a spill threshold low enough to hit the temp file; byte 1: slice seed.
  Limits limits;
  if ((data[0] & 1) != 0) {
    limits.request_line = 64;
    limits.header_count = 8;
    limits.header_field_size = 64;
    limits.body = 256;
  }
  limits.body_in_memory = (data[0] & 2) != 0 ? 8 : 4096;

  std::uint32_t state = 0x9E3779B9u ^ data[1];
  const std::string_view stream(reinterpret_cast<const char*>(data + 2), size - 2);

  const Seen whole = run(stream, limits, [] { return std::size_t{0}; });
  const Seen sliced = run(stream, limits, [&state] {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return std::size_t{1} + state % 16;
  });
  const Seen bytewise = run(stream, limits, [] { return std::size_t{1}; });
  if (whole.rejected != sliced.rejected || whole.rejected != bytewise.rejected) std::abort();
  if (whole.requests != sliced.requests || whole.requests != bytewise.requests) std::abort();
  return 0;
}
