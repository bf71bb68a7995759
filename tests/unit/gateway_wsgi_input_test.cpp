// wsgi.input: read(n), read(), readline(n), readlines(hint), iteration, EOF behaviour.
#include <doctest/doctest.h>

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

  TEST_CASE("a body too large for memory is read from its temporary file") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    stream = environ['wsgi.input']
    first = stream.readline()
    rest = stream.read()
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'%d %d' % (len(first), len(rest))]
)PY");
    const std::string body = "line\n" + std::string(3 * 1024 * 1024, 'z');
    CHECK(post(app, "/", body) == "5 " + std::to_string(3 * 1024 * 1024));
  }
}
