#!/usr/bin/python3
# Floods with bounded counts against one worker with small limits (issue 11): unfinished request heads, one-byte
# connections, slowloris, and request bodies larger than --worker-request-memory. In each, a well-behaved client
# is still answered, and the flood loses connections (refused or dropped) instead of growing the worker or
# making new clients wait in the kernel's backlog. --header-timeout is long, so that no case passes thanks to it.
# `--interface asgi` floods serve_apps/echo_asgi.py instead (issue 14): the same limits hold in front of an ASGI app,
# and the requests it holds inside the app are never what the flood evicts.
import os
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, ECHO_APPS, InFlight, Reader, clean_env, connect, expect, get,  # noqa: E402
                          interface_choice, run_suite, server_choice, start, wait_for)

BUDGET = 4 * 1024 * 1024
CAP = 64
FLAGS = ["--workers", "1", "--header-timeout", "60", "--worker-connections", str(CAP),
         "--worker-request-memory", str(BUDGET), "--keep-alive", "60"]
HEADER_LINE = b"X-Filler: " + b"f" * 7990 + b"\r\n"  # 8,002 bytes, under --limit-request-field_size


def server_env():
    """Under AddressSanitizer freed memory waits in a quarantine (256 MB by default) before it is reused, so the
    worker's RSS would count every byte the flood ever sent, not what the worker holds. With the quarantine off
    RSS means the same in both builds; use-after-free detection is the price, in this test only."""
    env = clean_env()
    if "ASAN_OPTIONS" in env:
        env["ASAN_OPTIONS"] += ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
    return env


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise ValueError("no VmRSS")


def answered(port):
    """A well-behaved client: one GET on a fresh connection, answered 200 (the socket gives up after 5 s)."""
    response = get(port, "/", timeout=5)
    expect(response is not None and response.status == 200, f"a well-behaved client is answered: {response}")


def send_quietly(sock, data):
    """Sends what the server takes; False once it refused or dropped the connection."""
    try:
        sock.sendall(data)
        return True
    except OSError:
        return False


def outcome(sock):
    """What the server did with a flood connection: its status code, 'closed', or None (still open)."""
    sock.settimeout(0.05)
    reader = Reader(sock)
    try:
        response = reader.read_response()
    except socket.timeout:
        return None
    except OSError:
        return "closed"
    return response.status if response is not None else "closed"


def close_all(socks):
    for sock in socks:
        sock.close()


