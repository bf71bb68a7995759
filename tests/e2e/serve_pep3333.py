#!/usr/bin/python3
# PEP 3333 as an application sees it: tests/e2e/serve_apps/pep3333.py, wrapped in wsgiref.validate.validator,
# served by `deployctl serve`; every path of the spec answers right, close() is always called, and no
# validator error (AssertionError, WSGIWarning) ever reaches the error log.
import hashlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, Reader, clean_env, connect, exchange, expect, expect_equal, get,  # noqa: E402
                          run_suite, server_choice, start)

LINES = b"line one\nline two\nlast without newline"


def post(port, path, body, extra=()):
    return get(port, path, method="POST", body=body, headers=[("Content-Type", "text/plain"), *extra])


def json_of(response, what):
    expect(response is not None, f"{what}: no response at all")
    expect_equal(response.status, 200, f"{what} status (body {response.body[:300]!r})")
    return json.loads(response.body)


def main(argv):
    binary, against = server_choice(argv)
    servers = []

    def body(cases, tmp):
        if True:
            close_log = os.path.join(tmp, "close.log")
            env = clean_env(PEP3333_CLOSE_LOG=close_log)
            flags = ["--workers", "1", "--error-logfile", "-"]
            server = start(against, binary, "pep3333:application", APPS_DIR, flags, env, tmp)
            servers.append(server)
            port = server.port

            def environ_keys():
                found = json_of(get(port, "/environ?a=1&b=%20x&c=%C3%A9", headers=[("X-Custom", "v1")]), "/environ")
                expect_equal(found.get("REQUEST_METHOD"), "GET", "REQUEST_METHOD")
                expect_equal(found.get("SCRIPT_NAME"), "", "SCRIPT_NAME")
                expect_equal(found.get("PATH_INFO"), "/environ", "PATH_INFO")
                expect_equal(found.get("QUERY_STRING"), "a=1&b=%20x&c=%C3%A9", "QUERY_STRING (raw, not decoded)")
                expect_equal(found.get("SERVER_PROTOCOL"), "HTTP/1.1", "SERVER_PROTOCOL")
                expect_equal(found.get("SERVER_PORT"), str(port), "SERVER_PORT")
                expect_equal(found.get("REMOTE_ADDR"), "127.0.0.1", "REMOTE_ADDR")
                expect("SERVER_NAME" in found, "SERVER_NAME is set")
                expect("CONTENT_TYPE" not in found or found["CONTENT_TYPE"] == "", "no CONTENT_TYPE on a GET")
                expect_equal(found["http"].get("HTTP_X_CUSTOM"), "v1", "HTTP_X_CUSTOM")
                expect_equal(found["http"].get("HTTP_HOST"), "127.0.0.1", "HTTP_HOST")
                wsgi = found["wsgi"]
                expect_equal(wsgi["version"], [1, 0], "wsgi.version")
                expect_equal(wsgi["url_scheme"], "http", "wsgi.url_scheme")
                expect_equal(wsgi["run_once"], False, "wsgi.run_once")
                expect_equal(wsgi["input_terminated"], True, "wsgi.input_terminated")
                expect(wsgi["has_file_wrapper"], "wsgi.file_wrapper is offered")
                expect(wsgi["errors_writable"], "wsgi.errors has write, writelines and flush")
                expect(found["types_ok"], "every CGI key is a native str")
            cases.run("environ keys and types", environ_keys)

            def read_pieces():
                payload = bytes(range(256)) * 40 + b"tail"
                found = json_of(post(port, "/read", payload), "/read")
                expect_equal(found["size"], len(payload), "bytes read by read(n)")
                expect_equal(found["sha256"], hashlib.sha256(payload).hexdigest(), "sha256 of the body read by read(n)")
                expect_equal(found["after_end"], "", "read(n) past the end of the body")
            cases.run("wsgi.input read(n)", read_pieces)

            def read_lines(route, expected):
                found = json_of(post(port, route, LINES), route)
                expect_equal(found, expected, f"lines read by {route}")
            lines = ["line one\n", "line two\n", "last without newline"]
            cases.run("wsgi.input readline()", read_lines, "/readline", lines)
            cases.run("wsgi.input readline(5)", read_lines, "/readline-size",
                      ["line ", "one\n", "line ", "two\n", "last ", "witho", "ut ne", "wline"])
            cases.run("wsgi.input readlines()", read_lines, "/readlines", lines)
            cases.run("wsgi.input iteration", read_lines, "/iterate", lines)

            def readlines_hint():
                found = json_of(post(port, "/readlines-hint", LINES), "/readlines-hint")
                # The hint may be ignored (PEP 3333); whole lines, in order, at least up to the hint, must come back.
                expect("".join(found).encode() == LINES[:len("".join(found))], f"readlines(10) gave a prefix: {found}")
                expect(found[:2] == lines[:2], f"readlines(10) gave the first lines whole: {found}")
            cases.run("wsgi.input readlines(hint)", readlines_hint)

            def empty_body():
                found = json_of(post(port, "/readline", b""), "/readline")
                expect_equal(found, [], "readline() on an empty body")
            cases.run("wsgi.input on an empty body", empty_body)

            def chunked_body():
                raw = (b"POST /read HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                       b"5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\n\r\n")
                found = json_of(exchange(port, raw), "/read, chunked")
                expect_equal(found["size"], 12, "a chunked body reaches the app de-chunked, with CONTENT_LENGTH set")
                expect_equal(found["sha256"], hashlib.sha256(b"hello, world").hexdigest(), "the de-chunked body")
            if against == "deployctl":  # gunicorn leaves CONTENT_LENGTH unset for chunked bodies
                cases.run("chunked request body de-chunked with CONTENT_LENGTH", chunked_body)

            def write_callable():
                response = get(port, "/write")
                expect_equal(response.status, 200, "/write status")
                expect_equal(response.body, b"written-1;written-2;iterated-1;iterated-2", "/write body: write() then the iterable")
            cases.run("write() callable", write_callable)

            def exc_info_before():
                response = get(port, "/exc-info-before")
                expect_equal(response.status, 500, "status replaced by start_response(..., exc_info)")
                expect_equal(response.header("X-Recovered"), "yes", "the replacing headers are sent")
                expect_equal(response.header("X-Discarded"), None, "the replaced headers are not sent")
                expect_equal(response.body, b"recovered", "/exc-info-before body")
            cases.run("start_response exc_info before the head was sent", exc_info_before)

            def exc_info_after():
                response = get(port, "/exc-info-after")
                expect(response is not None, "/exc-info-after: the head already sent reaches the client")
                expect_equal(response.status, 200, "/exc-info-after status (the head went out before the error)")
                expect(not response.complete, "/exc-info-after: the connection is cut, the body is not framed as complete")
                expect(b"must never be sent" not in response.body, "nothing after the re-raise is sent")
                expect(get(port, "/write").status == 200, "the worker serves the next request")
            cases.run("start_response exc_info after the head was sent re-raises", exc_info_after)

            def file_wrapper():
                response = get(port, "/file-wrapper")
                with open(os.path.join(APPS_DIR, "pep3333.py"), "rb") as f:
                    expected = f.read()
                expect_equal(response.status, 200, "/file-wrapper status")
                expect_equal(response.header("Content-Length"), str(len(expected)), "/file-wrapper Content-Length")
                expect(response.body == expected, f"/file-wrapper body is the file ({len(response.body)} bytes)")
            cases.run("wsgi.file_wrapper", file_wrapper)

            def generator():
                response = get(port, "/generator?n=200")
                expect_equal(response.status, 200, "/generator status")
                expect_equal(response.body, b"".join(f"chunk-{i};".encode() for i in range(200)),
                             "/generator body, empty chunks included")
                head = get(port, "/generator?n=3", method="HEAD")
                expect_equal(head.status, 200, "HEAD /generator status")
            cases.run("generator streaming and HEAD", generator)

            def head_sends_no_body():
                with connect(port) as sock:
                    sock.sendall(b"HEAD /generator?n=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    reader = Reader(sock)
                    head = reader.read_response(head=True)
                    expect(head is not None and head.status == 200, f"HEAD answered 200: {head}")
                    expect(reader.closed_by_peer(), "the connection closes after the response (Connection: close)")
                expect(reader.buffer == b"", f"no body bytes after the HEAD response: {reader.buffer[:100]!r}")
            cases.run("HEAD sends no body", head_sends_no_body)

            def errors_stream():
                response = get(port, "/errors")
                expect_equal(response.status, 204, "/errors status")
                deadline = time.monotonic() + 3
                while time.monotonic() < deadline and "pep3333-writelines-marker" not in server.error_log():
                    time.sleep(0.05)
                log = server.error_log()
                expect("pep3333-wsgi-errors-marker" in log, "wsgi.errors.write() reaches the error log")
                expect("pep3333-writelines-marker" in log, "wsgi.errors.writelines() reaches the error log")
            cases.run("wsgi.errors", errors_stream)

            def close_called():
                expected = ["/environ", "/read", "/readline", "/readline-size", "/readlines", "/iterate",
                            "/readlines-hint", "/write", "/exc-info-before", "/file-wrapper", "/generator", "/errors"]
                deadline = time.monotonic() + 3
                seen = []
                while time.monotonic() < deadline:
                    seen = open(close_log).read().split() if os.path.exists(close_log) else []
                    if all(f"{path}" in seen for path in expected):
                        break
                    time.sleep(0.05)
                missing = [path for path in expected if path not in seen]
                expect(not missing, f"close() was never called for {missing}")
                expect(seen.count("/generator") >= 2, "close() called for the HEAD of a generator too")
            cases.run("close() called on every result", close_called)

            def validator_silent():
                log = server.error_log()
                for marker in ("AssertionError", "WSGIWarning", "Iterator garbage collected", "Exception ignored"):
                    expect(marker not in log, f"the error log has no {marker!r}")
            cases.run("no validator error in the error log", validator_silent)
            server.expect_alive()

    run_suite(f"serve_pep3333 against {against}", body, servers)


if __name__ == "__main__":
    main(sys.argv)
