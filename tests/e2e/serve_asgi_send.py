#!/usr/bin/python3
# `deployctl serve` answering ASGI apps under backpressure (issue 14): a slow reader of a large response (bytes or
# http.response.pathsend) never holds up another client of the same single worker, its send()s wait rather than
# queue the whole body, and it gets every byte in order when it reads; a client leaving mid-response gives
# http.disconnect to a pending receive(); a request body the app does not take is not read from the socket; and
# pathsend serves a file by path (Content-Length, HEAD, a missing or relative path as a 500); TERM tells a streaming
# app http.disconnect; a reader that takes nothing for --timeout is closed.
import os
import signal
import socket
import sys
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, Reader, clean_env, connect, expect, expect_equal, get, run_suite,  # noqa: E402
                          send_while_read, start, wait_for)

sys.path.insert(0, APPS_DIR)
from asgi_send import pattern  # noqa: E402

APP = "asgi_send:application"
BIG_PARTS = 256  # 16 MiB in 64 KiB parts: far more than the kernel's socket buffers hold (4 MiB at most to send)


def small_buffers_socket(port, option):
    """A client socket whose receive or send buffer is small, so that what the kernel holds for it stays small."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, option, 64 * 1024)
    sock.settimeout(30)
    sock.connect(("127.0.0.1", port))
    return sock


def read_until_closed(sock):
    """(head, body) of the one response on a `Connection: close` socket; a chunked body de-chunked, None when its
    last chunk is missing. A bytearray, since a 16 MiB body read in small pieces into bytes would copy for minutes."""
    data = bytearray()
    while piece := sock.recv(1 << 20):
        data += piece
    end = data.index(b"\r\n\r\n")
    head, rest = bytes(data[:end]).decode("latin-1"), memoryview(data)[end + 4:]
    if "transfer-encoding: chunked" not in head.lower():
        return head, bytes(rest)
    body, at = bytearray(), 0
    while True:
        line_end = bytes(rest[at:at + 20]).find(b"\r\n")
        if line_end < 0:
            return head, None
        size = int(bytes(rest[at:at + line_end]), 16)
        at += line_end + 2
        if size == 0:
            return head, bytes(body)
        body += rest[at:at + size]
        at += size + 2


def read_mark(marks, name):
    path = os.path.join(marks, name)
    return open(path).read() if os.path.exists(path) else None


def check_slow_reader(port, marks):
    with small_buffers_socket(port, socket.SO_RCVBUF) as slow:
        slow.sendall(f"GET /big?mark=big&parts={BIG_PARTS} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                     .encode())
        hello = get(port, "/hello", timeout=10)
        expect_equal((hello.status, hello.body), (200, b"hello"),
                     "another client is answered while a slow reader has read nothing of a large response")
        expect_equal(read_mark(marks, "big"), None,
                     "the app's send()s wait for the slow reader instead of queueing the whole body")
        head, body = read_until_closed(slow)
    expect(head.startswith("HTTP/1.1 200 "), f"status: {head}")
    expect(body is not None, "the chunked body ends with its last chunk")
    expect_equal(len(body), BIG_PARTS * len(pattern(0)), "every byte reaches the reader")
    expect(body == b"".join(pattern(index) for index in range(BIG_PARTS)), "in order, intact")
    wait_for(lambda: read_mark(marks, "big") == "sent all, then http.disconnect", 5,
             "the app's send()s all completed, then receive() answers http.disconnect")


def check_reader_leaves(port, marks):
    with small_buffers_socket(port, socket.SO_RCVBUF) as leaving:
        leaving.sendall(f"GET /big?mark=gone&parts={BIG_PARTS} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        expect(leaving.recv(1000), "the response begins")
    wait_for(lambda: read_mark(marks, "gone") == "sent all, then http.disconnect", 10,
             "a send() waiting for a reader that left completes, the rest is dropped quietly, and receive() "
             "answers http.disconnect")
    expect_equal(get(port, "/hello").status, 200, "the worker serves on")


def check_disconnect_while_streaming(port, marks):
    with connect(port) as sock:
        sock.sendall(b"GET /streaming-until-disconnect?mark=streaming HTTP/1.1\r\nHost: t\r\n\r\n")
        wait_for(lambda: read_mark(marks, "streaming") == "streaming", 5,
                 "the app streaming its response, a receive() pending")
    wait_for(lambda: read_mark(marks, "streaming") == "http.disconnect, then a send() dropped quietly", 5,
             "the pending receive() answers http.disconnect when the client leaves mid-response")
    expect_equal(get(port, "/hello").status, 200, "the worker serves on")


def check_body_held(port, marks):
    size = 64 * 1024 * 1024
    with small_buffers_socket(port, socket.SO_SNDBUF) as sock:
        sock.sendall(f"POST /held-body?mark=held HTTP/1.1\r\nHost: t\r\nContent-Length: {size}\r\n"
                     "Connection: close\r\n\r\n".encode())
        block = b"b" * (256 * 1024)
        sent = sock.send(block)
        wait_for(lambda: (read_mark(marks, "held") or "").startswith("took"), 5, "the app took one message")
        sent = send_while_read(sock, size, sent)
        expect(sent < 16 * 1024 * 1024, f"the server stops reading a body the app does not take ({sent} bytes "
                                        f"of {size} accepted)")
        open(os.path.join(marks, "held.go"), "w").close()
        while sent < size:
            sent += sock.send(block[:min(len(block), size - sent)])
        response = Reader(sock).read_response()
    expect_equal((response.status, response.body), (200, str(size).encode()),
                 "the app reads the whole body when it takes it")


def check_pathsend(port, workdir):
    data = b"".join(bytes([index % 251]) * 1000 for index in range(3 * 1024)) + b"tail"
    path = os.path.join(workdir, "served.bin")
    with open(path, "wb") as served:
        served.write(data)
    response = get(port, "/pathsend?path=" + quote(path), timeout=10)
    expect_equal(response.status, 200, "status")
    expect_equal(response.header("x-offered"), "yes", "http.response.pathsend is offered in scope['extensions']")
    expect_equal(response.header("content-length"), str(len(data)), "framed with the file's length")
    expect(response.body == data, f"the file's bytes ({len(response.body)} of {len(data)})")
    head = get(port, "/pathsend?path=" + quote(path), method="HEAD")
    expect_equal((head.status, head.header("content-length"), head.body), (200, str(len(data)), b""),
                 "HEAD: the file's length, no body")
    missing = get(port, "/pathsend?path=" + quote(os.path.join(workdir, "no-such-file")))
    expect_equal(missing.status, 500, "a missing file, before the response started, gives a 500")
    relative = get(port, "/pathsend?path=served.bin")
    expect_equal(relative.status, 500, "a relative path is refused with a 500")


def check_pathsend_slow_reader(port, workdir):
    data = b"".join(pattern(index) for index in range(BIG_PARTS))
    path = os.path.join(workdir, "big.bin")
    with open(path, "wb") as served:
        served.write(data)
    with small_buffers_socket(port, socket.SO_RCVBUF) as slow:
        slow.sendall(f"GET /pathsend?path={quote(path)} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        hello = get(port, "/hello", timeout=10)
        expect_equal(hello.status, 200, "another client is answered while a file goes to a slow reader")
        head, body = read_until_closed(slow)
    expect(f"content-length: {len(data)}" in head.lower(), f"framed with the file's length: {head}")
    expect_equal(len(body), len(data), "every byte of the file reaches the reader")
    expect(body == data, "in order, intact")


def check_stop_ends_streams(server, marks):
    with connect(server.port, timeout=10) as sock:
        sock.sendall(b"GET /endless?mark=endless HTTP/1.1\r\nHost: t\r\n\r\n")
        wait_for(lambda: read_mark(marks, "endless") == "streaming", 5, "the app streaming an endless response")
        server.send(signal.SIGTERM)
        response = Reader(sock).read_response()
    expect_equal(response.body, b"first part, last part after http.disconnect",
                 "TERM: the streaming app's receive() answers http.disconnect, and what it sends then still arrives")
    expect(response.complete, "the response ends properly")
    expect_equal(server.stop(), 0, "the server then stops cleanly, without waiting for its graceful timeout")


def check_stalled_reader_closed(port, marks):
    with small_buffers_socket(port, socket.SO_RCVBUF) as stalled:
        stalled.sendall(f"GET /big?mark=stalled&parts={BIG_PARTS} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        wait_for(lambda: read_mark(marks, "stalled") == "sent all, then http.disconnect", 15,
                 "a client that takes nothing for --timeout is closed: the app's waiting send() completes, the rest "
                 "is dropped, receive() answers http.disconnect")
    expect_equal(get(port, "/hello").status, 200, "the worker serves on")


def main(argv):
    binary = os.path.abspath(argv[1])
    servers = []

    def body(cases, workdir):
        marks = os.path.join(workdir, "marks")
        os.mkdir(marks)
        servers.append(start("deployctl", binary, APP, APPS_DIR, workdir=workdir, flags=("--workers", "1"),
                             env=clean_env(SEND_MARKS=marks)))
        port = servers[-1].port
        cases.run("a slow reader of a large response does not hold up another client; it gets every byte",
                  check_slow_reader, port, marks)
        cases.run("a reader that leaves mid-response: send() completes, receive() answers http.disconnect",
                  check_reader_leaves, port, marks)
        cases.run("http.disconnect to a pending receive() while the response streams",
                  check_disconnect_while_streaming, port, marks)
        cases.run("a request body the app does not take is not read from the socket", check_body_held, port, marks)
        cases.run("http.response.pathsend: the file, Content-Length, HEAD, a missing or relative path",
                  check_pathsend, port, workdir)
        cases.run("http.response.pathsend to a slow reader does not hold up another client",
                  check_pathsend_slow_reader, port, workdir)
        cases.run("TERM: a streaming response's app hears http.disconnect and ends it", check_stop_ends_streams,
                  servers[-1], marks)
        servers.append(start("deployctl", binary, APP, APPS_DIR, workdir=workdir, flags=("--workers", "1",
                             "--timeout", "1"), env=clean_env(SEND_MARKS=marks)))
        cases.run("a reader that stops reading is closed after --timeout", check_stalled_reader_closed,
                  servers[-1].port, marks)

    run_suite("serve_asgi_send", body, servers)


if __name__ == "__main__":
    main(sys.argv)