def main(argv):
    binary, _ = server_choice(argv)
    interface = interface_choice(argv)
    servers = []

    def body(cases, workdir):
        in_flight = InFlight(workdir)

        def server():
            started = start("deployctl", binary, ECHO_APPS[interface], APPS_DIR, FLAGS,
                            {**server_env(), **in_flight.env}, workdir)
            servers.append(started)
            worker = wait_for(lambda: started.children(), 10, "a worker in the process tree")[0]
            answered(started.port)  # warm: the app's first request
            return started, worker

        def unfinished_heads():
            srv, worker = server()
            before = rss_bytes(worker)
            socks, refused = [], 0
            try:
                for _ in range(50):  # 50 x 400 KB = 20 MB of heads against a 4 MiB budget
                    sock = connect(srv.port)
                    socks.append(sock)
                    if not send_quietly(sock, b"GET / HTTP/1.1\r\nHost: a\r\n" + HEADER_LINE * 50):
                        refused += 1
                answered(srv.port)
                growth = rss_bytes(worker) - before
                outcomes = [outcome(sock) for sock in socks]
                refused += sum(1 for each in outcomes if each in (431, "closed"))
                expect(refused >= 30, f"most unfinished heads are refused (431): {outcomes}")
                expect(growth <= BUDGET + 8 * 1024 * 1024, f"the worker grew {growth >> 20} MiB, budget 4 MiB")
            finally:
                close_all(socks)
            srv.expect_alive()
        cases.run("unfinished heads past --worker-request-memory: the largest get 431, a client is answered",
                  unfinished_heads)

        def one_byte_connections():
            srv, _ = server()
            socks = []
            try:
                for _ in range(3 * CAP):
                    sock = connect(srv.port)
                    socks.append(sock)
                    sock.sendall(b"G")
                answered(srv.port)
                wait_for(lambda: sum(1 for sock in socks if outcome(sock) in (408, "closed")) >= 2 * CAP, 10,
                         f"the oldest one-byte connections are dropped to make room (cap {CAP})")
                answered(srv.port)
            finally:
                close_all(socks)
            srv.expect_alive()
        cases.run("one-byte connections past --worker-connections: the oldest make room, a client is answered",
                  one_byte_connections)

        def requests_in_the_app_keep_their_place():
            # ASGI only: a WSGI worker holds one request in the app at a time, an ASGI worker up to the cap. Half
            # the cap suspended in the app, then one-byte connections past it: the flood makes room among its own
            # connections, never by cutting a request the app is answering.
            srv, _ = server()
            suspended, results = CAP // 2, {}

            def in_app(index):
                try:
                    results[index] = get(srv.port, "/sleep?s=2", timeout=15)
                except OSError as error:
                    results[index] = error
            threads = [threading.Thread(target=in_app, args=(index,), daemon=True) for index in range(suspended)]
            for thread in threads:
                thread.start()
            in_flight.wait(suspended)
            socks = []
            try:
                for _ in range(2 * CAP):
                    sock = connect(srv.port)
                    socks.append(sock)
                    send_quietly(sock, b"G")
                for thread in threads:
                    thread.join(timeout=15)
                cut = {index: result for index, result in results.items()
                       if getattr(result, "status", None) != 200 or result.body != b"slept"}
                expect(len(results) == suspended and not cut, f"every request in the app is answered: {cut}")
                answered(srv.port)
            finally:
                close_all(socks)
            srv.expect_alive()
        if interface == "asgi":
            cases.run("one-byte connections past --worker-connections: no request inside the app is cut",
                      requests_in_the_app_keep_their_place)

        def slowloris():
            srv, _ = server()
            socks = [connect(srv.port) for _ in range(2 * CAP)]
            stop = threading.Event()

            def drip():
                line = b"GET / HTTP/1.1\r\nHost: a\r\nX-Slow: "
                for index in range(len(line) + 2000):
                    for sock in socks:
                        if stop.is_set():
                            return
                        send_quietly(sock, line[index:index + 1] if index < len(line) else b"s")
                    stop.wait(0.05)
            dripper = threading.Thread(target=drip, daemon=True)
            dripper.start()
            try:
                for _ in range(5):
                    answered(srv.port)
            finally:
                stop.set()
                dripper.join(timeout=10)
                close_all(socks)
            srv.expect_alive()
        cases.run("slowloris past --worker-connections: clients keep being answered", slowloris)

        def bodies_over_budget():
            srv, worker = server()
            before = rss_bytes(worker)
            socks = []
            try:
                # 16 x 900 KB of unfinished bodies against 4 MiB. Declared below 1 MiB, each is read by the event
                # loop before a WSGI app runs (a larger one is streamed to the app and never held). An ASGI app
                # gets any body past 64 KiB streamed, so the worker holds none of it: what grows then is what the
                # app keeps, so the flood goes to a path that answers without reading, and nothing needs refusing.
                for _ in range(16):
                    sock = connect(srv.port)
                    socks.append(sock)
                    path = b"/" if interface == "asgi" else b"/headers"
                    head = b"POST %s HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n" % path
                    send_quietly(sock, head + b"b" * 900_000)
                answered(srv.port)
                growth = rss_bytes(worker) - before
                if interface != "asgi":
                    outcomes = wait_for(lambda: [each for each in (outcome(sock) for sock in socks) if each] or None,
                                        10, "some unfinished bodies are refused")
                    expect(all(each in (413, "closed") for each in outcomes), f"refused with 413: {outcomes}")
                expect(growth <= BUDGET + 8 * 1024 * 1024, f"the worker grew {growth >> 20} MiB, budget 4 MiB")
            finally:
                close_all(socks)
            srv.expect_alive()
        cases.run("bodies past --worker-request-memory: the largest get 413 (WSGI), a client is answered",
                  bodies_over_budget)

    run_suite(f"serve_floods ({interface})", body, servers)


if __name__ == "__main__":
    main(sys.argv)
