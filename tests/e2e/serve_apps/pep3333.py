# A WSGI app that walks every corner of PEP 3333 a server must honour, wrapped in wsgiref.validate.validator;
# each result records its close() in $PEP3333_CLOSE_LOG so the test can see that the server called it.
import hashlib
import json
import os
import sys
import warnings
from wsgiref.validate import WSGIWarning, validator

# A validator warning (e.g. QUERY_STRING missing) must fail the request, not scroll by on stderr.
warnings.simplefilter("error", WSGIWarning)

CGI_KEYS = ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
            "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR")
PAYLOAD = os.path.abspath(__file__)  # what /file-wrapper sends: this very file


class Recorded:
    """The response iterable; close() appends 'close <path>' to the log the test reads."""

    def __init__(self, chunks, path):
        self.chunks = chunks
        self.path = path

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        inner = getattr(self.chunks, "close", None)
        if inner is not None:
            inner()
        log = os.environ.get("PEP3333_CLOSE_LOG")
        if log:
            with open(log, "a") as f:
                f.write(f"close {self.path}\n")


def json_body(start_response, value, status="200 OK"):
    body = json.dumps(value, sort_keys=True).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def environ_view(environ, start_response):
    described = {key: environ.get(key) for key in CGI_KEYS if key in environ}
    described["http"] = {key: value for key, value in environ.items() if key.startswith("HTTP_")}
    described["wsgi"] = {
        "version": list(environ["wsgi.version"]),
        "url_scheme": environ["wsgi.url_scheme"],
        "multithread": environ["wsgi.multithread"],
        "multiprocess": environ["wsgi.multiprocess"],
        "run_once": environ["wsgi.run_once"],
        "input_terminated": environ.get("wsgi.input_terminated"),
        "has_file_wrapper": "wsgi.file_wrapper" in environ,
        "errors_writable": all(hasattr(environ["wsgi.errors"], name) for name in ("write", "writelines", "flush")),
    }
    described["types_ok"] = all(type(environ[key]) is str for key in environ if "." not in key)
    return json_body(start_response, described)


def content_length(environ):
    return int(environ.get("CONTENT_LENGTH") or 0)


def read_view(environ, start_response):
    """read(n) in small pieces, then read(n) at the end must give b''."""
    stream, left, parts = environ["wsgi.input"], content_length(environ), []
    while left > 0:
        piece = stream.read(min(7, left))
        if not piece:
            break
        parts.append(piece)
        left -= len(piece)
    body = b"".join(parts)
    return json_body(start_response, {"size": len(body), "sha256": hashlib.sha256(body).hexdigest(),
                                      "after_end": stream.read(16).decode("latin-1")})


def lines_view(how):
    def view(environ, start_response):
        stream = environ["wsgi.input"]
        if how == "readline":
            lines = []
            while True:
                line = stream.readline()
                if not line:
                    break
                lines.append(line)
        elif how == "readline-size":
            lines = []
            while True:
                line = stream.readline(5)
                if not line:
                    break
                lines.append(line)
        elif how == "readlines":
            lines = stream.readlines()
        elif how == "readlines-hint":
            lines = stream.readlines(10)
        else:
            lines = list(stream)
        return json_body(start_response, [line.decode("latin-1") for line in lines])
    return view


def write_view(environ, start_response):
    """The legacy write() callable, then the iterable: both parts must reach the client in order."""
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"written-1;")
    write(b"written-2;")
    return [b"iterated-1;", b"", b"iterated-2"]


def exc_info_before_view(environ, start_response):
    """An error before anything was sent: start_response again with exc_info replaces the status and headers."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Discarded", "yes")])
    try:
        raise ValueError("planned failure before the body")
    except ValueError:
        start_response("500 Internal Server Error", [("Content-Type", "text/plain"), ("X-Recovered", "yes")],
                       sys.exc_info())
    return [b"recovered"]


def exc_info_after_view(environ, start_response):
    """An error after the head was sent: start_response with exc_info must re-raise, and the server must end
    the connection without pretending the response was complete."""
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"partial;")
    try:
        raise ValueError("planned failure after the head was sent")
    except ValueError:
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info())
    return [b"must never be sent"]


def file_wrapper_view(environ, start_response):
    size = os.path.getsize(PAYLOAD)
    start_response("200 OK", [("Content-Type", "text/x-python"), ("Content-Length", str(size))])
    return environ["wsgi.file_wrapper"](open(PAYLOAD, "rb"), 4096)


def generator_view(environ, start_response):
    count = int(environ.get("QUERY_STRING", "").partition("=")[2] or 5)

    def chunks():
        for index in range(count):
            yield f"chunk-{index};".encode()
            yield b""  # empty strings are legal and must not end the body
    start_response("200 OK", [("Content-Type", "text/plain")])
    return chunks()


def errors_view(environ, start_response):
    errors = environ["wsgi.errors"]
    errors.write("pep3333-wsgi-errors-marker\n")
    errors.writelines(["pep3333-writelines-marker\n"])
    errors.flush()
    start_response("204 No Content", [])
    return []


ROUTES = {
    "/environ": environ_view,
    "/read": read_view,
    "/readline": lines_view("readline"),
    "/readline-size": lines_view("readline-size"),
    "/readlines": lines_view("readlines"),
    "/readlines-hint": lines_view("readlines-hint"),
    "/iterate": lines_view("iterate"),
    "/write": write_view,
    "/exc-info-before": exc_info_before_view,
    "/exc-info-after": exc_info_after_view,
    "/file-wrapper": file_wrapper_view,
    "/generator": generator_view,
    "/errors": errors_view,
}


def not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"no such route"]


def recorded_app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    return Recorded(ROUTES.get(path, not_found)(environ, start_response), path)


application = validator(recorded_app)
