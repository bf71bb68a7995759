# The ASGI app of serve_asgi_body.py: it reads request bodies in steps the test can see. Each path leaves marks (small
# files named after ?mark= in $BODY_MARKS) saying what the app received, and some wait for a "<mark>.go" file before
# going on, so the test decides when the app reads next without any sleep on its side.
import asyncio
import os
from urllib.parse import parse_qs

MARKS = os.environ.get("BODY_MARKS", "")


def mark(name, text):
    with open(os.path.join(MARKS, name + ".tmp"), "w") as out:
        out.write(text)
    os.replace(os.path.join(MARKS, name + ".tmp"), os.path.join(MARKS, name))


async def go_ahead(name):
    """Waits until the test says go (polling the loop, not blocking it)."""
    while not os.path.exists(os.path.join(MARKS, name + ".go")):
        await asyncio.sleep(0.01)


async def respond(send, body, status=200):
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def rest_of_body(receive, first=b""):
    """(body, messages) from here to the end; body None when receive() answered http.disconnect."""
    body, messages = bytearray(first), 0
    while True:
        message = await receive()
        messages += 1
        if message["type"] == "http.disconnect":
            return None, messages
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return bytes(body), messages


async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    name = parse_qs(scope["query_string"].decode()).get("mark", ["unnamed"])[0]
    path = scope["path"]
    if path == "/first-chunk":
        # The first message, marked before anything more is asked for; then the rest.
        first = await receive()
        mark(name, "first %r more_body=%s" % (first.get("body", b""), first.get("more_body", False)))
        body, messages = await rest_of_body(receive, first.get("body", b""))
        if body is None:
            mark(name, "http.disconnect")
            await respond(send, b"disconnected")  # dropped quietly when the server refused the body
            return
        await respond(send, b"%s|%d" % (body, messages + 1))
    elif path == "/continue-late":
        mark(name, "started")
        await go_ahead(name)
        body, _ = await rest_of_body(receive)
        await respond(send, body or b"")
    elif path == "/no-read":
        await respond(send, b"answered without reading")
    elif path == "/held":
        # Takes one message, then holds the rest of the body until told to go on; answers its size.
        first = await receive()
        mark(name, "took %d" % len(first.get("body", b"")))
        await go_ahead(name)
        body, _ = await rest_of_body(receive, first.get("body", b""))
        await respond(send, str(len(body)).encode() if body is not None else b"disconnected")
    elif path == "/echo":
        body, _ = await rest_of_body(receive)
        await respond(send, body or b"")
    else:
        await respond(send, b"not found", 404)
