#!/usr/bin/python3
# Differential against the reference server: the example project (share/examples/mysite) served by gunicorn and by
# `deployctl serve` (WSGI, mysite.wsgi), or with `--asgi` by uvicorn and by `deployctl serve` (Django's ASGI handler
# behind the project's Server-Timing middleware, mysite.asgi); the same request corpus sent to each; status, body
# and the headers the app set must agree.
# Framing is the servers' own business and is ignored: Date, Server, Connection, Transfer-Encoding, Keep-Alive,
# and Content-Length unless both sent one. Per-response secrets (CSRF tokens, session ids, cookie expiry
# dates) are masked, and so is the duration in Server-Timing (a measurement, different on every response).
# WSGI: a chunked upload is compared with the same body sent with Content-Length to gunicorn, since gunicorn
# hands Django a chunked body without CONTENT_LENGTH and Django then reads nothing. Known gunicorn 20.1
# departures the corpus steers around: it keeps trailing whitespace of a header value (RFC 9110 excludes it from
# the value; deployctl strips it) and sends a body in answer to HEAD.
# ASGI: uvicorn de-chunks a body for the app, so both servers get the same chunked upload. uvicorn 0.17 is held
# to nothing after a response either (the harness only checks deployctl for that). Its known departure,
# UVICORN_DEPARTURES, is checked on deployctl alone.
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (Reader, connect, expect, mysite_copy, run_suite, server_choice,  # noqa: E402
                          start)

FRAMING = {"date", "server", "connection", "transfer-encoding", "keep-alive"}
ADMIN = ("admin", "e2e-not-a-secret-Pa55word")
# uvicorn 0.17.6 closes the connection without a response: its access log decodes the query string as ASCII
# (uvicorn/protocols/utils.py, get_path_with_query_string) and raises UnicodeDecodeError.
UVICORN_DEPARTURES = {"POST with raw UTF-8 in the query"}
BOUNDARY = "----deployctl-e2e-boundary-7MA4YWxkTrZu0gW"


def request(method, target, headers=(), body=b"", chunked=False):
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
        sizes, framed, at = [1, 1000, 65536, 7], [], 0
        while at < len(body):
            piece = body[at:at + sizes[len(framed) % len(sizes)]]
            framed.append(b"%x\r\n" % len(piece) + piece + b"\r\n")
            at += len(piece)
        body = b"".join(framed) + b"0\r\n\r\n"
    elif body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    head = "\r\n".join(lines) + "\r\n\r\n"
    return head.encode("utf-8") + body  # UTF-8 on purpose: raw non-ASCII bytes in some request targets


def send(port, raw, head=False, strict=True):
    """One request on a fresh connection. `strict`: nothing may follow the response (gunicorn 20.1 is not held
    to it: it sends the body of a HEAD response)."""
    with connect(port, timeout=15) as sock:
        sock.sendall(raw)
        reader = Reader(sock)
        response = reader.read_response(head=head)
        extra = b""
        if response is not None and reader.closed_by_peer(5):
            extra = reader.buffer
    expect(response is not None, "a response")
    expect(not extra or not strict, f"no bytes after the response ({extra[:80]!r})")
    return response


def masked_cookie(value):
    value = re.sub(r"^([^=]+)=[^;]*", r"\1=<masked>", value)
    return re.sub(r"(?i)expires=[^;]*", "expires=<masked>", value)


def normalized(response):
    headers = []
    for name, value in response.headers:
        lower = name.lower()
        if lower in FRAMING or lower == "content-length":
            continue
        if lower == "set-cookie":
            value = masked_cookie(value)
        elif lower == "expires":  # never_cache: the time of the response
            value = "<masked>"
        elif lower == "server-timing":  # mysite's ASGI middleware: app;dur=<milliseconds>
            value = re.sub(r"dur=[0-9.]+", "dur=<masked>", value)
        headers.append((lower, value))
    headers.sort(key=lambda pair: pair[0])  # stable: repeated headers keep their order
    body = re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]*', rb"\1<masked>", response.body)
    return {"status": response.status, "headers": headers, "body": body,
            "content-length": response.header("Content-Length"), "complete": response.complete}


