// wsgi.input: read(n), read(), readline(n), readlines(hint), iteration, EOF behaviour.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "gateway_wsgi_support.hpp"

using deployctl::testing::body_of;
using deployctl::testing::WsgiFixture;

namespace {

std::string post(WsgiFixture& app, const std::string& target, const std::string& body) {
  return body_of(app.respond(
      "POST " + target + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
}

const char* input_app = R"PY(
def application(environ, start_response):
    stream = environ['wsgi.input']
    how = environ['PATH_INFO']
    if how == '/read':
        parts = [stream.read(3), stream.read(None), stream.read(5), stream.read()]
    elif how == '/readline':
        parts = [stream.readline(), stream.readline(2), stream.readline(-1), stream.readline(), stream.readline()]
    elif how == '/readlines':
        parts = stream.readlines()
    elif how == '/hint':
        parts = stream.readlines(4)
    else:
        parts = list(stream)
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [repr(parts).encode()]
)PY";

// The first line's length and the rest's.
const char* line_and_rest_app = R"PY(
def application(environ, start_response):
    stream = environ['wsgi.input']
    first = stream.readline()
    rest = stream.read()
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'%d %d' % (len(first), len(rest))]
)PY";

}  // namespace

TEST_SUITE("gateway_wsgi input") {
  TEST_CASE("read with and without a size") {
    WsgiFixture app(input_app);
    CHECK(post(app, "/read", "abcdefgh") == "[b'abc', b'defgh', b'', b'']");
  }

  TEST_CASE("readline with and without a limit") {
    WsgiFixture app(input_app);
    CHECK(post(app, "/readline", "one\ntwo\nthree") == "[b'one\\n', b'tw', b'o\\n', b'three', b'']");
  }

  TEST_CASE("readlines with and without a hint") {
    WsgiFixture app(input_app);
    CHECK(post(app, "/readlines", "a\nbb\nccc") == "[b'a\\n', b'bb\\n', b'ccc']");
    CHECK(post(app, "/hint", "a\nbb\nccc\n") == "[b'a\\n', b'bb\\n']");
  }

  TEST_CASE("iteration yields lines") {
    WsgiFixture app(input_app);
    CHECK(post(app, "/iter", "x\ny\n") == "[b'x\\n', b'y\\n']");
    CHECK(post(app, "/iter", "") == "[]");
  }

  TEST_CASE("a Content-Length body past 1 MiB is read from the connection as the app reads it") {
    WsgiFixture app(line_and_rest_app);
    const std::string body = "line\n" + std::string(3 * 1024 * 1024, 'z');
    CHECK(post(app, "/", body) == "5 " + std::to_string(3 * 1024 * 1024));
  }

  TEST_CASE("a chunked body past 1 MiB is read from its temporary file") {
    WsgiFixture app(line_and_rest_app);
    const std::string body = "line\n" + std::string(3 * 1024 * 1024, 'z');
    char size[32];
    std::snprintf(size, sizeof size, "%zx", body.size());
    const std::string response = app.respond("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                             std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n");
    CHECK(body_of(response) == "5 " + std::to_string(3 * 1024 * 1024));
  }

  TEST_CASE("100 Continue goes out when the app first reads, never to an app that answers without reading") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    body = environ['wsgi.input'].read() if environ['PATH_INFO'] == '/read' else b'unread'
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [body]
)PY");
    const std::string request = " HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello";
    const std::string read = app.respond("POST /read" + request);
    CHECK_MESSAGE(read.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), read);
    CHECK(body_of(body_of(read)) == "hello");
    // Unread, the body cannot be skipped: the connection ends after the answer.
    const std::string unread = app.respond("POST /skip" + request + "GET /read HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK_MESSAGE(unread.starts_with("HTTP/1.1 200 OK\r\n"), unread);
    CHECK(unread.find("100 Continue") == std::string::npos);
    CHECK(unread.find("Connection: close\r\n") != std::string::npos);
    CHECK(body_of(unread) == "unread");
  }
}
