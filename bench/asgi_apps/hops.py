# Django 3.2's cost per sync middleware: one asgiref sync_to_async hop to its one executor thread and back
# (bench/asgi_hops.sh). GET /?n=N&k=K makes N hops of a function that does nothing, from K coroutines at once (K > 1:
# the executor thread answers while the loop is busy with another, as under load), and answers
# "wall_us loop_cpu_us" per hop. Run as a script, the same hops on asyncio's loop or uvloop, no server:
#   hops.py asyncio|uvloop N K
import asyncio
import sys
import time
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async


def nothing():
    return None


hop = sync_to_async(nothing)  # thread_sensitive, as Django's middleware adapters: the single executor thread


async def hops(count, at_once):
    async def one_line(share):
        for _ in range(share):
            await hop()

    await hop()  # the executor thread exists before the clocks start
    wall, cpu = time.perf_counter(), time.thread_time()
    await asyncio.gather(*(one_line(count // at_once) for _ in range(at_once)))
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    per = 1e6 / max(count, 1)
    return f"{wall * per:.2f} {cpu * per:.2f}"


async def application(scope, receive, send):
    if scope["type"] != "http":
        raise ValueError("no lifespan here")  # --lifespan auto serves on without it
    query = parse_qs(scope["query_string"].decode())
    count, at_once = int(query.get("n", ["0"])[0]), int(query.get("k", ["1"])[0])
    while (await receive()).get("more_body"):
        pass
    body = (await hops(count, at_once)).encode() + b"\n"
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def main(loop_name, count, at_once):
    if loop_name == "uvloop":
        import uvloop
        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.SelectorEventLoop()
    try:
        print(loop.run_until_complete(hops(int(count), int(at_once))))
    finally:
        loop.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
