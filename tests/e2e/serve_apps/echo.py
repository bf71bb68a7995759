# A small unvalidated WSGI app for the hostile-client and process-model tests: it echoes what the server
# handed it, sleeps, tells its pid, and can misbehave on purpose (a response header carrying CR/LF).
import hashlib
import json
import os
import time

from in_flight import in_flight


def respond(start_response, body, status="200 OK", content_type="text/plain", extra=()):
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *extra])
    return [body]


def request_body(environ):
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    return stream.read(int(length)) if length else stream.read()


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/headers":
        body = request_body(environ)
        described = {key: value for key, value in environ.items() if key.startswith("HTTP_")}
        described["CONTENT_LENGTH"] = environ.get("CONTENT_LENGTH")
        described["body_size"] = len(body)
        described["body_sha256"] = hashlib.sha256(body).hexdigest()
        return respond(start_response, json.dumps(described, sort_keys=True).encode(), content_type="application/json")
    if path == "/sleep":
        seconds = float(environ.get("QUERY_STRING", "").partition("=")[2] or 1)
        with in_flight():
            time.sleep(seconds)
        return respond(start_response, b"slept")
    if path == "/first-kb":  # answers after 1 KB of the body, whatever its length
        return respond(start_response, b"read %d" % len(environ["wsgi.input"].read(1024)))
    if path == "/pid":
        return respond(start_response, str(os.getpid()).encode())
    if path == "/bad-header":
        return respond(start_response, b"must never be sent", extra=[("X-Injected", "a\r\nSet-Cookie: evil=1")])
    if path == "/bad-header-lf":
        return respond(start_response, b"must never be sent", extra=[("X-Injected", "a\nSet-Cookie: evil=1")])
    if path == "/path":
        return respond(start_response, json.dumps({"PATH_INFO": path, "QUERY_STRING": environ.get("QUERY_STRING")}).encode())
    return respond(start_response, b"hello")
