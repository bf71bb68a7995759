// What the per-request speed and per-worker memory work relies on: the app's import-time objects frozen out of the
// cyclic GC (so a worker's collections do not copy the master's pages), and results without close() answered
// without an exception raised and cleared per request.
#include <doctest/doctest.h>

#include "gateway_wsgi_support.hpp"

namespace {

using deployctl::testing::body_of;
using deployctl::testing::WsgiFixture;

const char* const gc_probe_app = R"PY(
import gc

import_time_list = ["made at import"]


def application(environ, start_response):
    request_time_list = ["made per request"]
    tracked = {id(o) for o in gc.get_objects()}
    body = f"{id(import_time_list) in tracked} {id(request_time_list) in tracked}".encode()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
)PY";

const char* const close_probe_app = R"PY(
class Body:
    def __iter__(self):
        return iter([b"counted"])

def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Body()
)PY";

}  // namespace

TEST_SUITE("gateway_wsgi perf") {
  TEST_CASE("objects the app made at import are frozen out of the cyclic GC, per-request ones are not") {
    WsgiFixture fixture(gc_probe_app);
    CHECK(body_of(fixture.get("/")) == "False True");
  }

  TEST_CASE("an iterable result without close() is answered in full on a kept-alive connection") {
    WsgiFixture fixture(close_probe_app);
    const std::string twice = fixture.respond("GET / HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(twice.find("HTTP/1.1 200 OK") == 0);
    CHECK(twice.find("HTTP/1.1 200 OK", 1) != std::string::npos);
    CHECK(twice.find("Content-Length: 7") != std::string::npos);
  }
}
