# The plain WSGI hello-world of bench/serve.sh: the least an app can do, so the server's own cost shows.
BODY = b"Hello, world!\n"
HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
