// Response heads: the framing table, keep-alive, refused status lines and header injection, chunk encoding,
// HTTP dates and the canned error responses.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gateway/http/response_head.hpp"

using namespace deployctl::gateway::http;

namespace {

struct Built {
  std::string head;
  ResponseFraming framing;
};

Built build(std::string_view status, std::vector<Header> headers, ResponseContext context = {}) {
  std::string out;
  auto result = append_response_head(out, status, headers, context);
  REQUIRE(result.has_value());
  return {out, *result};
}

std::string refused(std::string_view status, std::vector<Header> headers) {
  std::string out = "kept";
  auto result = append_response_head(out, status, headers, ResponseContext{});
  REQUIRE_FALSE(result.has_value());
  CHECK(out == "kept");  // nothing appended
  return result.error().message;
}

}  // namespace

TEST_SUITE("gateway http response") {
  TEST_CASE("a head with Content-Length keeps it and the connection") {
    const auto built = build("200 OK", {{"Content-Type", "text/plain"}, {"Content-Length", "5"}});
    CHECK(built.framing.status == 200);
    CHECK(built.framing.framing == Framing::content_length);
    CHECK(built.framing.content_length == 5u);
    CHECK(built.framing.keep_alive);
    CHECK(built.head.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nDate: "));
    CHECK(built.head.ends_with(" GMT\r\n\r\n"));
    CHECK(built.head.find("Connection") == std::string::npos);
    CHECK(built.head.find("Server") == std::string::npos);
  }

  TEST_CASE("the framing table") {
    ResponseContext http11;
    ResponseContext http10;
    http10.http_minor = 0;
    ResponseContext head;
    head.head_request = true;
    const std::vector<Header> none;

    SUBCASE("HTTP/1.1 without a length is chunked") {
      const auto built = build("200 OK", none, http11);
      CHECK(built.framing.framing == Framing::chunked);
      CHECK(built.framing.keep_alive);
      CHECK(built.head.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    }
    SUBCASE("a known body length becomes Content-Length") {
      ResponseContext known;
      known.known_body_length = 12;
      const auto built = build("200 OK", none, known);
      CHECK(built.framing.framing == Framing::content_length);
      CHECK(built.head.find("Content-Length: 12\r\n") != std::string::npos);
    }
    SUBCASE("HTTP/1.0 without a length is close-delimited") {
      const auto built = build("200 OK", none, http10);
      CHECK(built.framing.framing == Framing::close_delimited);
      CHECK_FALSE(built.framing.keep_alive);
      CHECK(built.head.find("Connection: close\r\n") != std::string::npos);
      CHECK(built.head.find("Transfer-Encoding") == std::string::npos);
    }
    SUBCASE("HTTP/1.0 keep-alive with a length says so") {
      const auto built = build("200 OK", {{"Content-Length", "0"}}, http10);
      CHECK(built.framing.keep_alive);
      CHECK(built.head.find("Connection: keep-alive\r\n") != std::string::npos);
    }
    SUBCASE("HEAD, 1xx, 204 and 304 have no body and are never chunked") {
      for (const auto* status : {"204 No Content", "304 Not Modified", "101 Switching Protocols"}) {
        CAPTURE(status);
        const auto built = build(status, none, http11);
        CHECK(built.framing.framing == Framing::none);
        CHECK(built.head.find("Transfer-Encoding") == std::string::npos);
      }
      const auto built = build("200 OK", {{"Content-Length", "99"}}, head);
      CHECK(built.framing.framing == Framing::none);
      CHECK(built.head.find("Content-Length: 99\r\n") != std::string::npos);
    }
    SUBCASE("an app's Content-Length is never sent with a 1xx or a 204, and kept with a 304 (RFC 9110 §8.6)") {
      for (const auto* status : {"204 No Content", "100 Continue", "103 Early Hints"}) {
        CAPTURE(status);
        const auto built = build(status, {{"X-A", "1"}, {"content-length", "12"}, {"X-B", "2"}}, http11);
        CHECK(built.framing.framing == Framing::none);
        CHECK_FALSE(built.framing.content_length.has_value());
        CHECK(built.head.find("ength") == std::string::npos);
        CHECK(built.head.find("X-A: 1\r\nX-B: 2\r\n") != std::string::npos);
      }
      const auto not_modified = build("304 Not Modified", {{"Content-Length", "12"}, {"ETag", "\"a\""}}, http11);
      CHECK(not_modified.head.find("Content-Length: 12\r\n") != std::string::npos);
      CHECK(not_modified.framing.framing == Framing::none);
    }
    SUBCASE("a draining server or the app's Connection: close ends the connection") {
      ResponseContext draining;
      draining.keep_alive = false;
      auto built = build("200 OK", {{"Content-Length", "0"}}, draining);
      CHECK_FALSE(built.framing.keep_alive);
      CHECK(built.head.find("Connection: close\r\n") != std::string::npos);
      built = build("200 OK", {{"Content-Length", "0"}, {"Connection", "Close"}});
      CHECK_FALSE(built.framing.keep_alive);
      CHECK(built.head.find("Connection: Close") == std::string::npos);  // ours replaces the app's
    }
  }

  TEST_CASE("hop-by-hop headers from the app are not forwarded, Date and Server are the app's if set") {
    ResponseContext context;
    context.server = "deployctl";
    const auto built = build("200 OK",
                             {{"Transfer-Encoding", "chunked"},
                              {"Keep-Alive", "timeout=5"},
                              {"Upgrade", "h2c"},
                              {"Date", "Sun, 06 Nov 1994 08:49:37 GMT"},
                              {"Set-Cookie", "a=1"},
                              {"Set-Cookie", "b=2"}},
                             context);
    CHECK(built.head.find("Keep-Alive") == std::string::npos);
    CHECK(built.head.find("Upgrade") == std::string::npos);
    CHECK(built.head.find("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n") != std::string::npos);
    CHECK(built.head.find("Date:", built.head.find("Date:") + 1) == std::string::npos);
    CHECK(built.head.find("Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n") != std::string::npos);
    CHECK(built.head.find("Server: deployctl\r\n") != std::string::npos);
    // Transfer-Encoding is ours: exactly one, from the framing decision
    CHECK(built.head.find("Transfer-Encoding: chunked") == built.head.rfind("Transfer-Encoding: chunked"));
  }

  TEST_CASE("header injection and bad status lines are refused") {
    CHECK_FALSE(refused("200 OK", {{"X-A", "a\r\nSet-Cookie: evil=1"}}).empty());
    CHECK_FALSE(refused("200 OK", {{"X-A", "a\nb"}}).empty());
    CHECK_FALSE(refused("200 OK", {{"X-A", std::string_view("a\0b", 3)}}).empty());
    CHECK_FALSE(refused("200 OK", {{"X-A\r\nX-B", "v"}}).empty());
    CHECK_FALSE(refused("200 OK", {{"X A", "v"}}).empty());
    CHECK_FALSE(refused("200 OK", {{"", "v"}}).empty());
    CHECK_FALSE(refused("200 OK\r\nX-Evil: 1", {}).empty());
    CHECK_FALSE(refused("OK", {}).empty());
    CHECK_FALSE(refused("99 Low", {}).empty());
    CHECK_FALSE(refused("600 High", {}).empty());
    CHECK_FALSE(refused("200OK", {}).empty());
    CHECK_FALSE(refused("200 OK", {{"Content-Length", "abc"}}).empty());
    CHECK_FALSE(refused("200 OK", {{"Content-Length", "1"}, {"Content-Length", "2"}}).empty());
    CHECK(refused("200 OK", {{"X-A", "a\r\nb"}}).find("X-A") != std::string::npos);
    CHECK(build("200", {}).framing.status == 200);
    CHECK(build("418 I'm a teapot", {{"Content-Length", "1"}, {"content-length", "1"}}).framing.status == 418);
  }

  TEST_CASE("chunk encoding") {
    CHECK(encode_chunk_header(1).view() == "1\r\n");
    CHECK(encode_chunk_header(255).view() == "ff\r\n");
    CHECK(encode_chunk_header(0xFFFFFFFFFFFFFFFFull).view() == "ffffffffffffffff\r\n");
    std::string out;
    append_chunk(out, "hello");
    append_chunk(out, "");
    out.append(last_chunk);
    CHECK(out == "5\r\nhello\r\n0\r\n\r\n");
  }

  TEST_CASE("HTTP dates are formatted and parsed in all three forms") {
    char buffer[32];
    CHECK(format_http_date(784111777, buffer) == "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
    CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == 784111777);
    CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == 784111777);
    CHECK_FALSE(parse_http_date("yesterday").has_value());
    CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC").has_value());
    CHECK_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT").has_value());
    CHECK(http_date_now().size() == 29);
    CHECK(http_date_now().ends_with(" GMT"));
  }

  TEST_CASE("canned error responses are complete and close the connection") {
    for (int status : {400, 404, 405, 408, 413, 414, 417, 431, 500, 501, 503, 505}) {
      CAPTURE(status);
      std::string out;
      append_error_response(out, status);
      CHECK(out.starts_with("HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n"));
      CHECK(out.find("\r\nConnection: close\r\n") != std::string::npos);
      const auto body_at = out.find("\r\n\r\n") + 4;
      const auto body = out.substr(body_at);
      CHECK(body == std::string(reason_phrase(status)) + "\n");
      CHECK(out.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
    }
    std::string out;
    append_error_response(out, 431, /*head_request=*/true);
    CHECK(out.ends_with("\r\n\r\n"));
    out.clear();
    append_error_response(out, 299);
    CHECK(out.starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
  }
}
