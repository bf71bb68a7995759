// Request parser, what the request means (RFC 9110 §2.5, §7.2, §9.1; RFC 9112 §3.2): any method token is handed on,
// HTTP/1.x minor versions above 1 are answered as 1.1, the target's forms, the Host header's syntax and an
// absolute-form target's authority in its place, and singleton fields that must not be joined.
#include <doctest/doctest.h>

#include <string>

#include "gateway/http/request_target.hpp"
#include "gateway_http_support.hpp"

using namespace deployctl::gateway::http;
using deployctl::gateway::http::testing::OwnedRequest;
using deployctl::gateway::http::testing::parse_at_every_split;
using deployctl::gateway::http::testing::refusal;

namespace {

// The one request `raw` holds, which must be accepted.
OwnedRequest accepted(std::string_view raw) {
  const auto outcome = parse_at_every_split(raw);
  CHECK_FALSE(outcome.rejected_status.has_value());
  REQUIRE(outcome.requests.size() == 1);
  return outcome.requests[0];
}

std::string host_of(const OwnedRequest& request) {
  std::string found = "<none>";
  for (const auto& [name, value] : request.headers)
    if (equals_ignore_case(name, "host")) found = value;
  return found;
}

}  // namespace

TEST_SUITE("gateway http semantics") {
  TEST_CASE("any method token is handed on as sent, llhttp's list or not") {
    for (const char* method : {"FOO", "QUERY", "-BLARGH", "get", "M-SEARCH", "BREW", "a!#$%&'*+.^_`|~z"}) {
      CAPTURE(method);
      CHECK(accepted(std::string(method) + " /x HTTP/1.1\r\nHost: h\r\n\r\n").method == method);
    }
    // The framing of an unknown method's request is the same as for any other: its body is read.
    const auto outcome = parse_at_every_split(
        "QUERY /q HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
        "FOO / HTTP/1.1\r\nHost: h\r\n\r\n");
    REQUIRE(outcome.requests.size() == 2);
    CHECK(outcome.requests[0].body == "abc");
    CHECK(outcome.requests[1].method == "FOO");
  }

  TEST_CASE("CONNECT keeps llhttp's reading of it: authority-form, and the connection ends after it") {
    const auto request = accepted("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    CHECK(request.method == "CONNECT");
    CHECK(request.target == "example.com:443");
    CHECK_FALSE(request.keep_alive);
  }

  TEST_CASE("HTTP/1.2 to 1.9 are answered as 1.1, majors other than 1 are 505") {
    CHECK(accepted("GET / HTTP/1.2\r\nHost: h\r\n\r\n").http_minor == 1);
    CHECK(accepted("GET / HTTP/1.9\r\nHost: h\r\nConnection: close\r\n\r\n").keep_alive == false);
    CHECK(refusal("GET / HTTP/1.2\r\n\r\n") == 400);  // as 1.1, it needs a Host
    CHECK(refusal("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == 505);
    CHECK(refusal("GET / HTTP/3.1\r\nHost: h\r\n\r\n") == 505);
    CHECK(refusal("GET / HTTP/0.9\r\nHost: h\r\n\r\n") == 505);
    CHECK(refusal("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == 505);  // an HTTP/2 preface sent to HTTP/1.1
  }

  TEST_CASE("target forms: origin for all, asterisk only for OPTIONS, absolute only http(s) with a host") {
    CHECK(accepted("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").path == "*");
    CHECK(refusal("GET * HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(accepted("GET HTTP://Example.com/a?b HTTP/1.1\r\nHost: h\r\n\r\n").path == "/a");
    CHECK(refusal("GET ftp://example.com/a HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET http:///a HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET http://:80/a HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET http://user:pw@example.com/a HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
    CHECK(refusal("GET example.com:80 HTTP/1.1\r\nHost: h\r\n\r\n") == 400);  // authority-form is CONNECT's
  }

  TEST_CASE("an absolute-form target's authority is the host: Host is ignored, or added when absent") {
    const auto overridden = accepted(
        "GET http://target.example:8080/p?q HTTP/1.1\r\nHost: header.example\r\n"
        "X-After: 1\r\n\r\n");
    CHECK(host_of(overridden) == "target.example:8080");
    CHECK(overridden.headers.size() == 2);
    CHECK(overridden.path == "/p");
    CHECK(overridden.query == "q");
    CHECK(overridden.target == "http://target.example:8080/p?q");
    const auto added = accepted("GET https://[2001:db8::1]/ HTTP/1.0\r\n\r\n");
    CHECK(host_of(added) == "[2001:db8::1]");
    CHECK(accepted("GET / HTTP/1.0\r\n\r\n").headers.empty());
    // The ignored Host is still checked: an invalid one is refused.
    CHECK(refusal("GET http://a/ HTTP/1.1\r\nHost: a b\r\n\r\n") == 400);
  }

  TEST_CASE("Host is a uri-host and an optional port, may be empty, and holds no whitespace, slash or at sign") {
    for (const char* host : {"example.com", "example.com:8080", "127.0.0.1", "[::1]:80", "[v1.fe80::a+en1]",
                             "xn--bcher-kva.example", "a.b-c_d~e!$&'()*+,;=", "%41", "example.com:", ""}) {
      CAPTURE(host);
      CHECK(is_valid_host(host));
      CHECK(refusal("GET / HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n") == 0);
    }
    for (const char* host : {"a b", "a/b", "user@example.com", "example.com:80a", "[::1", "[::g]", "a:b:c", "%4",
                             "[::1]x", "caf\xc3\xa9.example", "a\"b", "a\\b", "[]"}) {
      CAPTURE(host);
      CHECK_FALSE(is_valid_host(host));
      CHECK(refusal("GET / HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n") == 400);
    }
  }

  TEST_CASE("singleton fields: a second Content-Type or Authorization is 400, other repeats are kept") {
    CHECK(refusal("POST / HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\ncontent-type: text/html\r\n"
                  "Content-Length: 0\r\n\r\n") == 400);
    CHECK(refusal("GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic YTpi\r\nAuthorization: Basic Yzpk\r\n\r\n") ==
          400);
    const auto repeated = accepted(
        "GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\nAccept: b\r\nCookie: x=1\r\n"
        "Cookie: y=2\r\n\r\n");
    CHECK(repeated.headers.size() == 5);
  }

  TEST_CASE("split_target names the form and the authority") {
    const auto absolute = split_target("http://h:1/p/q?x#f");
    CHECK(absolute.form == TargetForm::absolute);
    CHECK(absolute.scheme == "http");
    CHECK(absolute.authority == "h:1");
    CHECK(absolute.path == "/p/q");
    CHECK(absolute.query == "x");
    CHECK(split_target("http://h").path == "/");
    CHECK(split_target("/p").form == TargetForm::origin);
    CHECK(split_target("*").form == TargetForm::asterisk);
    CHECK(split_target("h:443").form == TargetForm::other);
  }
}
