#!/usr/bin/python3
# HTTP/1.1 conformance of `deployctl serve` over raw sockets: every case of tests/e2e/http_conformance/*.http (one per
# row of share/docs/http-conformance.md) sent on its own connection to the server running the conformance app.
# A refusal must be the one response on its connection, with the expected status, then a close; a sentinel request
# sent after the refused bytes must never reach the app. An accepted case must give the expected statuses, the
# environ it names and the response headers it names; the ones marked "gunicorn: same" are sent to gunicorn too,
# and both must answer the same status with the same environ (REQUEST_URI aside: it is uWSGI's name, gunicorn
# has RAW_URI; and CONTENT_LENGTH of a chunked request, which gunicorn does not set).
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_conformance import read_corpus  # noqa: E402
from serve_common import APPS_DIR, GUNICORN, Failure, Reader, clean_env, connect, expect, expect_equal, \
    run_suite, server_choice, start  # noqa: E402

SENTINEL = b"GET /sentinel-after-a-refusal HTTP/1.1\r\nHost: sentinel\r\n\r\n"
BODY_LIMIT = 65536
# What gunicorn cannot be compared on by design (see the top of this file).
NOT_COMPARED = {"REQUEST_URI"}


def exchange(port, raw, statuses, head):
    """Sends `raw` on a new connection and reads one response per expected status (fewer if it closes)."""
    responses = []
    with connect(port, timeout=10) as sock:
        try:
            sock.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before everything was sent: the response may still be readable
        reader = Reader(sock)
        for _ in statuses:
            response = reader.read_response(head=head)
            if response is None:
                break
            responses.append(response)
        closed = reader.closed_by_peer(timeout=3) if statuses[0] >= 400 else None
        return responses, closed, reader.buffer


def app_saw(response):
    try:
        return json.loads(response.body)
    except ValueError:
        raise Failure(f"the app's JSON, not {response.body[:200]!r}") from None


def main(argv):
    binary, against = server_choice(argv)
    sections = read_corpus()
    servers = []

    def body(cases, workdir):
        log = os.path.join(workdir, "requests.log")
        env = clean_env()
        env["CONFORMANCE_LOG"] = log
        main_flags = ["--workers", "1"] + (["--limit-request-body", str(BODY_LIMIT)] if against == "deployctl" else [])
        server = start(against, binary, "conformance:application", APPS_DIR, main_flags, env, workdir)
        servers.append(server)
        unlimited = start(against, binary, "conformance:application", APPS_DIR,
                          ["--workers", "1", "--limit-request-line", "0", "--limit-request-fields", "0",
                           "--limit-request-field_size", "0"], env, workdir)
        servers.append(unlimited)
        reference = None
        if against == "deployctl" and os.path.exists(GUNICORN):
            reference = start("gunicorn", binary, "conformance:application", APPS_DIR, ["--workers", "1"], env,
                              workdir)
            servers.append(reference)

        def sentinel_served():
            if not os.path.exists(log):
                return False
            with open(log, encoding="latin-1") as f:
                return "/sentinel-after-a-refusal" in f.read()

        def run_case(case):
            port = (unlimited if case.get("server") == "unlimited" else server).port
            statuses = case.statuses
            head = case.get("head") == "yes"
            if case.refused:
                responses, closed, rest = exchange(port, case.raw + SENTINEL, statuses, head)
                expect(responses, "an error response, not a silent close")
                expect_equal(responses[0].status, statuses[0], f"status (body {responses[0].body[:120]!r})")
                expect(b'"REQUEST_METHOD"' not in responses[0].body, "the app never answered")
                expect(closed, "the connection is closed after the refusal")
                expect(not rest, f"nothing follows the refusal on the connection ({rest[:80]!r})")
                expect(not sentinel_served(), "the request sent after the refused bytes never reached the app")
                return
            responses, _, _ = exchange(port, case.raw, statuses, head)
            expect_equal([r.status for r in responses], statuses, "statuses")
            final = responses[-1]
            for header in case.get("response-has", []):
                name, _, value = header.partition(":")
                expect_equal(final.all(name.strip()), [value.strip()], f"the response's {name.strip()}")
            for name in case.get("response-lacks", []):
                expect_equal(final.all(name), [], f"the response's {name}")
            if case.app is not None:
                seen = app_saw(next(r for r in responses if r.status == 200))
                for key, value in case.app.items():
                    expect_equal(seen.get(key), value, f"the app's {key}")
            if reference is not None and case.compared_with_gunicorn:
                theirs, _, _ = exchange(reference.port, case.raw, statuses, head)
                expect(theirs, "gunicorn answered")
                expect_equal(theirs[0].status, responses[0].status, "status, compared with gunicorn's")
                final_status = next((r for r in responses if r.status >= 200), None)
                if final_status is not None and final_status.status == 200 and not head:
                    ours = app_saw(final_status)
                    gunicorn_saw = app_saw(next(r for r in theirs if r.status >= 200))
                    ignored = set(NOT_COMPARED)
                    if "HTTP_TRANSFER_ENCODING" in ours:
                        ignored.add("CONTENT_LENGTH")
                    for key in sorted((set(ours) | set(gunicorn_saw)) - ignored):
                        expect_equal(ours.get(key), gunicorn_saw.get(key), f"environ {key}, compared with gunicorn's")

        for _, _, section_cases in sections:
            for case in section_cases:
                cases.run(case.id, run_case, case)
        for alive in servers:
            alive.expect_alive()

    run_suite(f"serve_conformance: {against}", body, servers)


if __name__ == "__main__":
    main(sys.argv)
