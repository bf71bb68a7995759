# A WSGI app for the --threads tests: a view that sleeps (I/O-bound: it gives the GIL up), one that tells which
# Python thread ran it and what the environ says about threads, and a large streamed response.
import json
import os
import threading
import time

from in_flight import in_flight

_local = threading.local()  # per thread, as Django keeps its database connections


def respond(start_response, body, content_type="text/plain"):
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def stream(size, block=65536):
    with in_flight():  # until the last block is taken: a slow reader keeps the stream in flight
        sent = 0
        while sent < size:
            piece = min(block, size - sent)
            yield bytes([65 + (sent // block) % 26]) * piece
            sent += piece


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = dict(part.partition("=")[::2] for part in environ.get("QUERY_STRING", "").split("&") if part)
    if path == "/sleep":
        with in_flight():
            time.sleep(float(query.get("s", "1")))
        return respond(start_response, query.get("tag", "slept").encode())
    if path == "/thread":
        thread = threading.current_thread()
        _local.requests = getattr(_local, "requests", 0) + 1
        described = {
            "multithread": environ["wsgi.multithread"],
            "multiprocess": environ["wsgi.multiprocess"],
            "name": thread.name,
            "kind": type(thread).__name__,
            "ident": threading.get_ident(),
            "main": thread is threading.main_thread(),
            "local_requests": _local.requests,
            "pid": os.getpid(),
        }
        return respond(start_response, json.dumps(described).encode(), "application/json")
    if path == "/stream":
        size = int(query.get("size", str(8 * 1024 * 1024)))
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return stream(size)
    if path == "/file":
        size = int(query.get("size", str(4 * 1024 * 1024)))
        handle = open(os.environ["THREADS_FILE"], "rb")
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(size))])
        return environ["wsgi.file_wrapper"](handle)
    if path == "/tag":
        return respond(start_response, query.get("tag", "").encode())
    return respond(start_response, b"hello")
