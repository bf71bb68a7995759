# The app of the HTTP conformance suite (serve_conformance.py): it answers every request with what it was handed,
# as JSON, and appends the request's method and raw target to $CONFORMANCE_LOG, so that the suite can tell that no
# byte after a refused message ever reached an app. /status/<code>?length=<n> answers that status with an empty
# body and the Content-Length the query asks for (the server decides whether it may be sent).
import json
import os

KEYS = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "SERVER_PROTOCOL", "RAW_URI", "REQUEST_URI", "CONTENT_TYPE",
        "CONTENT_LENGTH", "REMOTE_ADDR")


def record(environ):
    log = os.environ.get("CONFORMANCE_LOG")
    if log:
        with open(log, "a", encoding="latin-1") as f:
            f.write(f"{environ.get('REQUEST_METHOD')} {environ.get('RAW_URI', environ.get('PATH_INFO'))}\n")


def read_body(environ):
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH")
    return stream.read(int(length)) if length else stream.read()


def application(environ, start_response):
    record(environ)
    path = environ.get("PATH_INFO", "")
    if path.startswith("/status/"):
        read_body(environ)
        status = path[len("/status/"):]
        headers = [("Content-Type", "text/plain")]
        query = dict(item.partition("=")[::2] for item in environ.get("QUERY_STRING", "").split("&") if item)
        if "length" in query:
            headers.append(("Content-Length", query["length"]))
        start_response(f"{status} Status", headers)
        return [b""]
    seen = {key: environ[key] for key in KEYS if key in environ}
    seen.update({key: value for key, value in environ.items() if key.startswith("HTTP_")})
    seen["wsgi.url_scheme"] = environ["wsgi.url_scheme"]
    seen["body"] = read_body(environ).decode("latin-1")
    body = json.dumps(seen, sort_keys=True).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
