#!/usr/bin/python3
# Hostile clients against `deployctl serve`, over raw sockets: every request-smuggling shape of issue #3 is
# refused with the right status and the connection closed; limits answer 414/431/413; underscore headers never
# reach the app; a CR/LF response header from the app becomes a 500 and is never sent; slowloris and header
# floods are cut off; pipelining, Expect: 100-continue and keep-alive work. `--interface asgi` runs the same cases
# against serve_apps/echo_asgi.py (issue 14): the HTTP layer in front of both interfaces is one.
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, ECHO_APPS, Reader, clean_env, connect, expect, expect_equal,  # noqa: E402
                          interface_choice, run_suite, serve_help, server_choice, start)

LIMIT_LINE = 300
LIMIT_FIELDS = 20
LIMIT_FIELD_SIZE = 400
LIMIT_BODY = 1000
HEADER_TIMEOUT = 1.0

# (case, raw request, acceptable statuses): each must be refused and its connection closed.
REJECTIONS = [
    ("conflicting Content-Length", b"POST /headers HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", {400}),
    ("duplicated Content-Length", b"POST /headers HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", {400}),
    ("Content-Length list", b"POST /headers HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello", {400}),
    ("Content-Length not a number", b"POST /headers HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello", {400}),
    ("Transfer-Encoding with Content-Length",
     b"POST /headers HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {400}),
    ("Transfer-Encoding on HTTP/1.0",
     b"POST /headers HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", {400}),
    ("chunked not the last coding",
     b"POST /headers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", {400, 501}),
    ("obs-fold", b"GET /headers HTTP/1.1\r\nHost: x\r\nX-Folded: one\r\n two\r\n\r\n", {400}),
    ("bare CR in a header value", b"GET /headers HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n", {400}),
    ("bare CR ending a line", b"GET /headers HTTP/1.1\rHost: x\r\n\r\n", {400}),
    ("bare LF in a header value", b"GET /headers HTTP/1.1\r\nHost: x\r\nX-Bad: a\nb\r\n\r\n", {400}),
    ("NUL in a header value", b"GET /headers HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n", {400}),
    ("missing Host on HTTP/1.1", b"GET /headers HTTP/1.1\r\nX-A: b\r\n\r\n", {400}),
    ("duplicated Host on HTTP/1.1", b"GET /headers HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", {400}),
    ("request line over --limit-request-line",
     b"GET /" + b"a" * (LIMIT_LINE + 10) + b" HTTP/1.1\r\nHost: x\r\n\r\n", {400, 414}),
    ("header count over --limit-request-fields",
     b"GET /headers HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(LIMIT_FIELDS + 5)) + b"\r\n",
     {431}),
    ("header over --limit-request-field_size",
     b"GET /headers HTTP/1.1\r\nHost: x\r\nX-Big: " + b"v" * (LIMIT_FIELD_SIZE + 10) + b"\r\n\r\n", {431}),
    ("declared body over --limit-request-body",
     b"POST /headers HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (LIMIT_BODY + 1) + b"b" * (LIMIT_BODY + 1), {413}),
    ("chunked body over --limit-request-body",
     b"POST /headers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + b"200\r\n" + b"c" * 512 + b"\r\n"
     + b"200\r\n" + b"c" * 512 + b"\r\n0\r\n\r\n", {413}),
    ("invalid chunk size", b"POST /headers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", {400}),
]


def main(argv):
    binary, against = server_choice(argv)
    interface = interface_choice(argv)
    servers = []

    def body(cases, workdir):
        flags = ["--workers", "1", "--keep-alive", "5", "--limit-request-line", str(LIMIT_LINE),
                 "--limit-request-fields", str(LIMIT_FIELDS), "--limit-request-field_size", str(LIMIT_FIELD_SIZE)]
        header_timeout_flag = False
        if against == "deployctl":
            flags += ["--limit-request-body", str(LIMIT_BODY)]
            # The header-read timeout has no gunicorn name; without a flag the default (10 s) is too slow to test.
            header_timeout_flag = "--header-timeout" in serve_help(binary)
            if header_timeout_flag:
                flags += ["--header-timeout", str(HEADER_TIMEOUT)]
        server = start(against, binary, ECHO_APPS[interface], APPS_DIR, flags, clean_env(), workdir)
        servers.append(server)
        port = server.port

        def refused(raw, statuses):
            with connect(port) as sock:
                try:
                    sock.sendall(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # refused before we finished sending: fine, the response may still be readable
                reader = Reader(sock)
                response = reader.read_response()
                expect(response is not None, "an error response, not a silent close")
                expect(response.status in statuses,
                       f"status {response.status} is one of {sorted(statuses)} (body {response.body[:120]!r})")
                expect(b"HTTP_" not in response.body, "the app never answered")
                expect(reader.closed_by_peer(), "the connection is closed after the refusal")

        for name, raw, statuses in REJECTIONS:
            cases.run(f"refused: {name}", refused, raw, statuses)

        def echo(raw):
            with connect(port) as sock:
                sock.sendall(raw)
                response = Reader(sock).read_response()
            expect(response is not None, "a response")
            expect_equal(response.status, 200, f"status (body {response.body[:200]!r})")
            return json.loads(response.body)

        def http10_without_host():
            found = echo(b"GET /headers HTTP/1.0\r\n\r\n")
            expect("HTTP_HOST" not in found, "no Host, no HTTP_HOST")
        cases.run("HTTP/1.0 without Host is fine", http10_without_host)

        def body_at_limit():
            found = echo(b"POST /headers HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
                         % LIMIT_BODY + b"b" * LIMIT_BODY)
            expect_equal(found["body_size"], LIMIT_BODY, "a body of exactly --limit-request-body bytes is read")
        if against == "deployctl":
            cases.run("body at --limit-request-body accepted", body_at_limit)

        def underscores_dropped():
            found = echo(b"GET /headers HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX_Forwarded_For: 6.6.6.6\r\n"
                         b"X-Forwarded-For: 1.2.3.4\r\nFoo_Bar: smuggled\r\nX-Plain: kept\r\n\r\n")
            expect_equal(found.get("HTTP_X_FORWARDED_FOR"), "1.2.3.4", "HTTP_X_FORWARDED_FOR comes from the dashed header only")
            expect("HTTP_FOO_BAR" not in found, f"Foo_Bar is dropped: {found}")
            expect_equal(found.get("HTTP_X_PLAIN"), "kept", "other headers are kept")
        cases.run("header names with underscores dropped", underscores_dropped)

        def bad_response_header(path):
            with connect(port) as sock:
                sock.sendall(b"GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path.encode())
                raw = b""
                sock.settimeout(5)
                while True:
                    data = sock.recv(65536)
                    if not data:
                        break
                    raw += data
            expect(raw.startswith(b"HTTP/1.1 500 "), f"a 500 instead of the app's response: {raw[:200]!r}")
            expect(b"evil" not in raw and b"must never be sent" not in raw, f"the app's header is never sent: {raw!r}")
            log = server.error_log()
            expect("X-Injected" in log or "header" in log.lower(), "the error log says which header was refused")
        cases.run("response header with CR LF from the app: 500", bad_response_header, "/bad-header")
        cases.run("response header with LF from the app: 500", bad_response_header, "/bad-header-lf")

        def slowloris():
            expect(against != "deployctl" or header_timeout_flag, "deployctl serve has a --header-timeout flag")
            with connect(port, timeout=HEADER_TIMEOUT + 5) as sock:
                started = time.monotonic()
                sock.sendall(b"GET /headers HTTP/1.1\r\nHost: x\r\n")
                closed = False
                while time.monotonic() - started < HEADER_TIMEOUT + 4:
                    try:
                        sock.sendall(b"X-Slow: a\r\n")
                    except (BrokenPipeError, ConnectionResetError):
                        closed = True
                        break
                    sock.settimeout(0.25)
                    try:
                        data = sock.recv(65536)
                        if not data or data.startswith(b"HTTP/1.1 408") or data.startswith(b"HTTP/1.1 4"):
                            closed = True
                            break
                    except TimeoutError:
                        pass
                    except ConnectionResetError:
                        closed = True
                        break
                elapsed = time.monotonic() - started
            expect(closed, f"a head trickling in (one header every 0.25 s) is cut off; still open after {elapsed:.1f} s")
            expect(elapsed < HEADER_TIMEOUT + 3, f"cut off near the header timeout of {HEADER_TIMEOUT} s, not after {elapsed:.1f} s")
        cases.run("slowloris: header-read timeout", slowloris)

        def header_flood():
            flood = b"GET /headers HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-F%d: %s\r\n" % (i, b"f" * 50) for i in range(20000))
            started = time.monotonic()
            with connect(port) as sock:
                try:
                    sock.sendall(flood)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                reader = Reader(sock)
                response = reader.read_response()
                expect(response is not None and response.status in (400, 431),
                       f"1.2 MB of headers answered 431 (or 400): {response}")
            expect(time.monotonic() - started < 5, "refused at once")
            expect(echo(b"GET /headers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") is not None,
                   "the server still answers after the flood")
        cases.run("header flood", header_flood)

        def pipelined():
            with connect(port) as sock:
                sock.sendall(b"GET /path?first HTTP/1.1\r\nHost: x\r\n\r\n"
                             b"POST /headers HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nsecond"
                             b"GET /sleep?s=0.2 HTTP/1.1\r\nHost: x\r\n\r\n"
                             b"GET /path?fourth HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                reader = Reader(sock)
                responses = [reader.read_response() for _ in range(4)]
            expect(all(r is not None and r.status == 200 for r in responses), f"four 200s: {responses}")
            expect_equal(json.loads(responses[0].body)["QUERY_STRING"], "first", "first response")
            expect_equal(json.loads(responses[1].body)["body_size"], 6, "second response")
            expect_equal(responses[2].body, b"slept", "third response")
            expect_equal(json.loads(responses[3].body)["QUERY_STRING"], "fourth", "fourth response")
        cases.run("pipelined requests answered in order", pipelined)

        def expect_continue():
            with connect(port) as sock:
                sock.sendall(b"POST /headers HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 11\r\n"
                             b"Expect: 100-continue\r\n\r\n")
                reader = Reader(sock)
                interim = reader.read_response()
                expect(interim is not None and interim.status == 100, f"100 Continue before the body: {interim}")
                sock.sendall(b"hello world")
                final = reader.read_response()
            expect(final is not None and final.status == 200, f"200 after the body: {final}")
            expect_equal(json.loads(final.body)["body_size"], 11, "body read after 100 Continue")
        cases.run("Expect: 100-continue", expect_continue)

        def expect_continue_too_large():
            with connect(port) as sock:
                sock.sendall(b"POST /headers HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n"
                             % (LIMIT_BODY * 10))
                response = Reader(sock).read_response()
            expect(response is not None and response.status == 413, f"413 without a 100 first: {response}")
        if against == "deployctl":
            cases.run("Expect: 100-continue with a body over the limit: 413", expect_continue_too_large)

        def streamed_body_too_large():
            # The app is already reading (100 Continue went out on its first read) when the body passes the limit.
            with connect(port) as sock:
                sock.sendall(b"POST /headers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                             b"Expect: 100-continue\r\n\r\n")
                reader = Reader(sock)
                interim = reader.read_response()
                expect(interim is not None and interim.status == 100, f"100 Continue: {interim}")
                try:
                    sock.sendall((b"200\r\n" + b"c" * 512 + b"\r\n") * 2 + b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass
                final = reader.read_response()
                expect(final is not None and final.status == 413, f"413 once the streamed body passes it: {final}")
                expect(reader.closed_by_peer(), "the connection is closed after the 413")
        if against == "deployctl":
            cases.run("a chunked body passing --limit-request-body while the app reads it: 413",
                      streamed_body_too_large)

        def keep_alive():
            with connect(port) as sock:
                reader = Reader(sock)
                pids = []
                for _ in range(3):
                    sock.sendall(b"GET /pid HTTP/1.1\r\nHost: x\r\n\r\n")
                    response = reader.read_response()
                    expect(response is not None and response.status == 200, f"a response on the reused connection: {response}")
                    expect((response.header("Connection") or "").lower() != "close", "the server keeps the connection")
                    pids.append(response.body)
                    time.sleep(0.1)
            expect(len(set(pids)) == 1, "one worker answered all three")
        cases.run("keep-alive reuse", keep_alive)

        def http10_closes():
            with connect(port) as sock:
                sock.sendall(b"GET /pid HTTP/1.0\r\n\r\n")
                reader = Reader(sock)
                response = reader.read_response()
                expect(response is not None and response.status == 200, f"HTTP/1.0 answered: {response}")
                expect(reader.closed_by_peer(), "HTTP/1.0 without keep-alive is closed after the response")
        cases.run("HTTP/1.0 closes", http10_closes)

        server.expect_alive()

    run_suite(f"serve_hostile against {against} ({interface})", body, servers)


if __name__ == "__main__":
    main(sys.argv)
