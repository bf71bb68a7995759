// Request parser, framing of the head (RFC 9112 §2.2, §3, §5): CRLF and nothing else ends every line, at every
// position of a message; empty lines before a request; whitespace, obs-fold and field names; the request line's
// separators and target bytes; and the head framer's verdicts tied to bytes, not to reads.
#include <doctest/doctest.h>

#include <string>

#include "gateway/http/char_classes.hpp"
#include "gateway_http_support.hpp"

using namespace deployctl::gateway::http;
using deployctl::gateway::http::testing::parse_at_every_split;
using deployctl::gateway::http::testing::refusal;

namespace {

// A chunked POST with a trailer, then a GET that must never be handed out when the POST is malformed. `position`
// picks the line terminator that becomes `terminator`; every other one is CRLF.
std::string message_with(int position, std::string_view terminator) {
  const auto at = [&](int here) { return std::string(here == position ? terminator : "\r\n"); };
  return at(0) + "POST /upload HTTP/1.1" + at(1) + "Host: h" + at(2) + "Transfer-Encoding: chunked\r\n" + at(3) + "5" +
         at(4) + "hello" + at(5) + "0" + at(6) + "T: v" + at(7) + at(8) + "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
}

constexpr const char* positions[] = {
    "an empty line before the request line",
    "the request line",
    "a header line",
    "the end of the head",
    "a chunk size line",
    "the chunk data",
    "the last chunk",
    "a trailer line",
    "the end of the trailer section",
};

}  // namespace

TEST_SUITE("gateway http framing") {
  TEST_CASE("CRLF ends every line: a bare LF or a bare CR anywhere is 400 and nothing after it is parsed") {
    for (int position = 0; position < 9; ++position) {
      CAPTURE(positions[position]);
      const auto crlf = parse_at_every_split(message_with(position, "\r\n"));
      CHECK_FALSE(crlf.rejected_status.has_value());
      REQUIRE(crlf.requests.size() == 2);
      CHECK(crlf.requests[0].body == "hello");
      CHECK(crlf.requests[1].target == "/smuggled");
      for (const std::string_view bare : {"\n", "\r"}) {
        CAPTURE(bare == "\n" ? "bare LF" : "bare CR");
        const auto refused = parse_at_every_split(message_with(position, bare));
        CHECK(refused.rejected_status == 400);
        CHECK(refused.requests.empty());
      }
    }
  }

  TEST_CASE("empty lines before a request line are skipped, but a lone CR or LF there is no empty line") {
    const auto outcome =
        parse_at_every_split("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n");
    REQUIRE(outcome.requests.size() == 2);
    CHECK(outcome.requests[1].target == "/b");
    CHECK(refusal("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("\rGET / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("\r\rGET / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    // A client that closes after empty lines made no request: a clean close, not a 400.
    RequestParser parser;
    CHECK(parser.feed("\r\n\r\n") == ParseStatus::need_more);
    CHECK(parser.finish() == ParseStatus::need_more);
  }

  TEST_CASE("a bare CR inside a field line, where llhttp's lenient mode would take it for a line end") {
    // Found by the fuzzer: llhttp skipped the byte after a CR that follows "Name:", and read ": v" as a header with
    // an empty name.
    CHECK(refusal("GET / HTTP/1.1\r\nHost:\rX: v\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: \rt: v\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX-A: \r\r\n\r\n") == 400);
  }

  TEST_CASE("whitespace: before the first header, obs-fold, before the colon, inside a name") {
    CHECK(refusal("GET / HTTP/1.1\r\n Host: h\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\n\tHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n two\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n\ttwo\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost : h\r\n\r\n") == 400);  // RFC 9112 §5.1: MUST be rejected
    CHECK(refusal("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX A: b\r\n\r\n") == 400);
    // OWS around the value is not part of it.
    const auto outcome = parse_at_every_split("GET / HTTP/1.1\r\nHost:h\r\nX-A: \t b \t\r\nX-B:\r\n\r\n");
    REQUIRE(outcome.requests.size() == 1);
    CHECK(outcome.requests[0].headers[0].second == "h");
    CHECK(outcome.requests[0].headers[1].second == "b");
    CHECK(outcome.requests[0].headers[2].second.empty());
  }

  TEST_CASE("field names are tokens, never empty, and values hold no control bytes but HTAB") {
    CHECK(refusal("GET / HTTP/1.1\r\n: v\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nNo-Colon\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX(A): b\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX\xc3\xa9: b\r\n\r\n") == 400);
    CHECK(refusal(std::string_view("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\0b\r\n\r\n", 37)) == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x01"
                  "b\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x7f"
                  "b\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\tb\xe9\r\n\r\n") == 0);  // HTAB and obs-text are fine
  }

  TEST_CASE("a field name holds tchar only: every byte tried") {
    for (int byte = 0; byte < 256; ++byte) {
      const char c = static_cast<char>(byte);
      if (c == ':' || c == '\r' || c == '\n') continue;  // they end the name or the line: tested elsewhere
      CAPTURE(byte);
      const std::string raw = std::string("GET / HTTP/1.1\r\nX") + c + "Y: v\r\nHost: h\r\n\r\n";
      CHECK(refusal(raw) == (is_token_char(c) ? 0 : 400));
    }
  }

  TEST_CASE("the request line: one SP between three parts, a token method, a target of visible ASCII") {
    CHECK(refusal("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET /  HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1 \r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal(" GET / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET /\r\n\r\n") == 400);  // HTTP/0.9: no version
    CHECK(refusal("G(T / HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET /a\x0c"
                  "b HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    // Visible ASCII that RFC 3986 wants encoded, and raw UTF-8, are handed on as sent: clients send them.
    const auto outcome =
        parse_at_every_split("GET /a|b{c}\"d\"^/caf\xc3\xa9?q=\xe2\x9c\x93 HTTP/1.1\r\nHost: h\r\n\r\n");
    REQUIRE(outcome.requests.size() == 1);
    CHECK(outcome.requests[0].path == "/a|b{c}\"d\"^/caf\xc3\xa9");
    CHECK(outcome.requests[0].query == "q=\xe2\x9c\x93");
  }

  TEST_CASE("limits fall on the same byte whatever the reads: the head's 1 MiB cap is 431") {
    Limits unlimited;
    unlimited.request_line = unlimited.header_count = unlimited.header_field_size = 0;
    std::string huge = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(1024 * 1024, 'v') + "\r\n\r\n";
    CHECK(refusal(huge, unlimited) == 431);
    // Just under the cap is fine.
    const std::string head = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: \r\n\r\n";
    std::string fits =
        "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(1024 * 1024 - head.size(), 'v') + "\r\n\r\n";
    CHECK(fits.size() == 1024 * 1024);
    CHECK(refusal(fits, unlimited) == 0);
  }

  TEST_CASE("a fault llhttp finds before the framer's is the one reported") {
    Limits limits;
    limits.header_field_size = 16;
    // The bare CR comes before the byte that takes the line over its limit.
    const auto outcome = parse_at_every_split("GET / HTTP/1.1\r\nHost: h\r\nX: a\rbcdefghijklmnopq\r\n\r\n", limits);
    CHECK(outcome.rejected_status == 400);
  }
}
