# The raw ASGI 3 hello-world of bench/serve_asgi.sh: the least an ASGI app can do, so the server's own cost shows.
BODY = b"Hello, world!\n"
START = {"type": "http.response.start", "status": 200,
         "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(BODY)).encode())]}
RESPONSE = {"type": "http.response.body", "body": BODY}


async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    await send(START)
    await send(RESPONSE)
