// The environ an app sees: PEP 3333 keys and types, latin-1 paths, joined duplicate headers, CONTENT_* keys,
// trusted-proxy rewriting, and wsgiref's validator finding nothing wrong.
#include <doctest/doctest.h>

#include "gateway_wsgi_support.hpp"

using deployctl::testing::body_of;
using deployctl::testing::head_of;
using deployctl::testing::WsgiFixture;

namespace {

// Echoes environ as sorted "KEY=repr(value)" lines (objects by type name).
const char* echo_app = R"PY(
def application(environ, start_response):
    lines = []
    for key in sorted(environ):
        value = environ[key]
        if key in ('wsgi.input', 'wsgi.errors', 'wsgi.file_wrapper'):
            value = '<object>'
        lines.append('%s=%r' % (key, value))
    body = '\n'.join(lines).encode('utf-8')
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [body]
)PY";

}  // namespace

TEST_SUITE("gateway_wsgi environ") {
  TEST_CASE("the request's keys have PEP 3333 names, types and values") {
    WsgiFixture app(echo_app);
    const std::string body =
        body_of(app.respond("POST /caf%C3%A9/x?a=1&b=%20 HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\n"
                            "Content-Length: 3\r\nX-Custom-Thing: yes\r\nAccept: a\r\nAccept: b\r\n\r\nabc"));
    CHECK(body.find("REQUEST_METHOD='POST'") != std::string::npos);
    CHECK(body.find("PATH_INFO='/cafÃ©/x'") != std::string::npos);  // UTF-8 bytes as latin-1 code points
    CHECK(body.find("QUERY_STRING='a=1&b=%20'") != std::string::npos);
    CHECK(body.find("SCRIPT_NAME=''") != std::string::npos);
    CHECK(body.find("SERVER_PROTOCOL='HTTP/1.1'") != std::string::npos);
    CHECK(body.find("SERVER_NAME='127.0.0.1'") != std::string::npos);
    CHECK(body.find("SERVER_PORT='8000'") != std::string::npos);
    CHECK(body.find("REMOTE_ADDR='192.0.2.7'") != std::string::npos);
    CHECK(body.find("REMOTE_PORT='5555'") != std::string::npos);
    CHECK(body.find("CONTENT_TYPE='text/plain'") != std::string::npos);
    CHECK(body.find("CONTENT_LENGTH='3'") != std::string::npos);
    CHECK(body.find("HTTP_CONTENT_TYPE") == std::string::npos);
    CHECK(body.find("HTTP_CONTENT_LENGTH") == std::string::npos);
    CHECK(body.find("HTTP_HOST='example.com'") != std::string::npos);
    CHECK(body.find("HTTP_X_CUSTOM_THING='yes'") != std::string::npos);
    CHECK(body.find("HTTP_ACCEPT='a,b'") != std::string::npos);
    CHECK(body.find("wsgi.version=(1, 0)") != std::string::npos);
    CHECK(body.find("wsgi.url_scheme='http'") != std::string::npos);
    CHECK(body.find("wsgi.multithread=False") != std::string::npos);
    CHECK(body.find("wsgi.multiprocess=False") != std::string::npos);
    CHECK(body.find("wsgi.run_once=False") != std::string::npos);
    CHECK(body.find("wsgi.input_terminated=True") != std::string::npos);
    CHECK(body.find("wsgi.input='<object>'") != std::string::npos);
    CHECK(body.find("wsgi.errors='<object>'") != std::string::npos);
  }

  TEST_CASE("the raw request-target is RAW_URI (gunicorn) and REQUEST_URI (uWSGI), percent-encoding kept") {
    WsgiFixture app(echo_app);
    const std::string body = body_of(app.respond("GET /caf%C3%A9/a%2Fb?x=%20 HTTP/1.1\r\nHost: h\r\n\r\n"));
    CHECK(body.find("RAW_URI='/caf%C3%A9/a%2Fb?x=%20'") != std::string::npos);
    CHECK(body.find("REQUEST_URI='/caf%C3%A9/a%2Fb?x=%20'") != std::string::npos);
    CHECK(body.find("PATH_INFO='/cafÃ©/a/b'") != std::string::npos);
  }

  TEST_CASE("an absolute-form target's authority is HTTP_HOST, whatever Host said (RFC 9112 §3.2.2)") {
    WsgiFixture app(echo_app);
    const std::string body =
        body_of(app.respond("GET http://target.example:8080/p?q=1 HTTP/1.1\r\nHost: header.example\r\n\r\n"));
    CHECK(body.find("HTTP_HOST='target.example:8080'") != std::string::npos);
    CHECK(body.find("header.example") == std::string::npos);
    CHECK(body.find("PATH_INFO='/p'") != std::string::npos);
    CHECK(body.find("QUERY_STRING='q=1'") != std::string::npos);
    CHECK(body.find("RAW_URI='http://target.example:8080/p?q=1'") != std::string::npos);
  }

  TEST_CASE("a request without a body has no CONTENT_LENGTH and HTTP/1.0 shows as such") {
    WsgiFixture app(echo_app);
    const std::string body = body_of(app.respond("GET / HTTP/1.0\r\n\r\n"));
    CHECK(body.find("CONTENT_LENGTH") == std::string::npos);
    CHECK(body.find("SERVER_PROTOCOL='HTTP/1.0'") != std::string::npos);
    CHECK(body.find("QUERY_STRING=''") != std::string::npos);
  }

  TEST_CASE("a chunked body is de-chunked and CONTENT_LENGTH gives its size") {
    WsgiFixture app(R"PY(
def application(environ, start_response):
    data = environ['wsgi.input'].read(int(environ['CONTENT_LENGTH']))
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [environ['CONTENT_LENGTH'].encode() + b':' + data]
)PY");
    const std::string response = app.respond(
        "POST /u HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    CHECK(body_of(response) == "5:abcde");
  }

  TEST_CASE("forwarding headers count only from trusted peers") {
    WsgiFixture app(echo_app);
    const std::string raw =
        "GET / HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 203.0.113.9, 10.0.0.1\r\nX-Forwarded-Proto: https\r\n\r\n";
    const std::string untrusted = body_of(app.respond(raw, "192.0.2.7"));
    CHECK(untrusted.find("REMOTE_ADDR='192.0.2.7'") != std::string::npos);
    CHECK(untrusted.find("wsgi.url_scheme='http'") != std::string::npos);
    const std::string trusted = body_of(app.respond(raw, "127.0.0.1"));
    CHECK(trusted.find("REMOTE_ADDR='10.0.0.1'") != std::string::npos);  // the first hop not trusted, from the right
    CHECK(trusted.find("wsgi.url_scheme='https'") != std::string::npos);
  }

  TEST_CASE("wsgiref's validator accepts the environ and the server's calls") {
    WsgiFixture app(R"PY(
from wsgiref.validate import validator
import sys

def inner(environ, start_response):
    body = environ['wsgi.input'].read(int(environ['CONTENT_LENGTH']))
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body) + 2))])
    return [b'ok', body]

application = validator(inner)
)PY");
    const std::string response =
        app.respond("POST /v?q=1 HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nbody");
    CHECK(head_of(response).starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(body_of(response) == "okbody");
  }
}
