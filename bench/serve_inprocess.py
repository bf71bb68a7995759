# The ceiling for any server (bench/serve.sh): the example's Django view called in-process as a WSGI app, with a
# prepared environ and no socket at all. Prints calls per second. Run from the project dir with its env set.
# `PATH --calls=N`: a fixed number of calls after the warm-up, for instruction counts (bench/serve_instructions.sh).
import io
import sys
import time

from mysite.wsgi import application


def environ_for(path):
    return {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1", "HTTP_USER_AGENT": "wrk", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def call(template):
    environ = dict(template)  # a server builds a fresh environ per request too
    environ["wsgi.input"] = io.BytesIO(b"")
    status = []
    result = application(environ, lambda s, h, exc_info=None: status.append(s))
    try:
        body = b"".join(result)
    finally:
        result.close()
    if not status[0].startswith("200") or not body:
        raise SystemExit(f"the view answered {status[0]}")


def main(path, seconds):
    template = environ_for(path)
    for _ in range(200):  # warm-up: imports, URL resolver caches
        call(template)
    if seconds.startswith("--calls="):
        for _ in range(int(seconds[len("--calls="):])):
            call(template)
        return
    seconds = float(seconds)
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for _ in range(100):
            call(template)
        calls += 100
    print(f"{calls / (time.perf_counter() - started):.0f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