def differences(reference, candidate, name="gunicorn"):
    found = []
    if reference["status"] != candidate["status"]:
        found.append(f"status {candidate['status']} != {name}'s {reference['status']}")
    if reference["headers"] != candidate["headers"]:
        only_ref = [h for h in reference["headers"] if h not in candidate["headers"]]
        only_new = [h for h in candidate["headers"] if h not in reference["headers"]]
        found.append(f"headers: only {name} {only_ref}, only deployctl {only_new}"
                     + ("" if only_ref or only_new else " (same set, another order of repeated headers)"))
    if reference["body"] != candidate["body"]:
        found.append(f"body ({len(candidate['body'])} bytes) != {name}'s ({len(reference['body'])} bytes): "
                     f"{candidate['body'][:200]!r} vs {reference['body'][:200]!r}")
    if reference["complete"] != candidate["complete"]:
        found.append(f"body {'complete' if candidate['complete'] else 'cut short'}, {name}'s "
                     f"{'complete' if reference['complete'] else 'cut short'}")
    if reference["content-length"] and candidate["content-length"] and \
            reference["content-length"] != candidate["content-length"]:
        found.append(f"Content-Length {candidate['content-length']} != {name}'s {reference['content-length']}")
    return found


def multipart(fields, files):
    parts = []
    for name, value in fields:
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n")
    for name, filename, content in files:
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def corpus():
    """(name, raw request for the reference, raw request for deployctl, HEAD?)"""
    upload = random.Random(3333).randbytes(3 * 1024 * 1024 + 17)  # over FILE_UPLOAD_MAX_MEMORY_SIZE: a temp file
    form = multipart([("title", "Grüße, 世界"), ("tags", "a"), ("tags", "b")],
                     [("document", "notes été.bin", upload), ("small", "s.txt", b"small file\n")])
    multipart_type = [("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")]
    urlencoded = [("Content-Type", "application/x-www-form-urlencoded")]
    echo_body = b"name=J%C3%B6rg&tags=a&tags=b&empty=&plus=a+b"
    same = [
        ("GET /", request("GET", "/"), False),
        ("HEAD /", request("HEAD", "/"), True),
        ("GET a post", request("GET", "/posts/hello-world/"), False),
        ("GET a percent-encoded ASCII path", request("GET", "/posts/%68ello-%77orld/"), False),
        ("GET an unpublished post: 404", request("GET", "/posts/draft/"), False),
        ("GET a percent-encoded unicode path: 404", request("GET", "/posts/caf%C3%A9/"), False),
        ("GET an unknown path with a query: 404", request("GET", "/nope%20here/?x=%FF&y"), False),
        ("GET a redirect", request("GET", "/latest/"), False),
        ("GET the admin: redirect to login", request("GET", "/admin/"), False),
        ("GET an exception: 500", request("GET", "/boom/"), False),
        ("GET a StreamingHttpResponse", request("GET", "/export.csv"), False),
        ("GET a FileResponse", request("GET", "/colophon.txt"), False),
        ("HEAD a FileResponse", request("HEAD", "/colophon.txt"), True),
        ("GET JSON", request("GET", "/api/posts/?page=1"), False),
        ("GET an async view awaiting the database", request("GET", "/api/latest/"), False),
        ("GET a POST-only view: 405", request("GET", "/api/echo/"), False),
        ("GET the contact form", request("GET", "/contact/"), False),
        ("POST without a CSRF token: 403", request("POST", "/contact/", urlencoded, b"name=x"), False),
        ("POST urlencoded with a unicode query", request("POST", "/api/echo/?q=%C3%A9t%C3%A9&q=2&plain=a+b", urlencoded, echo_body), False),
        ("POST with raw UTF-8 in the query", request("POST", "/api/echo/?q=été&sym=✓", urlencoded, echo_body), False),
        ("POST to a unicode path", request("POST", "/api/echo/caf%C3%A9/%E2%9C%93/a%2Fb;p?k=%E2%9C%93", urlencoded, b"x=1"), False),
        ("POST multipart upload", request("POST", "/api/echo/", multipart_type, form), False),
        ("POST JSON", request("POST", "/api/echo/", [("Content-Type", "application/json")],
                              json.dumps({"title": "Grüße", "n": [1, 2]}).encode()), False),
        ("POST an empty body", request("POST", "/api/echo/", urlencoded, b""), False),
        ("repeated headers", request("POST", "/api/echo/", urlencoded + [("X-Echo-Tag", "one"), ("X-Echo-Tag", "two"),
                                                                        ("X-Echo-Single", "  padded")], b"a=1"), False),
        ("cookies", request("POST", "/api/echo/", urlencoded + [("Cookie", "a=1; b=two words; c=%C3%A9")], b"a=1"), False),
        ("repeated Cookie headers", request("POST", "/api/echo/", urlencoded + [("Cookie", "a=1"), ("Cookie", "b=2")], b"a=1"), False),
    ]
    cases = [(name, raw, raw, head) for name, raw, head in same]
    cases.append(("chunked multipart upload (deployctl) = with Content-Length (gunicorn)",
                  request("POST", "/api/echo/", multipart_type, form),
                  request("POST", "/api/echo/", multipart_type, form, chunked=True), False))
    cases.append(("chunked urlencoded (deployctl) = with Content-Length (gunicorn)",
                  request("POST", "/api/echo/", urlencoded, echo_body),
                  request("POST", "/api/echo/", urlencoded, echo_body, chunked=True), False))
    return cases


