// Test helper for the request parser: feeds an input in slices of a given size and keeps owned copies of every
// request, 100-continue pause and rejection, so tests can compare runs with different split points.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/http/request_parser.hpp"

namespace deployctl::gateway::http::testing {

struct OwnedRequest {
  std::string method, target, path, query;
  int http_minor = 1;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::uint64_t> content_length;
  bool chunked = false, keep_alive = false, expect_continue = false, body_in_file = false;
  std::string body;
  bool operator==(const OwnedRequest&) const = default;
};

inline std::string read_body(const Body& body) {
  if (body.fd < 0) return std::string(body.memory);
  std::string bytes(body.size, '\0');
  const auto got = ::pread(body.fd, bytes.data(), bytes.size(), 0);
  bytes.resize(got < 0 ? 0 : static_cast<std::size_t>(got));
  return bytes;
}

inline OwnedRequest own(const Request& r) {
  OwnedRequest o{std::string(r.method), std::string(r.target),
                 std::string(r.path),   std::string(r.query),
                 r.http_minor,          {},
                 r.content_length,      r.chunked,
                 r.keep_alive,          r.expect_continue,
                 r.body.fd >= 0,        read_body(r.body)};
  for (const auto& h : r.headers) o.headers.emplace_back(h.name, h.value);
  return o;
}

struct Outcome {
  std::vector<OwnedRequest> requests;
  int continues = 0;
  std::optional<int> rejected_status;
  std::string rejected_reason;
};

// Feeds `input` in slices of `step` bytes (0: all at once), answering every pause as a server would.
inline Outcome parse_all(std::string_view input, std::size_t step = 0, Limits limits = {}) {
  RequestParser parser(std::move(limits));
  Outcome outcome;
  const auto drain = [&](ParseStatus status) {
    while (true) {
      if (status == ParseStatus::request_ready) {
        outcome.requests.push_back(own(parser.request()));
        status = parser.next();
      } else if (status == ParseStatus::continue_expected) {
        ++outcome.continues;
        status = parser.next();
      } else if (status == ParseStatus::rejected) {
        outcome.rejected_status = parser.rejection().status;
        outcome.rejected_reason = std::string(parser.rejection().reason);
        return false;
      } else {
        return true;
      }
    }
  };
  if (step == 0) step = input.size() == 0 ? 1 : input.size();
  for (std::size_t at = 0; at < input.size(); at += step)
    if (!drain(parser.feed(input.substr(at, step)))) return outcome;
  return outcome;
}

// Parses `input` whole and split at several fixed steps (byte by byte among them): the outcome must not depend on
// where the reads split the stream (same requests, same rejection status and reason). Returns the whole outcome.
inline Outcome parse_at_every_split(std::string_view input, Limits limits = {}) {
  const Outcome whole = parse_all(input, 0, limits);
  for (const std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}}) {
    const Outcome split = parse_all(input, step, limits);
    CHECK_MESSAGE(split.requests == whole.requests, "requests differ when fed in slices of ", step);
    CHECK_MESSAGE(split.rejected_status == whole.rejected_status, "rejection differs in slices of ", step, ": ",
                  split.rejected_reason, " vs ", whole.rejected_reason);
    CHECK_MESSAGE(split.rejected_reason == whole.rejected_reason, "reason differs in slices of ", step);
  }
  return whole;
}

// The status `input` is refused with (the same at every split), 0 if it is accepted whole.
inline int refusal(std::string_view input, Limits limits = {}) {
  const Outcome outcome = parse_at_every_split(input, std::move(limits));
  if (outcome.rejected_status) CHECK_FALSE(outcome.rejected_reason.empty());
  return outcome.rejected_status.value_or(0);
}

}  // namespace deployctl::gateway::http::testing
