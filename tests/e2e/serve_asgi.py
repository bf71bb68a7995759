#!/usr/bin/python3
# `deployctl serve` with ASGI apps (issue 14), from the spec's HTTP contract (2.4): interface detection and its
# refusals, the scope (raw_path, root_path, X-Forwarded-* through --forwarded-allow-ips), receive() and send() with
# a body in several messages, a streamed response, both at once, HEAD, 100 Continue on the first receive() only,
# http.disconnect in each phase (in the body, waiting after it, while streaming, after the response), errors before
# and after the response started, incomplete responses, a second start and a body after the final one, the
# WebSocket upgrade refused, the C Task and Future of asyncio under the worker's own loop, --timeout on a blocked
# loop, lifespan (on, off, auto, state, shutdown and its timeout, failures), Django's ASGI handler of the example
# project, and a Starlette app. Backpressure and pathsend are tested with their implementation.
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, Reader, clean_env, connect, exchange, expect, expect_equal, get,  # noqa: E402
                          mysite_copy, run_suite, start, wait_for)

APP = "asgi_conformance:application"


def refused(binary, args, cwd):
    """`deployctl serve ARGS` that must refuse to start: (exit code, output)."""
    done = subprocess.run([binary, "serve", *args, "--chdir", cwd, "--bind", "127.0.0.1:0"], capture_output=True,
                          text=True, timeout=30, env=clean_env())
    return done.returncode, done.stdout + done.stderr


def check_hello(port):
    response = get(port, "/hello")
    expect_equal(response.status, 200, "status")
    expect_equal(response.body, b"Hello, ASGI", "body")
    expect_equal(response.all("x-order"), ["1", "2"], "duplicate headers kept in order")
    expect_equal(response.header("content-length"), "11", "a single body is framed with its length")
    names = [name.lower() for name, _ in response.headers]
    expect(names.index("content-type") < names.index("x-order"), f"headers in the app's order: {names}")


