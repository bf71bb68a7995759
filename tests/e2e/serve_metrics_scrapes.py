#!/usr/bin/python3
# The --metrics-bind endpoint never blocks the master (issue 11): scrapes are served by non-blocking sockets
# polled with the master's signals, so a silent scraper neither delays another scrape nor the master's own work;
# one silent for a second gets 400 and is closed; past 16 open scrapes the rest wait in the backlog until one ends.
import os
import re
import signal
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, Reader, clean_env, connect, expect, expect_equal, get, run_suite,  # noqa: E402
                          server_choice, start, wait_for)

METRICS_AT = re.compile(r"metrics on http://127\.0\.0\.1:(\d+)/metrics")


def still_open(sock):
    """True while the server has neither answered nor closed the connection (looked at without waiting)."""
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        sock.recv(1, socket.MSG_PEEK)  # an answer, or the end
        return False
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.settimeout(timeout)


def main(argv):
    binary, _ = server_choice(argv)
    servers = []

    def body(cases, workdir):
        server = start("deployctl", binary, "echo:application", APPS_DIR,
                       ["--workers", "1", "--metrics-bind", "127.0.0.1:0"], clean_env(), workdir)
        servers.append(server)
        metrics_port = int(wait_for(lambda: METRICS_AT.search(server.error_log()), 10, "the metrics address")
                           .group(1))

        def silent_scrapers_hold_nothing():
            silent = [connect(metrics_port) for _ in range(3)]
            try:
                for _ in range(3):
                    response = get(metrics_port, "/metrics")
                    expect(response is not None and response.status == 200, f"a scrape is answered: {response}")
                # A master blocking on each silent scraper would have given it its second, 400, and closed it first.
                expect(all(still_open(sock) for sock in silent),
                       "the silent scrapers are still waiting: the scrapes were answered beside them")
                server.send(signal.SIGTTIN)  # the master's own work goes on too
                wait_for(lambda: len(server.children()) == 2, 10, "a second worker after TTIN")
                for sock in silent:
                    response = Reader(sock).read_response()
                    expect(response is not None and response.status == 400,
                           f"a silent scraper gets 400 after its second: {response}")
                    expect(Reader(sock).closed_by_peer(5), "and is closed")
            finally:
                for sock in silent:
                    sock.close()
            server.send(signal.SIGTTOU)
            wait_for(lambda: len(server.children()) == 1, 10, "back to one worker after TTOU")
        cases.run("silent scrapers do not delay other scrapes or the master, and get 400 after a second",
                  silent_scrapers_hold_nothing)

        def past_the_cap():
            silent = [connect(metrics_port) for _ in range(20)]
            try:
                response = get(metrics_port, "/metrics", timeout=10)
                expect(response is not None and response.status == 200,
                       f"past 16 open scrapes a new one waits for a slot, then is answered: {response}")
                expect_equal(get(server.port, "/").status, 200, "the app port is not affected")
            finally:
                for sock in silent:
                    sock.close()
        cases.run("20 silent scrapers: a scrape still answered once slots free up", past_the_cap)

    run_suite("serve_metrics_scrapes", body, servers)


if __name__ == "__main__":
    main(sys.argv)
