#!/usr/bin/python3
# Streaming request bodies (issue 11): a Content-Length body is read from the connection as the app reads it,
# never stored: an app that answers after 1 KB of a 1 GiB upload makes the server read a few MB at most and write
# nothing to disk, and the client gets the response (then the connection ends). "100 Continue" goes out on the
# first read only, so an app that answers without reading never asks for the body. A chunked body past
# --limit-chunked-body is 413.
import hashlib
import json
import os
import select
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, Reader, clean_env, connect, expect, expect_equal, get, run_suite,  # noqa: E402
                          server_choice, start, wait_for)


def spill_files(pid, spill_dir):
    """The worker's open files in the spill directory (unlinked temp files show as '<dir>/#N (deleted)')."""
    found = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith(spill_dir):
            found.append(target)
    return found


def main(argv):
    binary, _ = server_choice(argv)
    servers = []

    def body(cases, workdir):
        spill_dir = os.path.join(workdir, "spill")
        os.mkdir(spill_dir)
        server = start("deployctl", binary, "echo:application", APPS_DIR,
                       ["--workers", "1", "--limit-chunked-body", "1048576"], clean_env(TMPDIR=spill_dir), workdir)
        servers.append(server)
        worker = wait_for(lambda: server.children(), 10, "a worker in the process tree")[0]

        def early_answer():
            sent = 0
            with connect(server.port, timeout=10) as sock:
                sock.sendall(b"POST /first-kb HTTP/1.1\r\nHost: a\r\nContent-Length: 1073741824\r\n\r\n")
                block = b"u" * 65536
                while sent < 64 * 1024 * 1024:  # upload until the answer is readable
                    readable, writable, _ = select.select([sock], [sock], [], 10)
                    if readable or not writable:
                        break
                    try:
                        sent += sock.send(block)
                    except OSError:
                        break
                reader = Reader(sock)
                response = reader.read_response()
                expect(response is not None and response.status == 200 and response.body == b"read 1024",
                       f"the app's early answer arrives: {response}")
                expect_equal(response.header("Connection"), "close", "its Connection header")
                expect(reader.closed_by_peer(5), "then the server ends the connection")
            expect(sent < 32 * 1024 * 1024, f"a few MB of the 1 GiB were taken before the answer ({sent >> 20} MiB)")
            expect_equal(spill_files(worker, spill_dir), [], "no temporary file for the body")
            expect_equal(os.listdir(spill_dir), [], "nothing in the spill directory")
            response = get(server.port, "/")
            expect(response is not None and response.status == 200, f"the worker goes on serving: {response}")
        cases.run("an app answering after 1 KB of a 1 GiB upload: a few MB read, nothing stored", early_answer)

        def continue_not_sent_without_read():
            with connect(server.port) as sock:
                sock.sendall(b"POST /pid HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
                             b"Content-Length: 10000000\r\n\r\n")
                response = Reader(sock).read_response()
            expect(response is not None and response.status == 200, f"the final answer comes first, no 100: {response}")
        cases.run("Expect: 100-continue and an app that does not read: no 100 Continue", continue_not_sent_without_read)

        def continue_on_first_read():
            data = os.urandom(2 * 1024 * 1024)
            with connect(server.port, timeout=10) as sock:
                sock.sendall(b"POST /headers HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(data))
                reader = Reader(sock)
                interim = reader.read_response()
                expect(interim is not None and interim.status == 100, f"100 Continue when the app reads: {interim}")
                sock.sendall(data)
                response = reader.read_response()
            expect(response is not None and response.status == 200, f"then the answer: {response}")
            described = json.loads(response.body)
            expect_equal(described["body_sha256"], hashlib.sha256(data).hexdigest(), "the body the app read")
        cases.run("Expect: 100-continue and an app that reads: 100 Continue, then the whole body",
                  continue_on_first_read)

        def streamed_then_keep_alive():
            data = os.urandom(3 * 1024 * 1024 + 5)
            with connect(server.port, timeout=10) as sock:
                sock.sendall(b"POST /headers HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n" % len(data) + data +
                             b"GET /pid HTTP/1.1\r\nHost: a\r\n\r\n")
                reader = Reader(sock)
                response = reader.read_response()
                expect(response is not None and response.status == 200, f"a 3 MiB body is answered: {response}")
                described = json.loads(response.body)
                expect_equal(described["body_sha256"], hashlib.sha256(data).hexdigest(), "the body the app read")
                expect_equal(described["CONTENT_LENGTH"], str(len(data)), "CONTENT_LENGTH")
                following = reader.read_response()
                expect(following is not None and following.status == 200,
                       f"the request pipelined behind a body read in full is answered: {following}")
            expect_equal(spill_files(worker, spill_dir), [], "no temporary file for a streamed body")
        cases.run("a 3 MiB Content-Length body read in full: keep-alive and pipelining go on", streamed_then_keep_alive)

        def chunked_cap():
            chunk = b"c" * 65536
            payload = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"
            with connect(server.port, timeout=10) as sock:
                try:
                    sock.sendall(b"POST /headers HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + payload)
                except OSError:
                    pass  # refused while sending
                response = Reader(sock).read_response()
            expect(response is not None and response.status == 413, f"1.25 MiB chunked over a 1 MiB cap: {response}")
        cases.run("a chunked body over --limit-chunked-body is 413", chunked_cap)

        def upload_longer_than_timeout():
            # --timeout 1: the whole upload takes longer, arriving steadily; --timeout watches for a stuck request,
            # and the last bytes that arrived count as progress.
            slow = start("deployctl", binary, "echo:application", APPS_DIR, ["--workers", "1", "--timeout", "1"],
                         clean_env(TMPDIR=spill_dir), workdir)
            servers.append(slow)
            before = wait_for(lambda: slow.children(), 10, "a worker in the process tree")
            data = os.urandom(40 * 65536)
            pace = threading.Event()
            with connect(slow.port, timeout=10) as sock:
                sock.sendall(b"POST /headers HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n" % len(data))
                for offset in range(0, len(data), 65536):
                    sock.sendall(data[offset:offset + 65536])
                    pace.wait(0.04)  # 40 pieces: about 1.6 s in all, past --timeout
                response = Reader(sock).read_response()
            expect(response is not None and response.status == 200, f"the upload is answered: {response}")
            expect_equal(json.loads(response.body)["body_sha256"], hashlib.sha256(data).hexdigest(), "its body")
            expect_equal(slow.children(), before, "the worker was not killed by --timeout")
            slow.stop()
        cases.run("a streamed upload arriving steadily for longer than --timeout is not killed",
                  upload_longer_than_timeout)

    run_suite("serve_streaming", body, servers)


if __name__ == "__main__":
    main(sys.argv)
