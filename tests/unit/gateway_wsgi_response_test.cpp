// start_response and the result: exc_info semantics, write(), streaming framing, file_wrapper, HEAD, close()
// always called, and refused response headers.
#include <doctest/doctest.h>

#include "gateway_wsgi_support.hpp"

using deployctl::testing::body_of;
using deployctl::testing::head_of;
using deployctl::testing::WsgiFixture;

TEST_SUITE("gateway_wsgi response") {
  TEST_CASE("a list result gets a Content-Length") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'Hello, ', b'world']
)PY");
    const std::string response = app.get("/");
    CHECK(head_of(response).starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(head_of(response).find("Content-Length: 12\r\n") != std::string::npos);
    CHECK(body_of(response) == "Hello, world");
  }

  TEST_CASE("a generator of several chunks is sent chunked, one chunk at a time") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    yield b'one'
    yield b''
    yield b'two'
)PY");
    const std::string response = app.get("/");
    CHECK(head_of(response).find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    CHECK(body_of(response) == "3\r\none\r\n3\r\ntwo\r\n0\r\n\r\n");
  }

  TEST_CASE("a generator of one chunk gets a Content-Length") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    yield b'only'
)PY");
    const std::string response = app.get("/");
    CHECK(head_of(response).find("Content-Length: 4\r\n") != std::string::npos);
    CHECK(body_of(response) == "only");
  }

  TEST_CASE("HEAD sends the head without the body") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '5')])
    return [b'hello']
)PY");
    const std::string response = app.respond("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(head_of(response).find("Content-Length: 5\r\n") != std::string::npos);
    CHECK(body_of(response).empty());
  }

  TEST_CASE("write() sends data before the returned iterable") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    write = start_response('200 OK', [('Content-Type', 'text/plain')])
    write(b'first ')
    return [b'second']
)PY");
    const std::string response = app.get("/");
    CHECK(body_of(response) == "6\r\nfirst \r\n6\r\nsecond\r\n0\r\n\r\n");
  }

  TEST_CASE("exc_info before the head is sent replaces the response") {
    WsgiFixture app(R"PY(
import sys
def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    try:
        raise ValueError('boom')
    except ValueError:
        start_response('500 Internal Server Error', [('Content-Type', 'text/plain')], sys.exc_info())
    return [b'handled']
)PY");
    const std::string response = app.get("/");
    CHECK(head_of(response).starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
    CHECK(body_of(response) == "handled");
  }

  TEST_CASE("exc_info after the head is sent re-raises and the response is cut") {
    WsgiFixture app(R"PY(
import sys
def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    yield b'partial'
    yield b'more'
    try:
        raise ValueError('late')
    except ValueError:
        start_response('500 Internal Server Error', [], sys.exc_info())
    yield b'never'
)PY");
    const std::string response = app.respond("GET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(head_of(response).starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(response.find("never") == std::string::npos);
    CHECK(response.find("0\r\n\r\n") == std::string::npos);     // no last chunk: the client sees a cut response
    CHECK(response.find("HTTP/1.1", 10) == std::string::npos);  // and the connection is not reused
  }

  TEST_CASE("a second start_response without exc_info is an error answered 500") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    start_response('200 OK', [])
    start_response('201 Created', [])
    return [b'x']
)PY");
    CHECK(head_of(app.get("/")).starts_with("HTTP/1.1 500 "));
  }

  TEST_CASE("an app that raises gets a 500 and the connection survives for the next request") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    if environ['PATH_INFO'] == '/boom':
        raise RuntimeError('boom')
    start_response('200 OK', [('Content-Length', '2')])
    return [b'ok']
)PY");
    const std::string response =
        app.respond("GET /boom HTTP/1.1\r\nHost: t\r\n\r\nGET /fine HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(response.starts_with("HTTP/1.1 500 "));
    // The canned 500 closes the connection: the pipelined request is not answered.
    CHECK(response.find("HTTP/1.1 200 OK") == std::string::npos);
  }

  TEST_CASE("pipelined requests are answered in order") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [environ['PATH_INFO'].encode()]
)PY");
    const std::string response = app.respond(
        "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\nGET /c HTTP/1.1\r\nHost: t\r\n\r\n");
    const std::size_t a = response.find("\r\n\r\n/a");
    const std::size_t b = response.find("\r\n\r\n/b");
    const std::size_t c = response.find("\r\n\r\n/c");
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    REQUIRE(c != std::string::npos);
    CHECK(a < b);
    CHECK(b < c);
  }

  TEST_CASE("close() is called after success, after an exception, and after the client is answered") {
    WsgiFixture app(R"PY(
closed = []
class Body:
    def __init__(self, path, fail):
        self.path, self.fail = path, fail
    def __iter__(self):
        yield b'x'
        if self.fail:
            raise RuntimeError('fail while iterating')
        yield b'y'
    def close(self):
        closed.append(self.path)

def application(environ, start_response):
    path = environ['PATH_INFO']
    if path == '/closed':
        start_response('200 OK', [])
        return [','.join(closed).encode()]
    start_response('200 OK', [])
    return Body(path, path == '/fail')
)PY");
    app.get("/ok");
    app.get("/fail");
    CHECK(body_of(app.get("/closed")) == "/ok,/fail");
  }

  TEST_CASE("response headers with CR or LF are refused with a 500") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    start_response('200 OK', [('X-Evil', 'a\r\nSet-Cookie: injected=1')])
    return [b'body']
)PY");
    const std::string response = app.get("/");
    CHECK(response.starts_with("HTTP/1.1 500 "));
    CHECK(response.find("injected") == std::string::npos);
  }

  TEST_CASE("file_wrapper sends a real file whole, from the file's position") {
    WsgiFixture app(R"PY(
import os, tempfile
path = os.path.join(tempfile.gettempdir(), 'deployctl-wrapper-%d.txt' % os.getpid())
with open(path, 'wb') as f:
    f.write(b'0123456789' * 1000)

def application(environ, start_response):
    f = open(path, 'rb')
    f.seek(int(environ['QUERY_STRING'] or 0))
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return environ['wsgi.file_wrapper'](f, 4096)
)PY");
    const std::string whole = app.get("/");
    CHECK(head_of(whole).find("Content-Length: 10000\r\n") != std::string::npos);
    CHECK(body_of(whole).size() == 10000);
    const std::string tail = app.get("/?9990");
    CHECK(body_of(tail) == "0123456789");
  }

  TEST_CASE("file_wrapper over a non-file object is iterated") {
    WsgiFixture app(R"PY(
import io
def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return environ['wsgi.file_wrapper'](io.BytesIO(b'abcdefghij'), 4)
)PY");
    const std::string response = app.get("/");
    CHECK(body_of(response).find("abcd") != std::string::npos);
    CHECK(body_of(response).find("ij") != std::string::npos);
  }
}
