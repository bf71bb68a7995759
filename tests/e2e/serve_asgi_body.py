#!/usr/bin/python3
# `deployctl serve` streaming request bodies to ASGI apps (issue 14): the app receives the first chunk of a chunked
# body, or the start of a Content-Length body past 64 KiB, before the client has sent the rest; Expect: 100-continue with a chunked body gets its 100 on the app's first receive()
# only, and none for an app that answers without reading; a chunked body passing --limit-request-body while the app
# reads it is refused with 413 and the connection closed; a client sending faster than the app reads is not read
# ahead (its sends block); a request pipelined behind a chunked body is answered.
import os
import select
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, Reader, clean_env, connect, expect, expect_equal, get, run_suite,  # noqa: E402
                          send_while_read, start, wait_for)

APP = "asgi_body:application"
LIMIT_BODY = 100_000_000  # --limit-request-body: far above what the held body sends before the app takes it


def read_mark(marks, name):
    path = os.path.join(marks, name)
    return open(path).read() if os.path.exists(path) else None


def go(marks, name):
    open(os.path.join(marks, name + ".go"), "w").close()


def nothing_arrived(sock):
    """True when the server has sent nothing on `sock` so far."""
    return not select.select([sock], [], [], 0)[0]  # readable: a byte, or a close, either too early


def chunked_head(path):
    return f"POST {path} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n".encode()


