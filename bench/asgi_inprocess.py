# The ceiling for any ASGI server (bench/asgi.sh): the example's async JSON view called through Django's ASGI handler
# (asgi_apps/django_app.py, its middleware as DJANGO_SETTINGS_MODULE says) on one uvloop loop, one request after
# another, with a prepared scope and no socket. Prints calls per second. Run from the directory that holds the
# project and asgi_apps' modules, with the project's environment set.
#   asgi_inprocess.py PATH SECONDS
import asyncio
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


async def measure(path, seconds):
    template = scope_for(path)
    for _ in range(200):  # warm-up: imports, URL resolver caches, the database connection
        await call(template)
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(50):
            await call(template)
        calls += 50
    return calls / (time.perf_counter() - started)


def main(path, seconds):
    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        print(f"{loop.run_until_complete(measure(path, float(seconds))):.0f}")
    finally:
        loop.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
