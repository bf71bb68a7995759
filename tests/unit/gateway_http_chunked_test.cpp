// Request parser, chunked bodies (RFC 9112 §7.1): sizes, extensions with the bad whitespace §7.1.1 allows, CRLF after
// every chunk's data (the smuggling shape "5\r\nhelloXX0\r\n\r\n"), the trailer section and its limits, and the
// body limit judged at the size line.
#include <doctest/doctest.h>

#include <string>

#include "gateway/http/chunked_decoder.hpp"
#include "gateway_http_support.hpp"

using namespace deployctl::gateway::http;
using deployctl::gateway::http::testing::parse_at_every_split;
using deployctl::gateway::http::testing::refusal;

namespace {

std::string chunked(std::string_view body) {
  return "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(body);
}

// The de-chunked body of a chunked request that must be accepted (and the same at every split).
std::string body_of(std::string_view framed) {
  const auto outcome = parse_at_every_split(chunked(framed));
  CHECK_FALSE(outcome.rejected_status.has_value());
  if (outcome.requests.size() != 1) return "<" + std::to_string(outcome.requests.size()) + " requests>";
  CHECK(outcome.requests[0].content_length == outcome.requests[0].body.size());
  return outcome.requests[0].body;
}

}  // namespace

TEST_SUITE("gateway http chunked") {
  TEST_CASE("sizes are hex, any case, leading zeros allowed, and the last chunk is one or more zeros") {
    CHECK(body_of("5\r\nhello\r\n0\r\n\r\n") == "hello");
    CHECK(body_of("A\r\n0123456789\r\na\r\nabcdefghij\r\n000\r\n\r\n") == "0123456789abcdefghij");
    CHECK(body_of("0005\r\nhello\r\n0\r\n\r\n") == "hello");
    CHECK(body_of("0\r\n\r\n").empty());
  }

  TEST_CASE("bad sizes are 400") {
    CHECK(refusal(chunked("zz\r\nhello\r\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("\r\nhello\r\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked(" 5\r\nhello\r\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5 \r\nhello\r\n0\r\n\r\n")) == 400);  // BWS only before a ';'
    CHECK(refusal(chunked("+5\r\nhello\r\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("0x5\r\nhello\r\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("fffffffffffffffff\r\n")) == 400);  // 17 digits: over 64 bits
    CHECK(refusal(chunked("ffffffffffffffff\r\n")) == 0);     // 16 digits fit; the body just never ends
  }

  TEST_CASE("chunk extensions: tokens or quoted strings, with bad whitespace around the separators") {
    CHECK(body_of("5;name\r\nhello\r\n0\r\n\r\n") == "hello");
    CHECK(body_of("5;name=value;other=\"quoted ; \\\" value\"\r\nhello\r\n0;last\r\n\r\n") == "hello");
    CHECK(body_of("5 ;name\r\nhello\r\n0\r\n\r\n") == "hello");
    CHECK(body_of("5\t; name = value ;\tx\r\nhello\r\n0\r\n\r\n") == "hello");
    CHECK(body_of("5;a=\"\"\r\nhello\r\n0\r\n\r\n") == "hello");
    CHECK(refusal(chunked("5;\r\nhello\r\n0\r\n\r\n")) == 400);     // no name
    CHECK(refusal(chunked("5;a=\r\nhello\r\n0\r\n\r\n")) == 400);   // no value after '='
    CHECK(refusal(chunked("5;a b\r\nhello\r\n0\r\n\r\n")) == 400);  // whitespace is not a separator
    CHECK(refusal(chunked("5;a=b c\r\nhello\r\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5;a \r\nhello\r\n0\r\n\r\n")) == 400);     // BWS before the line end
    CHECK(refusal(chunked("5;a=\"b\r\nhello\r\n0\r\n\r\n")) == 400);  // unterminated quoted string
    CHECK(refusal(chunked("5;a=\"b\"c\r\nhello\r\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5;a(b)\r\nhello\r\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5;a=b\nhello\r\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5;a=\"b\x01\"\r\nhello\r\n0\r\n\r\n")) == 400);
    // An endless size line is cut off.
    CHECK(refusal(chunked("5;a=" + std::string(ChunkedDecoder::max_size_line, 'b'))) == 400);
  }

  TEST_CASE("chunk data must be followed by CRLF: nothing after a malformed chunk is parsed as a request") {
    const std::string smuggle = "5\r\nhelloXX0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";
    const auto outcome = parse_at_every_split(chunked(smuggle));
    CHECK(outcome.rejected_status == 400);
    CHECK(outcome.requests.empty());
    CHECK(refusal(chunked("5\r\nhello\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5\r\nhello\r0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5\r\nhelloo\r\n0\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5\r\nhell\r\n0\r\n\r\n")) == 400);
  }

  TEST_CASE("the trailer section: field lines held to the header rules, then CRLF") {
    CHECK(body_of("5\r\nhello\r\n0\r\nT: v\r\nU:w\r\n\r\n") == "hello");
    CHECK(refusal(chunked("5\r\nhello\r\n0\r\nT: v\r\n u\r\n\r\n")) == 400);  // obs-fold
    CHECK(refusal(chunked("5\r\nhello\r\n0\r\n T: v\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5\r\nhello\r\n0\r\nT : v\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5\r\nhello\r\n0\r\n: v\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5\r\nhello\r\n0\r\nT\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5\r\nhello\r\n0\r\nT: a\x01\r\n\r\n")) == 400);
    CHECK(refusal(chunked("5\r\nhello\r\n0\r\nT: v\n\r\n")) == 400);
    CHECK(refusal(chunked("5\r\nhello\r\n0\r\nT: v\r\n\n")) == 400);
    CHECK(refusal(chunked("5\r\nhello\r\n0\r\n\n")) == 400);
    CHECK(refusal(chunked("5\r\nhello\r\n0\r\n\rX")) == 400);
  }

  TEST_CASE("trailer lines count with the header lines and are as long as a header line may be") {
    Limits limits;
    limits.header_count = 3;  // Host and Transfer-Encoding leave one
    CHECK(refusal(chunked("0\r\nT1: 1\r\n\r\n"), limits) == 0);
    CHECK(refusal(chunked("0\r\nT1: 1\r\nT2: 2\r\n\r\n"), limits) == 431);
    limits = Limits{};
    limits.header_field_size = 28;  // "Transfer-Encoding: chunked" and CRLF
    CHECK(refusal(chunked("0\r\nT: " + std::string(23, 'v') + "\r\n\r\n"), limits) == 0);
    CHECK(refusal(chunked("0\r\nT: " + std::string(24, 'v') + "\r\n\r\n"), limits) == 431);
  }

  TEST_CASE("the body limit is judged at the size line that would pass it") {
    Limits limits;
    limits.body = 10;
    CHECK(refusal(chunked("a\r\n0123456789\r\n0\r\n\r\n"), limits) == 0);
    // Refused at the size line, before any of the chunk's data arrives.
    RequestParser parser(limits);
    CHECK(parser.feed(chunked("6\r\n012345\r\n5\r\n")) == ParseStatus::rejected);
    CHECK(parser.rejection().status == 413);
    CHECK(refusal(chunked("ffffffffffffffff\r\n"), limits) == 413);
  }

  TEST_CASE("Expect: 100-continue pauses before a chunked body, which is then framed as any other") {
    RequestParser parser;
    CHECK(parser.feed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n") ==
          ParseStatus::continue_expected);
    CHECK(parser.next() == ParseStatus::need_more);
    CHECK(parser.feed("3\r\nabc\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n") == ParseStatus::request_ready);
    CHECK(parser.request().body.memory == "abc");
    CHECK(parser.next() == ParseStatus::request_ready);
    CHECK(parser.request().target == "/next");
  }
}
