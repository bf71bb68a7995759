# The ASGI worker's loop woken from other threads and its native turn (serve_asgi_wakeups.py): Django's
# sync_to_async hops, call_soon_threadsafe() from a foreign thread while the loop thread sleeps in epoll_wait and
# while it is busy, and timers (in order, cancelled, and after asyncio compacts a heap of cancelled ones). Each path
# answers plain text: what the test compares.
import asyncio
import json
import os
import threading
import time
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async

EPOLL_WAITS = {"232", "281", "441"}  # x86-64 epoll_wait, epoll_pwait, epoll_pwait2
PATIENCE_S = 30  # a foreign thread gives up waiting for the loop to sleep after this long


def nothing():
    return None


def eventfds():
    """The worker's eventfds with their counters (the loop's waker is one)."""
    found = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}") != "anon_inode:[eventfd]":
                continue
            with open(f"/proc/self/fdinfo/{name}") as info:
                fields = dict(line.split(":", 1) for line in info if ":" in line)
        except OSError:
            continue  # the fd of the listing itself, closed since
        found[int(name)] = int(fields["eventfd-count"].strip(), 16)
    return found


def loop_blocked(loop_tid):
    with open(f"/proc/self/task/{loop_tid}/syscall") as status:
        return status.read().split(" ", 1)[0] in EPOLL_WAITS


async def hops(count, at_once):
    async def one_line(share):
        for _ in range(share):
            await sync_to_async(nothing)()

    await asyncio.gather(*(one_line(count // at_once) for _ in range(at_once)))
    return f"{count}"


async def while_sleeping(count):
    """A foreign thread waits until the loop thread is blocked in epoll_wait, then hands it a result, `count` times:
    every hand-off must wake the wait (the answer counts the hand-offs made to a sleeping loop)."""
    loop = asyncio.get_running_loop()
    loop_tid = threading.get_native_id()
    futures = [loop.create_future() for _ in range(count)]
    asleep = 0

    def foreign():
        nonlocal asleep
        for index, future in enumerate(futures):
            deadline = time.monotonic() + PATIENCE_S
            while not loop_blocked(loop_tid) and time.monotonic() < deadline:
                pass
            asleep += loop_blocked(loop_tid)
            loop.call_soon_threadsafe(future.set_result, index)

    thread = threading.Thread(target=foreign)
    thread.start()
    results = [await future for future in futures]
    thread.join()
    return f"{results == list(range(count))} {asleep}"


async def while_busy(count):
    """A foreign thread hands the loop a result while the loop thread is busy (blocked in this step, not in its
    wait), `count` times: no write to the waker is needed, and the callback must still run. The answer counts the
    hand-offs after which the waker's counter stayed 0."""
    loop = asyncio.get_running_loop()
    quiet = 0
    for index in range(count):
        future = loop.create_future()
        thread = threading.Thread(target=loop.call_soon_threadsafe, args=(future.set_result, index))
        thread.start()
        thread.join()  # the loop thread is busy here: in this step, not in epoll_wait
        quiet += all(counter == 0 for counter in eventfds().values())
        if await future != index:
            return "wrong result"
    return f"True {quiet}"


async def timers():
    """Timers fire in time order, cancelled ones never; then 150 cancelled timers, which asyncio's next turn
    compacts into a new heap (over 100 timers, over half of them cancelled): the next request's sleep must still
    end."""
    loop = asyncio.get_running_loop()
    fired = []
    done = loop.create_future()
    for delay, name in ((0.03, "c"), (0.01, "a"), (0.02, "b")):
        loop.call_later(delay, fired.append, name)
    loop.call_later(0.015, fired.append, "cancelled").cancel()
    loop.call_later(0.04, done.set_result, None)
    threading.Thread(target=loop.call_soon_threadsafe, args=(fired.append, "threadsafe"),
                     kwargs={"context": None}).start()
    await done
    for handle in [loop.call_later(3600, fired.append, "never") for _ in range(150)]:
        handle.cancel()
    in_order = [name for name in fired if name != "threadsafe"]
    return f"{' '.join(in_order)} {'threadsafe' in fired}"


async def raising():
    """Callbacks that raise, queued from this thread and from another: each is handed to the loop's exception
    handler with asyncio's message, and the callbacks behind them still run."""
    loop = asyncio.get_running_loop()
    reported = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: reported.append(
        (context["message"].split(" ", 3)[:3], type(context["exception"]).__name__)))

    def fail(kind):
        raise kind("from a callback")

    done = loop.create_future()
    try:
        loop.call_soon(fail, ValueError)
        thread = threading.Thread(target=loop.call_soon_threadsafe, args=(fail, KeyError))
        thread.start()
        thread.join()
        loop.call_soon(done.set_result, None)
        await done
    finally:
        loop.set_exception_handler(previous)
    return json.dumps(reported)


def probe():
    loop = asyncio.get_running_loop()
    return json.dumps({name: type(loop.__dict__.get(name)).__name__
                       for name in ("_write_to_self", "_run_once", "call_soon_threadsafe")} |
                      {"eventfds": len(eventfds())})


async def application(scope, receive, send):
    if scope["type"] != "http":
        raise ValueError("no lifespan")  # --lifespan auto serves on without it
    query = {name: int(values[0]) for name, values in parse_qs(scope["query_string"].decode()).items()}
    while (await receive()).get("more_body"):
        pass
    path = scope["path"]
    if path == "/hops":
        text = await hops(query["n"], query.get("k", 1))
    elif path == "/sleeping":
        text = await while_sleeping(query["n"])
    elif path == "/busy":
        text = await while_busy(query["n"])
    elif path == "/raising":
        text = await raising()
    elif path == "/timers":
        text = await timers()
    elif path == "/sleep":
        await asyncio.sleep(0.01)  # a timer added by the first step, run from C within the selector's round
        text = "slept"
    else:
        text = probe()
    body = text.encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
