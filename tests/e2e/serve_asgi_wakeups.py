#!/usr/bin/python3
# The ASGI worker's loop woken from other threads, and its native turn (issue 14): Django's sync_to_async hops, one
# at a time and several at once, call_soon_threadsafe() from a foreign thread while the loop sleeps in epoll_wait and
# while it is busy, with the loop's own eventfd waker (gateway/asgi/waker.hpp) written only in the first case, and
# timers under the C _run_once (gateway/asgi/loop_turn.cpp), including the turn that compacts cancelled ones. A lost wake-up costs up
# to the worker's sweep (250 ms) per hand-off, so a few hundred hand-offs that do not come back within the generous
# timeout below fail the test without it timing anything.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import APPS_DIR, expect, expect_equal, get, run_suite, start  # noqa: E402

APP = "wakeups:application"
HAND_OFFS = 300
PATIENCE_S = 60  # per request; a healthy worker answers each in well under a second


def answer(port, path):
    response = get(port, path, timeout=PATIENCE_S)
    expect(response is not None and response.status == 200, f"{path} answers 200: {response}")
    return response.body.decode()


def check_waker(port):
    probe = json.loads(answer(port, "/probe"))
    native = "builtin_function_or_method"
    expect_equal(probe, {"_write_to_self": native, "_run_once": native, "call_soon_threadsafe": native,
                         "eventfds": 1}, "the loop's wake-up (over one eventfd) and its turn are native")


def check_hops(port):
    for at_once in (1, 8):
        expect_equal(answer(port, f"/hops?n=1000&k={at_once}"), "1000", f"1000 hops from {at_once} coroutines")


def check_sleeping(port):
    done, asleep = answer(port, f"/sleeping?n={HAND_OFFS}").split()
    expect_equal(done, "True", "every result handed over while the loop slept arrived, in order")
    expect(int(asleep) >= HAND_OFFS // 2, f"most hand-offs found the loop asleep in epoll_wait ({asleep})")


def check_busy(port):
    done, quiet = answer(port, f"/busy?n={HAND_OFFS}").split()
    expect_equal(done, "True", "every result handed over while the loop was busy arrived")
    expect_equal(int(quiet), HAND_OFFS, "no write to the waker while the loop was awake")


def check_timers(port):
    expect_equal(answer(port, "/timers"), "a b c True", "timers in time order, the cancelled one never, and a "
                 "call_soon_threadsafe(..., context=None) from another thread")
    for _ in range(2):
        expect_equal(answer(port, "/sleep"), "slept", "a sleep after asyncio compacted 150 cancelled timers")


def check_raising(port):
    expect_equal(json.loads(answer(port, "/raising")), [[["Exception", "in", "callback"], "ValueError"],
                                                        [["Exception", "in", "callback"], "KeyError"]],
                 "callbacks that raise reach the exception handler, and the loop goes on")


def main(argv):
    binary = os.path.abspath(argv[1])
    servers = []

    def body(cases, workdir):
        servers.append(start("deployctl", binary, APP, APPS_DIR, workdir=workdir, flags=("--workers", "1")))
        port = servers[-1].port
        cases.run("the loop's wake-up is the eventfd waker, its turn is native", check_waker, port)
        cases.run("sync_to_async hops, one at a time and eight at once", check_hops, port)
        cases.run("call_soon_threadsafe while the loop sleeps in epoll_wait wakes it", check_sleeping, port)
        cases.run("call_soon_threadsafe while the loop is busy runs without a wake-up", check_busy, port)
        cases.run("timers under the native turn", check_timers, port)
        cases.run("callbacks that raise under the native turn", check_raising, port)
        servers[-1].stop()

    run_suite("serve_asgi_wakeups", body, servers)


if __name__ == "__main__":
    main(sys.argv)
