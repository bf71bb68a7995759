#!/usr/bin/python3
# `deployctl serve --threads N`, gunicorn's gthread model: one worker answers N sleeping requests at once,
# wsgi.multithread tells the truth, the app runs on ordinary Python threads, pipelined responses stay in order,
# large streams and files reach a slow reader whole while the worker keeps answering others, the in-flight
# gauge counts requests, TERM lets every request in flight finish, and --timeout kills a worker with a stuck
# thread after logging its request and Python stack. `--against gunicorn` runs the shared cases on gunicorn -k
# gthread, to check the harness.
import hashlib
import json
import os
import signal
import socket
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, Failure, InFlight, Reader, clean_env, connect, expect, expect_equal,  # noqa: E402
                          free_port, get, mysite_copy, run_suite, server_choice, start)

APP = "threads_app:application"
FILE_SIZE = 4 * 1024 * 1024
STREAM_SIZE = 8 * 1024 * 1024


def stream_bytes(size, block=65536):
    """What the app's /stream yields: a letter per 64 KiB block."""
    return b"".join(bytes([65 + (offset // block) % 26]) * min(block, size - offset)
                    for offset in range(0, size, block))


def threads_flags(against, count):
    return ["--threads", str(count)] + (["-k", "gthread"] if against == "gunicorn" and count > 1 else [])


def concurrently(port, paths, timeout=15):
    """GETs every path on its own connection at the same time; returns ([response or error], seconds)."""
    results = [None] * len(paths)

    def one(index, path):
        try:
            results[index] = get(port, path, timeout=timeout)
        except OSError as error:
            results[index] = error

    workers = [threading.Thread(target=one, args=(index, path), daemon=True) for index, path in enumerate(paths)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout + 5)
    return results, time.monotonic() - started


def thread_info(port):
    response = get(port, "/thread")
    expect(response is not None and response.status == 200, f"/thread answers: {response}")
    return json.loads(response.body)


def slow_read(port, path, head_pause=1.0):
    """Requests `path`, reads nothing for `head_pause` seconds (the server's socket buffer fills and it must
    wait), then reads slowly at first and returns the response."""
    with connect(port, timeout=20) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        time.sleep(head_pause)
        reader = Reader(sock)
        for _ in range(10):
            reader.buffer += sock.recv(4096)
            time.sleep(0.02)
        return reader.read_response()


def main(argv):
    binary, against = server_choice(argv)
    servers = []

    def body(cases, workdir):
        payload = os.path.join(workdir, "payload.bin")
        with open(payload, "wb") as f:
            f.write(os.urandom(FILE_SIZE))
        env = clean_env(THREADS_FILE=payload)
        deployctl_only = against == "deployctl"
        metrics_port = free_port()
        access_log = os.path.join(workdir, "access.log")
        flags = ["--workers", "1", "--timeout", "30", "--access-logfile", access_log] + threads_flags(against, 4)
        if deployctl_only:
            flags += ["--metrics-bind", f"127.0.0.1:{metrics_port}"]
        in_flight = InFlight(workdir)
        server = start(against, binary, APP, APPS_DIR, flags, {**env, **in_flight.env}, workdir)
        servers.append(server)
        port = server.port

        def four_sleeps_overlap():
            results, elapsed = concurrently(port, [f"/sleep?s=1&tag=r{index}" for index in range(4)])
            bodies = sorted(getattr(result, "body", repr(result)) for result in results)
            expect_equal(bodies, [b"r0", b"r1", b"r2", b"r3"], "the four sleeping requests' bodies")
            expect(elapsed < 2.5, f"4 requests sleeping 1 s on 1 worker x 4 threads overlap: {elapsed:.2f} s, "
                                  "not about 4 s")
            with open(access_log, "rb") as f:
                logged = f.read()
            for index in range(4):
                expect(f"/sleep?s=1&tag=r{index}".encode() in logged, f"the access log has request r{index}")
        cases.run("--threads 4: four 1 s sleeps on one worker take about 1 s", four_sleeps_overlap)

        def ordinary_python_threads():
            seen = [thread_info(port) for _ in range(4)]
            for info in seen:
                expect(info["multithread"] is True, f"wsgi.multithread is True under --threads 4: {info}")
                expect(info["kind"] != "_DummyThread" and not info["main"],
                       f"the app runs on a threading.Thread other than the main thread: {info}")
                if deployctl_only:
                    expect(info["name"].startswith("deployctl-thread-"), f"the thread is named: {info}")
            expect(len({info["pid"] for info in seen}) == 1, "one worker")
        cases.run("the app runs on named Python threads and wsgi.multithread is True", ordinary_python_threads)

        def pipelined_in_order():
            tags = ["a", "b", "c", "d", "e", "f"]
            # The slow ones first: a later, quicker request must still come back after them.
            paths = ["/sleep?s=0.4&tag=a", "/tag?tag=b", "/sleep?s=0.2&tag=c", "/tag?tag=d", "/sleep?s=0.1&tag=e",
                     "/tag?tag=f"]
            raw = b"".join(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode() for path in paths)
            with connect(port, timeout=10) as sock:
                sock.sendall(raw)
                reader = Reader(sock)
                bodies = []
                for _ in paths:
                    response = reader.read_response()
                    expect(response is not None and response.status == 200, f"a pipelined response: {response}")
                    bodies.append(response.body.decode())
            expect_equal(bodies, tags, "pipelined responses on one connection, in request order")
        if deployctl_only:  # gunicorn 20.1's gthread worker leaves requests pipelined behind the first unanswered
            cases.run("pipelined requests on one connection come back in order", pipelined_in_order)

        def stream_to_slow_reader():
            box = {}
            reading = threading.Thread(target=lambda: box.update(r=slow_read(port, f"/stream?size={STREAM_SIZE}")),
                                       daemon=True)
            reading.start()
            in_flight.wait(1)  # the stream's thread now writes to a reader that reads nothing
            started = time.monotonic()
            quick = get(port, "/tag?tag=meanwhile")
            expect(quick is not None and quick.body == b"meanwhile", f"another request is answered meanwhile: {quick}")
            expect(time.monotonic() - started < 0.7, "the worker answers others while one thread waits on a "
                                                     "slow reader")
            reading.join(30)
            response = box.get("r")
            expect(response is not None and response.status == 200 and response.complete,
                   f"the streamed response arrives complete: {response!r:.200}")
            expect_equal(len(response.body), STREAM_SIZE, "streamed body size")
            expect(response.body == stream_bytes(STREAM_SIZE), "the streamed body's bytes")
        cases.run("an 8 MB stream reaches a slow reader whole, others are answered meanwhile", stream_to_slow_reader)

        def file_to_slow_reader():
            response = slow_read(port, f"/file?size={FILE_SIZE}")
            expect(response is not None and response.status == 200 and response.complete,
                   f"the file_wrapper response arrives complete: {response!r:.200}")
            with open(payload, "rb") as f:
                expected = f.read()
            expect(hashlib.sha256(response.body).hexdigest() == hashlib.sha256(expected).hexdigest(),
                   f"the file's bytes ({len(response.body)} of {len(expected)})")
        cases.run("a 4 MB wsgi.file_wrapper response reaches a slow reader whole", file_to_slow_reader)

        if deployctl_only:
            def in_flight_gauge():
                box = {}
                sleeping = threading.Thread(target=lambda: box.update(r=concurrently(
                    port, ["/sleep?s=1.2"] * 3)), daemon=True)
                sleeping.start()
                in_flight.wait(3)
                with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as reply:
                    text = reply.read().decode()
                sleeping.join(10)
                expect("deployctl_requests_in_flight 3\n" in text,
                       "the in-flight gauge counts the 3 requests of one worker's threads: " +
                       next((line for line in text.splitlines() if line.startswith("deployctl_requests_in_flight")),
                            "no gauge"))
            cases.run("the in-flight gauge counts each thread's request", in_flight_gauge)

        single = start(against, binary, APP, APPS_DIR, ["--workers", "1"] + threads_flags(against, 1), env, workdir)
        servers.append(single)

        def one_thread():
            info = thread_info(single.port)
            expect(info["multithread"] is False, f"wsgi.multithread is False under --threads 1: {info}")
            if deployctl_only:
                expect(info["main"], f"--threads 1 answers on the worker's own (main) thread: {info}")
        cases.run("--threads 1: wsgi.multithread is False", one_thread)

        project, django_env = mysite_copy(workdir)
        django = start(against, binary, "mysite.wsgi:application", project, ["--workers", "1"]
                       + threads_flags(against, 4), django_env, workdir)
        servers.append(django)

        def django_database_per_thread():
            # SQLite refuses a connection used from another thread than the one that opened it: a request on a
            # thread that got another thread's connection would fail with a 500.
            results, _ = concurrently(django.port, ["/api/posts/"] * 16, timeout=20)
            statuses = [getattr(result, "status", repr(result)) for result in results]
            expect(statuses == [200] * 16, f"16 concurrent database views on 4 threads all succeed: {statuses}")
            bodies = {result.body for result in results}
            expect(len(bodies) == 1 and json.loads(next(iter(bodies)))["count"] >= 0, "the same posts each time")
            expect("Error" not in django.error_log(), "no error in the log:\n" + django.error_log()[-2000:])
        cases.run("Django on 4 threads: each thread has its own database connection", django_database_per_thread)

        drained_in_flight = InFlight(workdir)
        drained = start(against, binary, APP, APPS_DIR, ["--workers", "1", "--graceful-timeout", "10"]
                        + threads_flags(against, 4), {**env, **drained_in_flight.env}, workdir)
        servers.append(drained)

        def term_drain():
            box = {}
            sleeping = threading.Thread(target=lambda: box.update(r=concurrently(
                drained.port, [f"/sleep?s=1.5&tag=t{index}" for index in range(4)])), daemon=True)
            sleeping.start()
            drained_in_flight.wait(4)
            drained.send(signal.SIGTERM)
            sleeping.join(15)
            results, _ = box.get("r", ([], 0))
            bodies = sorted(getattr(result, "body", repr(result)) for result in results)
            expect_equal(bodies, [b"t0", b"t1", b"t2", b"t3"], "every request in flight at TERM completes")
            code = drained.stop(timeout=12)
            expect(code == 0, f"the master exits 0 after TERM, not {code}")
        cases.run("TERM lets the 4 requests in flight on the threads finish", term_drain)

        recycled = start(against, binary, APP, APPS_DIR, ["--workers", "1", "--max-requests", "10"]
                         + threads_flags(against, 4), env, workdir)
        servers.append(recycled)

        def max_requests():
            pids, failures = set(), []
            for _ in range(12):
                results, _ = concurrently(recycled.port, ["/thread"] * 4)
                for result in results:
                    if getattr(result, "status", None) == 200:
                        pids.add(json.loads(result.body)["pid"])
                    else:
                        failures.append(repr(result))
            expect(not failures, f"no failed request while the worker recycles: {failures[:3]}")
            expect(len(pids) >= 3, f"48 requests through --max-requests 10 recycle the worker: pids {pids}")
        cases.run("--max-requests counts the requests of all threads, with no failed request", max_requests)

        if not deployctl_only:
            return  # gunicorn's gthread worker heartbeats from its main loop: a stuck thread never times out

        interrupted_in_flight = InFlight(workdir)
        interrupted = start(against, binary, APP, APPS_DIR, ["--workers", "1"] + threads_flags(against, 4),
                            {**env, **interrupted_in_flight.env}, workdir)
        servers.append(interrupted)

        def fast_stop():
            sleeping = threading.Thread(target=concurrently, args=(interrupted.port, ["/sleep?s=20"] * 3),
                                        daemon=True)
            sleeping.start()
            interrupted_in_flight.wait(3)
            started = time.monotonic()
            code = interrupted.stop(signal.SIGINT, timeout=10)
            elapsed = time.monotonic() - started
            expect(code == 0, f"the master exits 0 after INT, not {code}")
            expect(elapsed < 3, f"INT stops at once, without waiting for the requests in flight: {elapsed:.1f} s")
            log = interrupted.error_log()
            expect("Worker exiting" in log and "exited with" not in log,
                   "the worker leaves cleanly (no crash, no SIGKILL) with threads still inside the app:\n" + log)
        cases.run("INT stops a worker at once with requests in flight on its threads", fast_stop)
        stuck = start(against, binary, APP, APPS_DIR, ["--workers", "1", "--timeout", "1"]
                      + threads_flags(against, 4), env, workdir)
        servers.append(stuck)

        def worker_timeout():
            first = thread_info(stuck.port)["pid"]
            results, elapsed = concurrently(stuck.port, ["/sleep?s=20&tag=stuck1", "/sleep?s=20&tag=stuck2",
                                                         "/tag?tag=quick"], timeout=15)
            expect(elapsed < 8, f"requests stuck past --timeout 1 end within seconds, not {elapsed:.1f} s")
            quick = results[2]
            expect(getattr(quick, "body", None) == b"quick", f"the quick request was answered: {quick}")
            for result in results[:2]:
                expect(not hasattr(result, "status") or result.status >= 500, f"no success when killed: {result}")
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and 'threads_app.py", line' not in stuck.error_log():
                time.sleep(0.05)
            log = stuck.error_log()
            expect('threads_app.py", line' in log, "the error log shows the stuck threads' Python stacks")
            expect("GET /sleep?s=20&tag=stuck" in log, "the error log names a stuck request's line")
            expect("stuck1" in log and "stuck2" in log, "the error log names both stuck requests")
            expect(log.count('threads_app.py", line') >= 2, "a stack for each stuck thread")
            second = None
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and second is None:
                try:
                    second = thread_info(stuck.port)["pid"]
                except (OSError, Failure, ValueError):
                    time.sleep(0.1)
            expect(second is not None and second != first, f"a new worker answers (pid {second} != {first})")
        cases.run("--timeout kills a worker with stuck threads and logs their requests and stacks", worker_timeout)

    run_suite(f"serve_threads against {against}", body, servers)


if __name__ == "__main__":
    main(sys.argv)
