# The raw ASGI app of bench/asgi.sh, no framework: the server's own cost shows. GET / is the hello-world, GET
# /stream streams 1 MiB in 16 chunks of 64 KiB (more_body), POST /upload answers the size of the body it read.
# Every request's body is read, an empty one too: Debian's hypercorn (0.13.2) closes the connection after a response
# to a request whose end the app never received, which would measure its connection set-up instead of its requests.
HELLO = b"Hello, world!\n"
HELLO_START = {"type": "http.response.start", "status": 200,
               "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(HELLO)).encode())]}
HELLO_BODY = {"type": "http.response.body", "body": HELLO}

CHUNK = b"x" * 65536
STREAM_CHUNKS = 16
STREAM_START = {"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/octet-stream")]}

NOT_FOUND_START = {"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]}


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
        return
    path = scope["path"]
    size = await body_size(receive)
    if path == "/":
        await send(HELLO_START)
        await send(HELLO_BODY)
    elif path == "/stream":
        await send(STREAM_START)
        for _ in range(STREAM_CHUNKS - 1):
            await send({"type": "http.response.body", "body": CHUNK, "more_body": True})
        await send({"type": "http.response.body", "body": CHUNK})
    elif path == "/upload" and scope["method"] == "POST":
        answer = str(size).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(answer)).encode())]})
        await send({"type": "http.response.body", "body": answer})
    else:
        await send(NOT_FOUND_START)
        await send({"type": "http.response.body", "body": b""})


async def body_size(receive):
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return size
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            return size


async def lifespan(receive, send):
    """Nothing to start or stop, said properly, so that no server logs a failed lifespan."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
