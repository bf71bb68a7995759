// Request parser: every rejection of issue #3 and every limit, with its status, the same at every split point.
#include <doctest/doctest.h>

#include <string>

#include "gateway_http_support.hpp"

using namespace deployctl::gateway::http;

namespace {

int rejected_with(std::string_view input, Limits limits = {}) {
  return deployctl::gateway::http::testing::refusal(input, std::move(limits));
}

}  // namespace

TEST_SUITE("gateway http rejection") {
  TEST_CASE("duplicated or conflicting Content-Length") {
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx") == 400);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy") == 400);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 1\r\n\r\nx") == 400);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n") == 400);
  }

  TEST_CASE("Transfer-Encoding together with Content-Length, in either order") {
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "0\r\n\r\n") == 400);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                        "0\r\n\r\n") == 400);
  }

  TEST_CASE("Transfer-Encoding on HTTP/1.0") {
    CHECK(rejected_with("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
  }

  TEST_CASE("chunked not the last coding is 400, an unknown coding before chunked is 501") {
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n") == 400);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n") == 400);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                        "Transfer-Encoding: gzip\r\n\r\n0\r\n\r\n") == 400);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n") == 400);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n") == 501);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n") == 0);
  }

  TEST_CASE("obs-fold, bare CR and CR, LF or NUL in header values") {
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n two\r\n\r\n") == 400);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n\ttwo\r\n\r\n") == 400);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-A:\r\n two\r\n\r\n") == 400);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-A: one \r\n  two\r\n\r\n") == 400);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: a\r\n b\r\n\r\n") ==
          400);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n") == 400);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\rX-A: b\r\n\r\n") == 400);
    CHECK(rejected_with(std::string_view("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\0b\r\n\r\n", 37)) == 400);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\nX-B: b\r\n\r\n") == 400);
    CHECK(rejected_with("GET /\r HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  }

  TEST_CASE("a missing or duplicated Host on HTTP/1.1") {
    CHECK(rejected_with("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") == 400);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
    CHECK(rejected_with("GET / HTTP/1.0\r\n\r\n") == 0);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost:\r\n\r\n") == 0);  // empty authority is allowed
  }

  TEST_CASE("malformed request lines are 400, a major version other than 1 is 505") {
    CHECK(rejected_with("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == 505);
    CHECK(rejected_with("GET / HTTP/0.9\r\nHost: h\r\n\r\n") == 505);
    CHECK(rejected_with("GET / HTTP/1.10\r\nHost: h\r\n\r\n") == 400);  // one digit each side
    CHECK(rejected_with("GET / HTTP/1\r\nHost: h\r\n\r\n") == 400);
    CHECK(rejected_with("GET / http/1.1\r\nHost: h\r\n\r\n") == 400);             // HTTP-name is case-sensitive
    CHECK(rejected_with("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03") == 400);  // TLS to a plain port
  }

  TEST_CASE("a request line over the limit is 414 (501 when the method alone is too long)") {
    Limits limits;
    limits.request_line = 64;
    // "GET " + target + " HTTP/1.1" is 13 bytes plus the target
    const std::string fits = "GET /" + std::string(50, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n";
    CHECK(rejected_with(fits, limits) == 0);
    const std::string too_long = "GET /" + std::string(51, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n";
    CHECK(rejected_with(too_long, limits) == 414);
    CHECK(rejected_with("GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", limits) == 414);
    CHECK(rejected_with(std::string(70, 'M') + " / HTTP/1.1\r\nHost: h\r\n\r\n", limits) == 501);
    limits.request_line = 0;  // unlimited
    CHECK(rejected_with("GET /" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", limits) == 0);
  }

  TEST_CASE("too many headers and too large a header line (counted with its CRLF, as gunicorn does) are 431") {
    Limits limits;
    limits.header_count = 3;
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits) == 0);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits) == 431);
    // dropped underscore headers count too: they were sent
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nA_1: 1\r\nB_2: 2\r\nC_3: 3\r\n\r\n", limits) == 431);
    limits = Limits{};
    limits.header_field_size = 20;
    // "X-Name: 0123456789" and its CRLF are 20 bytes: the most that fits.
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-Name: 0123456789\r\n\r\n", limits) == 0);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-Name: 0123456789a\r\n\r\n", limits) == 431);
    // Whitespace around the value counts: it was sent.
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-Name:  012345678\r\n\r\n", limits) == 0);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-Name:  0123456789\r\n\r\n", limits) == 431);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-Name: 012345678 \r\n\r\n", limits) == 0);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-Name: 0123456789 \r\n\r\n", limits) == 431);
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\n" + std::string(30, 'N') + ": v\r\n\r\n", limits) == 431);
    // A CR where the limit falls is fine when it ends the line, and a bare CR there is still a bare CR.
    CHECK(rejected_with("GET / HTTP/1.1\r\nHost: h\r\nX-Name: 0123456789\rX\r\n\r\n", limits) == 400);
  }

  TEST_CASE("a trailer flood is limited like headers") {
    Limits limits;
    limits.header_count = 3;
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "0\r\nT1: 1\r\nT2: 2\r\n\r\n",
                        limits) == 431);
  }

  TEST_CASE("a body over the limit is 413, a declared one before any body byte") {
    Limits limits;
    limits.body = 10;
    RequestParser parser(limits);
    CHECK(parser.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n") == ParseStatus::rejected);
    CHECK(parser.rejection().status == 413);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits) == 0);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "6\r\n012345\r\n5\r\n67890\r\n0\r\n\r\n",
                        limits) == 413);
  }

  TEST_CASE("a bad chunk size is 400") {
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == 400);
    CHECK(rejected_with("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "ffffffffffffffffff\r\n") == 400);
  }
}
