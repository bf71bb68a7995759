# ASGI apps for tests/e2e/serve_asgi_send.py (spec 2.4, HTTP, and the http.response.pathsend extension): responses
# under backpressure, http.disconnect while a response streams, a request body held back while the app does not
# read it, and files sent by path. Marks (files under $SEND_MARKS) tell the test what the app has reached.
import asyncio
import os
from urllib.parse import parse_qs

PART = 64 * 1024


def pattern(index):
    """Part `index` of a streamed body: each part differs, so a lost, repeated or reordered part shows."""
    return (b"%08d" % index) * (PART // 8)


def _mark(name, text):
    with open(os.path.join(os.environ["SEND_MARKS"], name), "w") as mark:
        mark.write(text)


def _query(scope):
    return {key: values[0] for key, values in parse_qs(scope["query_string"].decode()).items()}


async def application(scope, receive, send):
    assert scope["type"] == "http", scope
    path, query = scope["path"], _query(scope)
    if path == "/hello":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"hello"})
    elif path == "/big":
        # A large stream: its send()s must wait for a slow reader instead of queueing it all or blocking the loop.
        name, parts = query["mark"], int(query["parts"])
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for index in range(parts):
            await send({"type": "http.response.body", "body": pattern(index), "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        _mark(name, "sent all")
        message = await receive()  # the request's (empty) body
        message = await receive()  # then: the client has left, or the response is complete
        _mark(name, "sent all, then " + message["type"])
    elif path == "/streaming-until-disconnect":
        name = query["mark"]
        await receive()  # the request's (empty) body
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"first part", "more_body": True})
        _mark(name, "streaming")
        message = await receive()  # pending while the response streams, until the client leaves
        _mark(name, message["type"])
        await send({"type": "http.response.body", "body": b"dropped quietly", "more_body": True})
        _mark(name, message["type"] + ", then a send() dropped quietly")
    elif path == "/endless":
        # An endless stream (server-sent events) that ends itself when receive() answers http.disconnect.
        name = query["mark"]
        await receive()  # the request's (empty) body
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"first part", "more_body": True})
        _mark(name, "streaming")
        message = await receive()
        await send({"type": "http.response.body", "body": b", last part after " + message["type"].encode()})
    elif path == "/held-body":
        # Takes one http.request message, then nothing until $SEND_MARKS/<mark>.go exists.
        name = query["mark"]
        first = await receive()
        _mark(name, "took %d" % len(first["body"]))
        go = os.path.join(os.environ["SEND_MARKS"], name + ".go")
        while not os.path.exists(go):
            await asyncio.sleep(0.01)
        size = len(first["body"])
        more = first.get("more_body", False)
        while more:
            message = await receive()
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": str(size).encode()})
    elif path == "/pathsend":
        offered = "http.response.pathsend" in scope.get("extensions", {})
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream"),
                                (b"x-offered", b"yes" if offered else b"no")]})
        await send({"type": "http.response.pathsend", "path": query["path"]})
    else:
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"no such test path"})