def admin_login(port):
    """GET the login page, then POST the credentials with its CSRF token: a 302 setting two cookies."""
    page = send(port, request("GET", "/admin/login/?next=/admin/"))
    cookie = next((v.split(";")[0] for v in page.all("Set-Cookie") if v.startswith("csrftoken=")), "")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    expect(cookie and token, f"the login page sets a CSRF cookie and token (status {page.status})")
    body = (f"csrfmiddlewaretoken={token.group(1).decode()}&username={ADMIN[0]}&password={ADMIN[1]}"
            "&next=/admin/").encode()
    logged_in = send(port, request("POST", "/admin/login/?next=/admin/",
                                   [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", cookie),
                                    ("Referer", f"http://127.0.0.1/admin/login/")], body))
    return [page, logged_in]


def main(argv):
    binary, against = server_choice(argv)
    asgi = "--asgi" in argv
    reference_kind = "uvicorn" if asgi else "gunicorn"
    servers = []

    def body(cases, workdir):
        project, env = mysite_copy(workdir, superuser=ADMIN)
        app = "mysite.asgi:application" if asgi else "mysite.wsgi:application"
        reference_flags = [] if asgi else ["--workers", "1"]
        reference = start(reference_kind, binary, app, project, reference_flags, env, workdir)
        servers.append(reference)
        if against == "deployctl":
            candidate = start("deployctl", binary, app, project, ["--workers", "1"], env, workdir)
        else:
            candidate = start(reference_kind, binary, app, project, reference_flags, env, workdir)
        servers.append(candidate)

        def compared(theirs, ours):
            return differences(normalized(theirs), normalized(ours), reference_kind)

        for name, raw_reference, raw_candidate, head in corpus():
            if asgi:
                raw_reference = raw_candidate  # uvicorn de-chunks for the app (see the top)
            elif candidate.kind == "gunicorn" and raw_reference != raw_candidate:
                continue  # the harness's self-check: gunicorn does not de-chunk for Django (see the top)
            def compare(raw_reference=raw_reference, raw_candidate=raw_candidate, head=head, name=name):
                if asgi and name in UVICORN_DEPARTURES and candidate.kind != "deployctl":
                    return  # the harness's self-check: uvicorn against itself
                ours = send(candidate.port, raw_candidate, head, strict=candidate.kind == "deployctl")
                if asgi and name in UVICORN_DEPARTURES:
                    expect(ours.status == 200 and json.loads(ours.body)["query"].get("q") == "été",
                           f"the query reaches the app, decoded as UTF-8 ({ours})")
                    return
                theirs = send(reference.port, raw_reference, head, strict=False)
                found = compared(theirs, ours)
                expect(not found, "; ".join(found))
            cases.run(name, compare)

        def login():
            ours, theirs = admin_login(candidate.port), admin_login(reference.port)
            for step, (mine, ref) in enumerate(zip(ours, theirs)):
                found = compared(ref, mine)
                expect(not found, f"step {step}: " + "; ".join(found))
            expect(theirs[1].status == 302 and len(theirs[1].all("Set-Cookie")) == 2,
                   f"{reference_kind}: a login answers 302 with two Set-Cookie headers ({theirs[1]})")
        cases.run("admin login: a redirect with two Set-Cookie headers", login)
        candidate.expect_alive()
        reference.expect_alive()

    run_suite(f"serve_differential: {against} vs {reference_kind} ({'ASGI' if asgi else 'WSGI'})", body, servers)


if __name__ == "__main__":
    main(sys.argv)