def check_first_chunk_early(port, marks):
    with connect(port) as sock:
        sock.sendall(chunked_head("/first-chunk?mark=early") + b"\r\n5\r\nhello\r\n")
        wait_for(lambda: read_mark(marks, "early") is not None, 5,
                 "the app receives the first chunk while the client has not sent the rest")
        expect_equal(read_mark(marks, "early"), "first b'hello' more_body=True", "the first chunk, more to come")
        sock.sendall(b"6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        response = Reader(sock).read_response()
    expect_equal(response.status, 200, "status")
    body, _, messages = response.body.partition(b"|")
    expect_equal(body, b"hello world", "the whole body, de-chunked, the trailer dropped")
    expect(int(messages) >= 2, f"in more than one http.request ({messages})")


def check_content_length_streamed(port, marks):
    size = 200 * 1024  # past one message (64 KiB): streamed, not gathered by the worker first
    with connect(port) as sock:
        sock.sendall(f"POST /first-chunk?mark=length HTTP/1.1\r\nHost: t\r\nContent-Length: {size}\r\n\r\n".encode()
                     + b"a" * (100 * 1024))
        wait_for(lambda: read_mark(marks, "length") is not None, 5,
                 "the app receives the start of a 200 KiB body while the client has not sent the rest")
        expect("more_body=True" in read_mark(marks, "length"), "more to come")
        sock.sendall(b"a" * (size - 100 * 1024))
        response = Reader(sock).read_response()
    body, _, _ = response.body.partition(b"|")
    expect_equal((response.status, len(body)), (200, size), "the whole body")


def check_continue_on_receive(port, marks):
    with connect(port) as sock:
        sock.sendall(chunked_head("/continue-late?mark=late") + b"Expect: 100-continue\r\n\r\n")
        wait_for(lambda: read_mark(marks, "late") == "started", 5, "the app runs before the body was sent")
        expect(nothing_arrived(sock), "no 100 Continue before the app's first receive()")
        go(marks, "late")
        reader = Reader(sock)
        interim = reader.read_response()
        expect(interim is not None and interim.status == 100, f"100 Continue on the first receive(): {interim}")
        sock.sendall(b"5\r\nhello\r\n0\r\n\r\n")
        final = reader.read_response()
    expect_equal((final.status, final.body), (200, b"hello"), "the body read after 100 Continue")


def check_no_continue_without_receive(port, marks):
    with connect(port) as sock:
        sock.sendall(chunked_head("/no-read") + b"Expect: 100-continue\r\n\r\n")
        reader = Reader(sock)
        response = reader.read_response()
        expect(response is not None and response.status == 200,
               f"an app that never calls receive() answers, with no 100 Continue before: {response}")
        expect(reader.closed_by_peer(), "the connection ends: its unread body cannot be skipped")
    expect_equal(get(port, "/echo").status, 200, "the worker serves on")


def check_unread_skipped(port, marks):
    with connect(port) as sock:
        sock.sendall(chunked_head("/no-read") + b"\r\n5\r\nhello\r\n0\r\n\r\n")
        reader = Reader(sock)
        expect_equal(reader.read_response().status, 200, "an app that does not read a small chunked body")
        sock.sendall(b"GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
        response = reader.read_response()
    expect(response is not None and response.status == 200,
           f"the connection goes on: the body had all arrived, and is dropped ({response})")


def check_limit(port, marks):
    with connect(port) as sock:
        sock.sendall(chunked_head("/first-chunk?mark=limit") + b"\r\n5\r\nhello\r\n")
        wait_for(lambda: read_mark(marks, "limit") is not None, 5, "the app reads the body as it comes")
        try:
            sock.sendall(b"%x\r\n" % (LIMIT_BODY + 1) + b"c" * 4096)
        except (BrokenPipeError, ConnectionResetError):
            pass
        reader = Reader(sock)
        response = reader.read_response()
        expect(response is not None and response.status == 413,
               f"413 when the body passes --limit-request-body while the app reads it: {response}")
        expect(reader.closed_by_peer(), "the connection is closed after the 413")
    wait_for(lambda: read_mark(marks, "limit") == "http.disconnect", 5, "the app's receive() answers http.disconnect")
    expect_equal(get(port, "/echo").status, 200, "the worker serves on")


def check_bounded(port, marks):
    size = 64 * 1024 * 1024
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
    sock.settimeout(30)
    sock.connect(("127.0.0.1", port))
    with sock:
        sock.sendall(chunked_head("/held?mark=held") + b"Connection: close\r\n\r\n" + b"%x\r\n" % size)
        block = b"b" * (256 * 1024)
        sent = sock.send(block)
        wait_for(lambda: (read_mark(marks, "held") or "").startswith("took"), 5, "the app took one message")
        sent = send_while_read(sock, size, sent)
        expect(sent < 16 * 1024 * 1024, f"the server stops reading a chunked body the app does not take ({sent} "
                                        f"bytes of {size} accepted)")
        go(marks, "held")
        while sent < size:
            sent += sock.send(block[:min(len(block), size - sent)])
        sock.sendall(b"\r\n0\r\n\r\n")
        response = Reader(sock).read_response()
    expect_equal((response.status, response.body), (200, str(size).encode()),
                 "the app reads the whole body when it takes it")


def check_pipelined(port, marks):
    with connect(port) as sock:
        sock.sendall(chunked_head("/echo") + b"\r\n3\r\nabc\r\n0\r\n\r\n"
                     + chunked_head("/echo") + b"\r\n2\r\nde\r\n0\r\n\r\n"
                     + b"GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        reader = Reader(sock)
        answers = [reader.read_response() for _ in range(3)]
    expect_equal([(r.status, r.body) for r in answers], [(200, b"abc"), (200, b"de"), (200, b"")],
                 "requests pipelined behind chunked bodies are answered in order")


def main(argv):
    binary = os.path.abspath(argv[1])
    servers = []

    def body(cases, workdir):
        marks = os.path.join(workdir, "marks")
        os.mkdir(marks)
        servers.append(start("deployctl", binary, APP, APPS_DIR, workdir=workdir,
                             flags=("--workers", "1", "--limit-request-body", str(LIMIT_BODY),
                                    "--limit-chunked-body", "0"),
                             env=clean_env(BODY_MARKS=marks)))
        port = servers[-1].port
        cases.run("the app receives the first chunk of a chunked body before the client sent the rest",
                  check_first_chunk_early, port, marks)
        cases.run("a Content-Length body past 64 KiB reaches the app before the client sent the rest",
                  check_content_length_streamed, port, marks)
        cases.run("Expect: 100-continue with a chunked body: the 100 comes on the first receive()",
                  check_continue_on_receive, port, marks)
        cases.run("an app that never calls receive() gets no 100 Continue, and the connection ends",
                  check_no_continue_without_receive, port, marks)
        cases.run("a chunked body the app does not read, all of it arrived, does not end the connection",
                  check_unread_skipped, port, marks)
        cases.run("a chunked body passing --limit-request-body while the app reads it: 413, closed",
                  check_limit, port, marks)
        cases.run("a chunked body sent faster than the app reads is not read ahead (the client's sends block)",
                  check_bounded, port, marks)
        cases.run("requests pipelined behind chunked bodies are answered", check_pipelined, port, marks)

    run_suite("serve_asgi_body", body, servers)


if __name__ == "__main__":
    main(sys.argv)