def check_keep_alive(port):
    with connect(port) as sock:
        reader = Reader(sock)
        sock.sendall(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /sleep HTTP/1.1\r\nHost: t\r\n\r\n"
                     b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        bodies = [reader.read_response().body for _ in range(3)]
    expect_equal(bodies, [b"Hello, ASGI", b"slept", b"Hello, ASGI"], "pipelined requests answered in order")


def check_scope(port):
    response = get(port, "/a%20b/scope?x=1&y=%20", headers=[("X-Custom", "One"), ("x-custom", "Two")])
    expect_equal(response.status, 200, "status")
    scope = json.loads(response.body)
    expect_equal(scope["type"], "http", "type")
    expect_equal(scope["asgi"], {"version": "3.0", "spec_version": "2.4"}, "asgi")
    expect_equal(scope["http_version"], "1.1", "http_version")
    expect_equal(scope["method"], "GET", "method")
    expect_equal(scope["scheme"], "http", "scheme")
    expect_equal(scope["path"], "/a b/scope", "path, percent-decoded")
    expect_equal(scope["raw_path"], "/a%20b/scope", "raw_path, as sent")
    expect_equal(scope["query_string"], "x=1&y=%20", "query_string, as sent")
    expect_equal(scope["root_path"], "", "root_path")
    expect_equal([pair for pair in scope["headers"] if pair[0] == "x-custom"], [["x-custom", "One"],
                 ["x-custom", "Two"]], "headers: lower-case names, duplicates kept, in order")
    expect_equal(scope["client"][0], "127.0.0.1", "client host")
    expect(isinstance(scope["client"][1], int), f"client port is an int: {scope['client']}")
    expect_equal(scope["server"][0], "127.0.0.1", "server host")


def check_client_per_connection(port):
    # The server caches (host, port) tuples: each connection must still see its own client port, request after
    # request, and the server's address must be the listener's.
    with connect(port) as first, connect(port) as second:
        readers = {first: Reader(first), second: Reader(second)}
        for sock in (first, second, first, second):
            sock.sendall(b"GET /scope HTTP/1.1\r\nHost: t\r\n\r\n")
            scope = json.loads(readers[sock].read_response().body)
            expect_equal(scope["client"], ["127.0.0.1", sock.getsockname()[1]], "client: this connection's address")
            expect_equal(scope["server"], ["127.0.0.1", port], "server: the listener's address")


def check_root_path(port):
    scope = json.loads(get(port, "/scope").body)
    expect_equal(scope["root_path"], "/api", "root_path from --root-path")
    expect_equal(scope["path"], "/api/scope", "path carries the root path, as uvicorn gives it")
    expect_equal(scope["raw_path"], "/api/scope", "raw_path too")


def check_stream(port):
    response = get(port, "/stream")
    expect_equal(response.status, 200, "status")
    expect_equal(response.header("transfer-encoding"), "chunked", "a stream is chunked on the wire")
    expect_equal(response.body, b"one,two,three", "every part, in order")
    expect(response.complete, "the chunked body ends with its last chunk")


def check_body_in_messages(port):
    small = get(port, "/echo", method="POST", body=b"x" * 1000)
    expect_equal((small.body, small.header("x-messages")), (b"x" * 1000, "1"), "a small body in one message")
    big = b"".join(bytes([65 + i % 26]) * 1024 for i in range(2048))  # 2 MiB: streamed from the socket
    response = get(port, "/echo", method="POST", body=big, timeout=20)
    expect_equal(len(response.body), len(big), "the whole streamed body reaches the app")
    expect(response.body == big, "in order")
    expect(int(response.header("x-messages")) > 1, f"in several messages: {response.header('x-messages')}")
    chunked = exchange(port, b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close"
                             b"\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
    expect_equal(chunked.body, b"hello world", "a chunked body, de-chunked")


def check_disconnect(port, mark):
    with connect(port) as sock:
        sock.sendall(b"GET /until-disconnect HTTP/1.1\r\nHost: t\r\n\r\n")
        wait_for(lambda: os.path.exists(mark) and open(mark).read() == "waiting", 5, "the app waiting in receive()")
    wait_for(lambda: open(mark).read() == "http.disconnect", 5, "receive() answering http.disconnect")
    expect_equal(get(port, "/hello").status, 200, "the worker serves on")


def check_body_without_blocking(port):
    size = 2 * 1024 * 1024  # past 1 MiB: streamed from the socket as the app reads it
    with connect(port, timeout=10) as slow:
        slow.sendall(f"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
                     .encode() + b"a" * 1000)
        hello = get(port, "/hello", timeout=3)
        expect_equal(hello.status, 200, "another client is served while the app waits for a slow body")
        slow.sendall(b"a" * (size - 1000))
        response = Reader(slow).read_response()
    expect_equal(len(response.body), size, "the slow body reaches the app whole")
    with connect(port) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                     b"Connection: close\r\n\r\n")
        reader = Reader(sock)
        expect_equal(reader.read_response().status, 100, "100 Continue on the app's first receive()")
        sock.sendall(b"hello")
        expect_equal(reader.read_response().body, b"hello", "then the body")


def read_mark(mark):
    with open(mark) as f:
        return f.read()


def check_continue_late(port, mark):
    with connect(port) as sock:
        sock.sendall(b"POST /continue-late HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                     b"Connection: close\r\n\r\n")
        wait_for(lambda: os.path.exists(mark) and read_mark(mark) == "before receive", 5, "the app before receive()")
        sock.setblocking(False)
        try:
            early = sock.recv(100)
        except BlockingIOError:
            early = b""
        sock.settimeout(5)
        expect_equal(early, b"", "nothing sent while the app has not called receive()")
        open(mark + ".go", "w").close()
        reader = Reader(sock)
        expect_equal(reader.read_response().status, 100, "100 Continue on the first receive()")
        sock.sendall(b"hello")
        expect_equal(reader.read_response().body, b"hello", "then the body")
    ignored = exchange(port, b"POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                             b"Connection: close\r\n\r\n")
    expect_equal(ignored.status, 200, "an app that never calls receive() answers with no 100 Continue before")


def check_disconnect_in_body(port, mark):
    with connect(port) as sock:
        sock.sendall(b"POST /body-until-disconnect HTTP/1.1\r\nHost: t\r\nContent-Length: 4000000\r\n\r\n"
                     + b"a" * 1000)
        wait_for(lambda: read_mark(mark) == "reading", 5, "the app reading the body")
    wait_for(lambda: read_mark(mark) == "http.disconnect,http.request", 5,
             "receive() answering http.disconnect when the client leaves in the middle of the body")


def check_disconnect_while_streaming(port, mark):
    with connect(port) as sock:
        sock.sendall(b"GET /stream-until-disconnect HTTP/1.1\r\nHost: t\r\n\r\n")
        expect(sock.recv(100).startswith(b"HTTP/1.1 200"), "the streamed response began")
        wait_for(lambda: read_mark(mark) == "streaming", 5, "the app streaming")
    wait_for(lambda: read_mark(mark).startswith("http.disconnect"), 10,
             "receive() answering http.disconnect while the app streams its response")
    expect_equal(read_mark(mark), "http.disconnect, send raised None",
                 "sends after the client left are dropped quietly")
    expect_equal(get(port, "/hello").status, 200, "the worker serves on")


def check_duplex(port):
    with connect(port) as sock:
        sock.sendall(b"POST /duplex HTTP/1.1\r\nHost: t\r\nContent-Length: 16\r\nExpect: 100-continue\r\n"
                     b"Connection: close\r\n\r\n")
        reader = Reader(sock)
        expect_equal(reader.read_response().status, 100, "100 Continue")
        for piece in (b"first", b"second", b"third"):
            sock.sendall(piece)
            wait_for(lambda: reader._fill() and piece.upper() in reader.buffer, 5,
                     f"{piece.upper()!r} echoed while the rest of the request body is still to come")
        while reader._fill():
            pass
    expect(reader.buffer.endswith(b"0\r\n\r\n"), f"the response ends with its last chunk: {reader.buffer[-80:]!r}")


def check_head_of_stream(port):
    with connect(port) as sock:
        reader = Reader(sock)
        sock.sendall(b"HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        head = reader.read_response(head=True)
        expect_equal((head.status, head.header("transfer-encoding")), (200, None),
                     "HEAD of a streamed response: no chunked framing of a body that is not sent")
        expect_equal(reader.read_response().body, b"Hello, ASGI", "the next request on the connection is intact")


def check_incomplete_responses(server):
    port = server.port
    start_only = get(port, "/start-only")
    expect(start_only is None or start_only.status == 500 or not start_only.complete,
           f"a start with no body: a 500 or a cut connection, not a complete response ({start_only})")
    unfinished = get(port, "/unfinished")
    expect(unfinished is not None and unfinished.status == 200 and not unfinished.complete,
           f"a body left with more_body: the connection is cut ({unfinished})")
    wait_for(lambda: "before its response was complete" in server.error_log() and
             "GET /unfinished HTTP/1.1" in server.error_log(), 5, "the unfinished response logged with its request")
    twice = get(port, "/start-twice")
    expect(twice is None or twice.status == 500 or not twice.complete,
           f"a second http.response.start is not served as a response ({twice})")
    wait_for(lambda: "second http.response.start: GET /start-twice HTTP/1.1" in server.error_log(), 5,
             "a second http.response.start logged with the request line")
    late = get(port, "/body-after-final")
    expect_equal((late.status, late.body), (200, b"final"), "the complete response stands")
    wait_for(lambda: "after its response was complete: GET /body-after-final HTTP/1.1" in server.error_log(), 5,
             "a body after the final one logged with the request line")
    expect_equal(get(port, "/hello").status, 200, "the worker serves on")


def check_raw_path(port):
    scope = json.loads(get(port, "/a%2Fb/caf%C3%A9/scope").body)
    expect_equal(scope["path"], "/a/b/café/scope", "path: percent-decoded, as UTF-8")
    expect_equal(scope["raw_path"], "/a%2Fb/caf%C3%A9/scope", "raw_path: the bytes sent, %2F kept")


FORWARDED = [("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.7")]


def check_forwarded_trusted(port):
    scope = json.loads(get(port, "/scope", headers=FORWARDED).body)
    expect_equal((scope["scheme"], scope["client"][0]), ("https", "203.0.113.7"),
                 "X-Forwarded-* from a trusted peer (127.0.0.1, the default) set scheme and client")


def check_forwarded_untrusted(port):
    scope = json.loads(get(port, "/api/scope", headers=FORWARDED).body)
    expect_equal((scope["scheme"], scope["client"][0]), ("http", "127.0.0.1"),
                 "X-Forwarded-* from a peer outside --forwarded-allow-ips are ignored")


def check_head(port):
    response = get(port, "/hello", method="HEAD")
    expect_equal(response.status, 200, "status")
    expect_equal(response.body, b"", "no body for HEAD")
    expect_equal(response.header("transfer-encoding"), None, "no framing of a body that is not sent")


def check_errors(server):
    port = server.port
    before = get(port, "/raise-before")
    expect_equal(before.status, 500, "an app failing before its response gets a 500")
    wait_for(lambda: "failing before the response started" in server.error_log(), 5,
             "the traceback in the error log")
    expect("GET /raise-before HTTP/1.1" in server.error_log(), "the error log names the request")
    after = get(port, "/raise-after")
    expect_equal(after.status, 200, "the head went out before the failure")
    expect(not after.complete, "after the response started, the connection is cut: the body is incomplete")
    nothing = get(port, "/no-response")
    expect_equal(nothing.status, 500, "an app returning without a response gets a 500")
    wait_for(lambda: "without sending a response" in server.error_log(), 5, "the mistake logged")
    twice = get(port, "/twice")
    expect_equal((twice.status, twice.body), (200, b"first"), "the first response stands")
    wait_for(lambda: "after its response was complete: GET /twice HTTP/1.1" in server.error_log(), 5,
             "a second http.response.start logged with the request line")
    done = get(port, "/after-disconnect")
    expect_equal(done.body, b"done", "receive() after the response answers http.disconnect")
    expect(get(port, "/hello").status == 200, "the worker still serves")


def check_asyncio(port):
    expect_equal(get(port, "/sleep").body, b"slept", "asyncio.sleep under the worker's loop")
    expect_equal(get(port, "/executor").body, b"42", "run_in_executor wakes the loop from another thread")
    shown = json.loads(get(port, "/task-types").body)
    expect_equal(shown, {"task_is_c": True, "future_is_c": True, "loop": "_UnixSelectorEventLoop"},
                 "the C Task and Future of _asyncio on asyncio's selector loop")
    names = set()
    for query in ("first", "second"):
        shown = json.loads(get(port, f"/current-task?{query}").body)
        name = shown.pop("name")
        expect(re.fullmatch(r"asgi-request-[0-9]+", name) is not None, f"the Task's name says what it is: {name}")
        names.add(name)
        expect_equal(shown, {"first_is_c_task": True, "same_task_after": True, "timed_out": True,
                             "in_all_tasks": True, "inherited": None, "context_kept": query},
                     "the request's own C Task from the app's first line (asyncio.timeout works), its own Context")
    expect_equal(len(names), 2, "each request's Task has a name of its own")


def check_task_registry(port):
    with connect(port) as sock:
        reader = Reader(sock)
        for _ in range(200):
            sock.sendall(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            expect_equal(reader.read_response().status, 200, "hello")
    shown = json.loads(get(port, "/task-registry").body)
    expect_equal({key: shown[key] for key in ("native_add", "current_listed", "waiting_while_iterated",
                                              "waiting_after")},
                 {"native_add": True, "current_listed": True, "waiting_while_iterated": 1, "waiting_after": 0},
                 "asyncio's task registry: a native add(), the request's Task listed, removals deferred while "
                 "the registry is iterated")
    expect(shown["tasks"] < 20, f"finished requests' Tasks leave the registry: {shown['tasks']} left after 200")


def check_websocket_refused(port):
    response = get(port, "/hello", headers=[("Upgrade", "websocket"), ("Connection", "Upgrade"),
                                            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                                            ("Sec-WebSocket-Version", "13")])
    expect_equal(response.status, 400, "a WebSocket upgrade is refused")
    expect(b"WebSocket" in response.body, f"the body says why: {response.body!r}")


def check_asgi2(port):
    response = get(port, "/two")
    expect_equal((response.status, response.body), (200, b"ASGI 2 /two"), "an ASGI 2 app")


def check_refusals(binary):
    code, output = refused(binary, ["asgi_conformance:application", "--interface", "wsgi"], APPS_DIR)
    expect_equal(code, 2, "a forced interface that does not fit: exit 2")
    expect("it is an ASGI 3 app" in output and "--interface asgi" in output, f"found and what to pass: {output}")
    code, output = refused(binary, ["asgi_conformance:wsgi_application", "--interface", "asgi"], APPS_DIR)
    expect_equal(code, 2, "a WSGI app forced to ASGI: exit 2")
    expect("it is a WSGI app" in output and "--interface wsgi" in output, f"found and what to pass: {output}")
    code, output = refused(binary, ["asgi_conformance:Asgi2App", "--interface", "asgi"], APPS_DIR)
    expect("it is an ASGI 2 app" in output and "--interface asgi2" in output, f"ASGI 2 named: {output}")
    code, output = refused(binary, [APP, "--threads", "4"], APPS_DIR)
    expect_equal(code, 2, "--threads with an ASGI app: exit 2")
    expect("--threads does not apply" in output, f"the message says why: {output}")


def check_lifespan(binary, workdir, servers):
    mark = os.path.join(workdir, "lifespan-mark")
    servers.append(start("deployctl", binary, "asgi_conformance:lifespan_application", APPS_DIR, workdir=workdir,
                         env=clean_env(LIFESPAN_MARK=mark), flags=("--workers", "1", "--lifespan", "on")))
    for _ in range(2):
        seen = json.loads(get(servers[-1].port, "/").body)
        expect_equal(seen, {"greeting": "filled at startup"}, "each request gets a copy of the startup's state")
    expect_equal(servers[-1].stop(), 0, "a clean stop")
    with open(mark) as shut_down:
        expect_equal(shut_down.read(), "shut down", "shutdown ran before the worker exited")


def check_lifespan_off_and_auto(binary, workdir, servers):
    mark = os.path.join(workdir, "lifespan-off-mark")
    servers.append(start("deployctl", binary, "asgi_conformance:lifespan_application", APPS_DIR, workdir=workdir,
                         env=clean_env(LIFESPAN_MARK=mark), flags=("--workers", "1", "--lifespan", "off")))
    expect_equal(json.loads(get(servers[-1].port, "/").body), {}, "--lifespan off: no startup filled the state")
    expect_equal(servers[-1].stop(), 0, "a clean stop")
    expect(not os.path.exists(mark), "--lifespan off: no shutdown either")
    servers.append(start("deployctl", binary, "asgi_conformance:lifespan_application", APPS_DIR, workdir=workdir,
                         env=clean_env(LIFESPAN_MARK=mark), flags=("--workers", "1")))
    expect_equal(json.loads(get(servers[-1].port, "/").body), {"greeting": "filled at startup"},
                 "--lifespan auto with an app that has one: it runs")
    expect_equal(servers[-1].stop(), 0, "a clean stop")
    expect_equal(read_mark(mark), "shut down", "and its shutdown")


def check_lifespan_shutdown_timeout(binary, workdir, servers):
    servers.append(start("deployctl", binary, "asgi_conformance:stuck_shutdown_application", APPS_DIR,
                         workdir=workdir, flags=("--workers", "1", "--graceful-timeout", "1")))
    expect_equal(get(servers[-1].port, "/").body, b"served", "served after startup")
    expect_equal(servers[-1].stop(timeout=20), 0, "a shutdown that never completes does not hold the stop")
    expect("ASGI lifespan shutdown took longer than the" in servers[-1].error_log(),
           "the timeout is logged by the worker, before the master's SIGKILL at --graceful-timeout")


def check_lifespan_auto(server):
    expect("does not support ASGI lifespan (it raised AssertionError" in server.error_log(),
           "an app that raises on the lifespan scope is served without it, logged at info")


def check_lifespan_refusals(binary):
    code, output = refused(binary, ["asgi_conformance:failing_lifespan_application", "--workers", "1"], APPS_DIR)
    expect_equal(code, 2, "a failed startup stops the server: exit 2")
    expect("the database is unreachable" in output, f"with the app's message: {output}")
    expect_equal(output.count("Booting worker"), 1, f"the worker is not replaced in a loop: {output}")
    code, output = refused(binary, [APP, "--lifespan", "on"], APPS_DIR)
    expect_equal(code, 2, "--lifespan on with an app that has none: exit 2")
    expect("no ASGI lifespan" in output, f"the message says so: {output}")


def check_blocked_loop(server):
    first = get(server.port, "/hello")
    expect_equal(first.status, 200, "the worker serves")
    started = time.monotonic()
    try:
        blocked = get(server.port, "/block", timeout=15)
    except (ConnectionResetError, TimeoutError) as error:
        blocked = error
    elapsed = time.monotonic() - started
    expect(elapsed < 8, f"a loop blocked past --timeout 1 is ended within seconds, not {elapsed:.1f} s")
    expect(not hasattr(blocked, "status") or blocked.status >= 500, f"no success for the blocking request: {blocked}")
    log = wait_for(lambda: 'asgi_conformance.py", line' in server.error_log() and server.error_log(), 5,
                   "the error log shows the loop's Python stack (the frame in asgi_conformance.py)")
    expect("WORKER TIMEOUT" in log and "was handling: GET /block HTTP/1.1" in log,
           f"the error log names the request that blocked the loop: {log[-2000:]}")
    wait_for(lambda: (get(server.port, "/hello") or None), 10, "a new worker answers")


def check_django(port):
    page = get(port, "/")
    expect_equal(page.status, 200, f"the example's home page through Django's ASGIHandler: {page}")
    expect(b"<html" in page.body.lower() or b"<!doctype" in page.body.lower(), "an HTML page")
    static = get(port, "/static/admin/css/base.css")
    expect_equal(static.status, 200, "a static file, served natively before the app")
    missing = get(port, "/no-such-page/")
    expect_equal(missing.status, 404, "Django's own 404")


def check_starlette(server):
    port = server.port
    hello = get(port, "/hello")
    expect_equal((hello.status, hello.body, hello.header("x-middleware")), (200, b"Hello, Starlette", "tagging"),
                 "a Starlette endpoint behind BaseHTTPMiddleware (an anyio task group)")
    echoed = exchange(port, b"POST /echo?a=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
    expect_equal((echoed.status, json.loads(echoed.body)), (200, {"length": 5, "path": "/echo", "query": {"a": "1"}}),
                 "a request body read by Starlette")
    streamed = get(port, "/stream")
    expect_equal((streamed.status, streamed.body), (200, b"part 0\npart 1\npart 2\n"), "a StreamingResponse")
    failed = get(port, "/fail")
    expect_equal(failed.status, 500, "an endpoint's error is a 500")
    wait_for(lambda: "failing inside a Starlette endpoint" in server.error_log(), 5, "the error's traceback is logged")


def main(argv):
    binary = os.path.abspath(argv[1])
    servers = []

    def body(cases, workdir):
        cases.run("a forced interface that does not fit, and --threads, are refused", check_refusals, binary)
        cases.run("lifespan: a failed startup, and --lifespan on without one, stop the server",
                  check_lifespan_refusals, binary)
        cases.run("lifespan: startup state in each request, shutdown at stop", check_lifespan, binary, workdir,
                  servers)
        cases.run("lifespan off, and auto with an app that has one", check_lifespan_off_and_auto, binary, workdir,
                  servers)
        cases.run("lifespan: a shutdown that never completes is cut at --graceful-timeout",
                  check_lifespan_shutdown_timeout, binary, workdir, servers)
        mark = os.path.join(workdir, "disconnect-mark")
        servers.append(start("deployctl", binary, APP, APPS_DIR, workdir=workdir, flags=("--workers", "1"),
                             env=clean_env(DISCONNECT_MARK=mark)))
        port = servers[-1].port
        cases.run("hello: status, headers in order, body", check_hello, port)
        cases.run("keep-alive and pipelining, with a request that suspends", check_keep_alive, port)
        cases.run("the scope", check_scope, port)
        cases.run("client and server per connection, request after request", check_client_per_connection, port)
        cases.run("asyncio's task registry, with a native add()", check_task_registry, port)
        cases.run("a streamed response (more_body) is chunked", check_stream, port)
        cases.run("a request body in several http.request messages", check_body_in_messages, port)
        cases.run("a body the client sends slowly, and 100 Continue, never block the loop",
                  check_body_without_blocking, port)
        cases.run("HEAD", check_head, port)
        cases.run("http.disconnect when the client leaves while the app waits", check_disconnect, port, mark)
        cases.run("errors before and after the response started", check_errors, servers[-1])
        cases.run("100 Continue waits for the first receive(), and never comes to an app that does not read",
                  check_continue_late, port, mark)
        cases.run("http.disconnect when the client leaves in the middle of the request body",
                  check_disconnect_in_body, port, mark)
        cases.run("http.disconnect while the app streams its response; later sends dropped quietly",
                  check_disconnect_while_streaming, port, mark)
        cases.run("streaming in both directions at once", check_duplex, port)
        cases.run("HEAD of a streamed response", check_head_of_stream, port)
        cases.run("incomplete responses, a second start and a body after the final one",
                  check_incomplete_responses, servers[-1])
        cases.run("raw_path keeps %2F and percent-encoded UTF-8; path decodes them", check_raw_path, port)
        cases.run("X-Forwarded-* from a trusted peer: scheme and client", check_forwarded_trusted, port)
        cases.run("asyncio under the worker's loop", check_asyncio, port)
        cases.run("a WebSocket upgrade is refused", check_websocket_refused, port)
        cases.run("lifespan auto: an app without it", check_lifespan_auto, servers[-1])
        servers[-1].stop()
        servers.append(start("deployctl", binary, "asgi_conformance:partial_application", APPS_DIR, workdir=workdir,
                             flags=("--workers", "1", "--root-path", "/api", "--forwarded-allow-ips", "192.0.2.1")))
        cases.run("root_path (through functools.partial)", check_root_path, servers[-1].port)
        cases.run("X-Forwarded-* ignored from a peer outside --forwarded-allow-ips", check_forwarded_untrusted,
                  servers[-1].port)
        servers[-1].stop()
        servers.append(start("deployctl", binary, APP, APPS_DIR, workdir=workdir,
                             flags=("--workers", "1", "--timeout", "1")))
        cases.run("--timeout: a loop blocked by one request is logged with it and its stack, then replaced",
                  check_blocked_loop, servers[-1])
        servers[-1].stop()
        servers.append(start("deployctl", binary, "asgi_conformance:Asgi2App", APPS_DIR, workdir=workdir,
                             flags=("--workers", "1")))
        cases.run("ASGI 2", check_asgi2, servers[-1].port)
        servers[-1].stop()
        project, env = mysite_copy(workdir, collectstatic=True)
        servers.append(start("deployctl", binary, "mysite.asgi:application", project, env=env, workdir=workdir,
                             flags=("--workers", "1")))
        cases.run("Django's ASGI app of the example project", check_django, servers[-1].port)
        servers[-1].stop()
        servers.append(start("deployctl", binary, "asgi_starlette:application", APPS_DIR, workdir=workdir,
                             flags=("--workers", "1")))
        cases.run("a Starlette app with BaseHTTPMiddleware (anyio)", check_starlette, servers[-1])

    run_suite("serve_asgi", body, servers)


if __name__ == "__main__":
    main(sys.argv)
