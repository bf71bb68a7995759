# The app behind the operational tests (serve_ops.py): it reports what the server told it about the client and
# what of the process environment it can see (systemd's variables must be gone), and reads request bodies.
import ctypes
import json
import os

SYSTEMD_VARIABLES = ("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES")
_libc = ctypes.CDLL(None)
_libc.getenv.restype = ctypes.c_char_p


def respond(start_response, body, content_type="text/plain"):
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/env":
        seen = {
            "REMOTE_ADDR": environ.get("REMOTE_ADDR"),
            "wsgi.url_scheme": environ.get("wsgi.url_scheme"),
            "pid": os.getpid(),
            # os.environ is Python's copy, getenv the C environment that child processes inherit: both count.
            "os.environ": {name: os.environ[name] for name in SYSTEMD_VARIABLES if name in os.environ},
            "getenv": {name: _libc.getenv(name.encode()).decode() for name in SYSTEMD_VARIABLES
                       if _libc.getenv(name.encode()) is not None},
            "DEPLOYCTL_SERVE": sorted(name for name in os.environ if name.startswith("DEPLOYCTL_SERVE")),
        }
        return respond(start_response, json.dumps(seen).encode(), "application/json")
    if path == "/body":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return respond(start_response, str(len(environ["wsgi.input"].read(length))).encode())
    if path == "/pid":
        return respond(start_response, str(os.getpid()).encode())
    return respond(start_response, b"ok")
