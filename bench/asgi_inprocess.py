# The ceiling for any ASGI server (bench/asgi.sh): the example's async JSON view called through Django's ASGI handler
# (asgi_apps/django_app.py, its middleware as DJANGO_SETTINGS_MODULE says) on one uvloop loop, with a prepared scope
# and no socket, IN_FLIGHT calls at a time (as many as wrk keeps in flight against a server: with one at a time, every
# sync_to_async hop waits for the executor thread to be woken, which a busy server does not, so the "limit" would be
# far below what the servers reach). Prints "calls/s user_us system_us": the rate and the process's CPU per call.
# Run from the directory that holds the project and asgi_apps' modules, with the project's environment set.
#   asgi_inprocess.py PATH SECONDS [IN_FLIGHT]
import asyncio
import os
import sys
import time

import uvloop
from django_app import application

REQUEST = {"type": "http.request", "body": b"", "more_body": False}
DISCONNECT = {"type": "http.disconnect"}


def scope_for(path):
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"user-agent", b"wrk")], "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def call(template):
    scope = dict(template)  # a server builds a fresh scope per request too
    scope["headers"] = list(template["headers"])
    request_taken = False
    status = []
    body = []

    async def receive():
        nonlocal request_taken
        if request_taken:
            return DISCONNECT  # what a server answers once the request is read and the client is gone
        request_taken = True
        return REQUEST

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])
        else:
            body.append(message.get("body", b""))

    await application(scope, receive, send)
    if status != [200] or not b"".join(body):
        raise SystemExit(f"the view answered {status}")


async def measure(path, seconds, in_flight):
    template = scope_for(path)
    for _ in range(200):  # warm-up: imports, URL resolver caches, the database connection
        await call(template)
    deadline = time.perf_counter() + seconds

    async def caller():
        calls = 0
        while time.perf_counter() < deadline:
            await call(template)
            calls += 1
        return calls

    cpu_before, started = os.times(), time.perf_counter()
    calls = sum(await asyncio.gather(*(caller() for _ in range(in_flight))))
    cpu_after, elapsed = os.times(), time.perf_counter() - started
    per_call = 1e6 / calls
    return (calls / elapsed, (cpu_after.user - cpu_before.user) * per_call,
            (cpu_after.system - cpu_before.system) * per_call)


def main(path, seconds, in_flight="1"):
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        rate, user, system = loop.run_until_complete(measure(path, float(seconds), int(in_flight)))
        print(f"{rate:.0f} {user:.1f} {system:.1f}")
    finally:
        loop.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
