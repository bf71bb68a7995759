# echo.py's twin as an ASGI 3 app, so that the hostile-input and process suites run the same cases against both
# interfaces: same paths, same answers (headers described as WSGI would name them, as Django's ASGIHandler does).
import asyncio
import hashlib
import json
import os
import time

from in_flight import in_flight


async def respond(send, body, status=200, content_type=b"text/plain", extra=()):
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def request_body(receive, limit=None):
    """The body's bytes (the first `limit` of them, if given), from as many http.request messages as it takes."""
    chunks, size = [], 0
    while limit is None or size < limit:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    return body if limit is None else body[:limit]


def wsgi_names(scope):
    """The request headers as echo.py reports them: HTTP_<NAME> with dashes as underscores, duplicates joined."""
    described = {}
    for name, value in scope["headers"]:
        key = "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        if key in ("HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE"):
            continue
        text = value.decode("latin-1")
        described[key] = f"{described[key]},{text}" if key in described else text
    return described


def content_length(scope):
    return next((value.decode("latin-1") for name, value in scope["headers"] if name == b"content-length"), None)


async def lifespan(receive, send):
    """Startup waits while the file $SERVE_TEST_STARTUP_GATE exists (marked in flight meanwhile), so that a test
    can signal a worker that is inside its startup."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            gate = os.environ.get("SERVE_TEST_STARTUP_GATE")
            if gate and os.path.exists(gate):
                with in_flight():
                    while os.path.exists(gate):
                        await asyncio.sleep(0.02)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        return await lifespan(receive, send)
    path = scope["path"]
    if path == "/headers":
        body = await request_body(receive)
        described = wsgi_names(scope)
        described["CONTENT_LENGTH"] = content_length(scope)
        described["body_size"] = len(body)
        described["body_sha256"] = hashlib.sha256(body).hexdigest()
        await respond(send, json.dumps(described, sort_keys=True).encode(), content_type=b"application/json")
    elif path == "/sleep":  # suspends (the loop goes on serving others), as an async view awaiting I/O does
        seconds = float(scope["query_string"].decode().partition("=")[2] or 1)
        with in_flight():
            await asyncio.sleep(seconds)
        await respond(send, b"slept")
    elif path == "/block":  # a sync call in an async view: the worker's whole loop is stuck (--timeout's case)
        seconds = float(scope["query_string"].decode().partition("=")[2] or 20)
        await asyncio.sleep(0)
        with in_flight():
            time.sleep(seconds)
        await respond(send, b"too late")
    elif path == "/first-kb":
        await respond(send, b"read %d" % len(await request_body(receive, 1024)))
    elif path == "/pid":
        await respond(send, str(os.getpid()).encode())
    elif path == "/bad-header":
        await respond(send, b"must never be sent", extra=[(b"x-injected", b"a\r\nSet-Cookie: evil=1")])
    elif path == "/bad-header-lf":
        await respond(send, b"must never be sent", extra=[(b"x-injected", b"a\nSet-Cookie: evil=1")])
    elif path == "/path":
        query = scope["query_string"].decode("latin-1")
        await respond(send, json.dumps({"PATH_INFO": path, "QUERY_STRING": query}).encode())
    else:
        await respond(send, b"hello")
