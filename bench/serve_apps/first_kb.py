# The view of bench/serve_floods.sh's upload case: answers after reading 1 KB of the body, whatever its length.
def application(environ, start_response):
    taken = environ["wsgi.input"].read(1024)
    body = b"read %d\n" % len(taken)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
