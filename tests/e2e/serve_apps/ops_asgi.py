# ops.py's twin as an ASGI 3 app, for serve_ops.py --interface asgi: the same paths and answers, the client and
# scheme taken from the scope (a unix peer has no client: "" as REMOTE_ADDR is for WSGI).
import ctypes
import json
import os

SYSTEMD_VARIABLES = ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES")
_libc = ctypes.CDLL(None)
_libc.getenv.restype = ctypes.c_char_p


async def respond(send, body, content_type=b"text/plain"):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def body_size(receive):
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return size
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            return size


async def application(scope, receive, send):
    if scope["type"] != "http":
        return  # lifespan: none, the server goes on without it (--lifespan auto)
    path = scope["path"]
    if path == "/env":
        client = scope.get("client")
        seen = {
            "REMOTE_ADDR": client[0] if client else "",
            "wsgi.url_scheme": scope["scheme"],
            "pid": os.getpid(),
            "os.environ": {name: os.environ[name] for name in SYSTEMD_VARIABLES if name in os.environ},
            "getenv": {name: _libc.getenv(name.encode()).decode() for name in SYSTEMD_VARIABLES
                       if _libc.getenv(name.encode()) is not None},
            "DEPLOYCTL_SERVE": sorted(name for name in os.environ if name.startswith("DEPLOYCTL_SERVE")),
        }
        await respond(send, json.dumps(seen).encode(), b"application/json")
    elif path == "/body":
        await respond(send, str(await body_size(receive)).encode())
    elif path == "/pid":
        await respond(send, str(os.getpid()).encode())
    else:
        await respond(send, b"ok")
