#!/usr/bin/python3
# The process model of `deployctl serve` under load from a bounded Python load loop: HUP reload and TERM drain
# lose no request; a worker killed with SIGKILL is respawned; --timeout kills a stuck worker after logging its
# request line and Python stack; --max-requests recycles workers without a failed request; TTIN/TTOU add and
# remove a worker. Worker pids come from the process tree (/proc/<master>/task/*/children). `--interface asgi`
# runs the same cases against serve_apps/echo_asgi.py (issue 14), where --timeout is the watchdog of a loop blocked
# by one request, and adds what the other clients of that worker see when it is replaced.
import http.client
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, ECHO_APPS, InFlight, Reader, clean_env, connect, expect, get,  # noqa: E402
                          interface_choice, run_suite, server_choice, start, wait_for)


class Load:
    """A few threads sending GET requests on keep-alive connections until stopped. A request that fails on a
    reused connection before any byte of a response arrived is retried once on a new connection, as every HTTP
    client does (RFC 9112 9.3.1): the server may close an idle connection at any time. Once the load is stopping
    (the test is about to send TERM) that retry is not made: it would be a new request to a server that is
    stopping, which rightly refuses it; such a request is counted as abandoned. Anything else counts as a failed
    request: an error on a fresh connection, a refused connection, a status other than 200."""

    def __init__(self, port, path="/pid", threads=4, fresh=0):
        """`fresh` of the threads open a new connection for every request instead of keeping one alive."""
        self.port, self.path = port, path
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.ok, self.retries, self.abandoned, self.failures, self.bodies = 0, 0, 0, [], set()
        self.threads = [threading.Thread(target=self._run, args=(index < fresh,), daemon=True)
                        for index in range(threads)]
        for thread in self.threads:
            thread.start()

    def _one(self, conn):
        conn.request("GET", self.path)
        response = conn.getresponse()
        return response.status, response.read(), response.will_close

    def _run(self, fresh):
        conn, reused = None, False
        while not self.stopping.is_set():
            for attempt in range(2):
                if conn is None:
                    conn, reused = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15), False
                try:
                    status, body, will_close = self._one(conn)
                except (ConnectionResetError, BrokenPipeError) as error:  # RemoteDisconnected included
                    conn.close()
                    conn = None
                    if reused and attempt == 0:
                        with self.lock:
                            if self.stopping.is_set():
                                self.abandoned += 1
                                break
                            self.retries += 1
                        continue
                    self._fail(f"{type(error).__name__}: {error}")
                except OSError as error:
                    conn.close()
                    conn = None
                    self._fail(f"{type(error).__name__}: {error}")
                else:
                    with self.lock:
                        if status == 200:
                            self.ok += 1
                            self.bodies.add(body)
                        else:
                            self.failures.append(f"status {status}: {body[:100]!r}")
                    if will_close or fresh:
                        conn.close()
                        conn = None
                    else:
                        reused = True
                break
        if conn is not None:
            conn.close()

    def _fail(self, reason):
        with self.lock:
            self.failures.append(reason)

    def stop(self):
        """Stops issuing requests; waits for those in flight."""
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)
        expect(not any(thread.is_alive() for thread in self.threads), "the load threads finished")
        return self

    def summary(self):
        return (f"{self.ok} ok, {len(self.failures)} failed, {self.retries} retried on a closed keep-alive connection, "
                f"{self.abandoned} not retried at stop")


def main(argv):
    binary, against = server_choice(argv)
    interface = interface_choice(argv)
    app = ECHO_APPS[interface]
    # A request stuck in the app: WSGI's sleeps in its worker; ASGI's blocks the loop (a sync call in an async
    # view), as /sleep there suspends and would leave the worker free.
    stuck = "/sleep?s=20" if interface == "wsgi" else "/block?s=20"
    servers = []

    def body(cases, workdir):
        env = clean_env()
        in_flight = InFlight(workdir)
        startup_gate = os.path.join(workdir, "startup-gate")
        server = start(against, binary, app, APPS_DIR,
                       ["--workers", "2", "--graceful-timeout", "10", "--timeout", "30"],
                       {**env, **in_flight.env, "SERVE_TEST_STARTUP_GATE": startup_gate}, workdir)
        servers.append(server)

        def workers(count):
            return wait_for(lambda: len(server.children()) == count and server.children(), 10,
                            f"{count} workers in the process tree (now {server.children()})")

        def hup_reload():
            before = workers(2)
            load = Load(server.port)
            slow = {}

            def slow_request():  # in an old worker at HUP (ASGI: suspended in the app): it must complete there
                try:
                    slow["response"] = get(server.port, "/sleep?s=1.5", timeout=15)
                except OSError as error:
                    slow["response"] = error
            slow_thread = threading.Thread(target=slow_request, daemon=True)
            slow_thread.start()
            in_flight.wait(1)
            wait_for(lambda: load.ok >= 20 or load.failures, 10, "20 requests answered before HUP")
            server.send(signal.SIGHUP)
            new_workers = wait_for(lambda: len(server.children()) == 2 and not set(server.children()) & set(before)
                                   and server.children(), 15,
                                   f"two new workers replace {before} after HUP (now {server.children()})")
            # A new worker answers the load before it stops: the reload is over, not merely begun.
            wait_for(lambda: {str(pid).encode() for pid in new_workers} & load.bodies or load.failures, 10,
                     f"a new worker of {new_workers} answering (pids seen: {sorted(load.bodies)})")
            load.stop()
            slow_thread.join(timeout=15)
            response = slow.get("response")
            expect(getattr(response, "status", None) == 200 and response.body == b"slept",
                   f"the request in flight at HUP completes: {response!r}")
            expect(not load.failures, f"no failed request across HUP: {load.summary()}: {load.failures[:5]}")
            expect(load.ok > 20, f"the load went on during the reload: {load.summary()}")
            server.expect_alive()
        cases.run("HUP reload under load: no failed request, the one in the app at HUP completes", hup_reload)

        def kill_worker():
            before = workers(2)
            os.kill(before[0], signal.SIGKILL)
            wait_for(lambda: len(server.children()) == 2 and before[0] not in server.children(), 10,
                     f"worker {before[0]} killed with SIGKILL is replaced (now {server.children()})")
            for _ in range(4):
                response = get(server.port, "/pid")
                expect(response is not None and response.status == 200, f"served after the respawn: {response}")
        cases.run("SIGKILL of a worker: respawned", kill_worker)

        def ttin_ttou():
            workers(2)
            server.send(signal.SIGTTIN)
            workers(3)
            server.send(signal.SIGTTOU)
            workers(2)
        cases.run("TTIN and TTOU change the worker count", ttin_ttou)

        def ttou_during_startup():
            """The worker TTOU removes is the newest: here one still inside its lifespan startup (held by the gate
            file). Stopped there, it leaves quietly: no error, no traceback of the loop stopped under the startup."""
            workers(2)
            open(startup_gate, "w").close()
            try:
                server.send(signal.SIGTTIN)
                in_flight.wait(1)
                server.send(signal.SIGTTOU)
                workers(2)
            finally:
                os.unlink(startup_gate)
            for marker in os.listdir(in_flight.directory):  # the stopped worker's, never unmarked: not in flight
                os.unlink(os.path.join(in_flight.directory, marker))
            expect("lifespan could not run" not in server.error_log() and "Traceback" not in server.error_log(),
                   f"a worker stopped during its lifespan startup logs no error: {server.error_log()[-1500:]}")
            response = get(server.port, "/pid")
            expect(response is not None and response.status == 200, f"still serving: {response}")
        if interface == "asgi":  # a WSGI app has no lifespan
            cases.run("TTOU of a worker inside its ASGI lifespan startup: it leaves quietly", ttou_during_startup)

        def term_drain():
            workers(2)
            load = Load(server.port)
            slow = {}

            def slow_request():
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
                try:
                    conn.request("GET", "/sleep?s=1.5")
                    response = conn.getresponse()
                    slow["status"], slow["body"] = response.status, response.read()
                except OSError as error:
                    slow["error"] = repr(error)
            slow_thread = threading.Thread(target=slow_request, daemon=True)
            slow_thread.start()
            in_flight.wait(1)
            wait_for(lambda: load.ok >= 20 or load.failures, 10, "20 requests answered beside the slow one")
            # A client that connected before TERM and sends its request just after it (a client between connect()
            # and send()) is answered: its connection is taken from the backlog and not closed as idle at once.
            early = connect(server.port)
            load.stopping.set()  # in-flight requests must finish; new ones would be refused, rightly
            server.send(signal.SIGTERM)
            if against == "deployctl":
                wait_for(lambda: "Handling signal: term" in server.error_log(), 5, "the master logs the TERM")
            early.sendall(b"GET /pid HTTP/1.1\r\nHost: localhost\r\n\r\n")
            early_response = Reader(early).read_response()
            early.close()
            expect(early_response is not None and early_response.status == 200,
                   f"a request sent on a connection opened before TERM is answered: {early_response}")
            load.stop()
            slow_thread.join(timeout=15)
            expect(slow.get("status") == 200 and slow.get("body") == b"slept",
                   f"the request in flight at TERM completes: {slow}")
            expect(not load.failures, f"no failed request at TERM: {load.summary()}: {load.failures[:5]}")
            code = server.stop(timeout=12)
            expect(code == 0, f"the master exits 0 after TERM, not {code}")
        cases.run("TERM drain: in-flight requests complete", term_drain)

        timeout_server = start(against, binary, app, APPS_DIR, ["--workers", "1", "--timeout", "1"],
                               env, workdir)
        servers.append(timeout_server)

        def worker_timeout():
            first = get(timeout_server.port, "/pid").body
            started = time.monotonic()
            try:
                response = get(timeout_server.port, stuck, timeout=15)
            except (ConnectionResetError, TimeoutError) as error:
                response = error
            elapsed = time.monotonic() - started
            expect(elapsed < 8, f"a request stuck past --timeout 1 ends within seconds, not {elapsed:.1f} s")
            expect(response is None or not hasattr(response, "status") or response.status >= 500,
                   f"no success for the killed request: {response}")
            # A traceback or a faulthandler dump: either way the app's frame reads 'File ".../echo.py", line N'.
            frame = app.partition(":")[0] + '.py", line'
            log = wait_for(lambda: frame in timeout_server.error_log() and timeout_server.error_log(), 5,
                           f"the error log shows the stuck request's Python stack (the frame {frame})")
            expect(f"GET {stuck}" in log, f"the error log names the stuck request's line 'GET {stuck}'")
            second = wait_for(lambda: (get(timeout_server.port, "/pid") or None), 10, "a new worker answers")
            expect(second.status == 200 and second.body != first, f"a new worker (pid {second.body} != {first})")
        cases.run("--timeout kills a stuck worker and logs its request and stack", worker_timeout)

        loaded_timeout_server = start(against, binary, app, APPS_DIR, ["--workers", "2", "--timeout", "1"],
                                      {**env, **in_flight.env}, workdir)
        servers.append(loaded_timeout_server)

        def connections_by_worker(port, each=3, tries=40):
            """Keep-alive connections grouped by the worker that answered their first request (up to `each` per
            worker): which worker accepts a connection is the kernel's choice, so both may not be reached."""
            by_worker = {}
            for _ in range(tries):
                sock = connect(port, timeout=15)
                sock.sendall(b"GET /pid HTTP/1.1\r\nHost: x\r\n\r\n")
                reader = Reader(sock)
                pid = int(reader.read_response().body)
                if len(by_worker.setdefault(pid, [])) < each:
                    by_worker[pid].append((sock, reader))
                else:
                    sock.close()
                if len(by_worker) == 2 and all(len(kept) == each for kept in by_worker.values()):
                    break
            return by_worker

        def timeout_under_load():
            """What the other clients of a worker replaced by --timeout see. An ASGI worker also holds requests
            suspended in the app when one request blocks its loop: those of the blocked worker are lost with it,
            their clients see the connection closed with no byte of a response (never a 5xx in their name, never
            a partial body), and those of the other worker complete. (A sync WSGI worker holds no other request in
            the app: it has none to lose.) Of the load, only a request the stuck worker had already accepted can
            be lost, closed with no response; keep-alive clients of that worker retry as every client does, and
            new connections wait in the listener's backlog, shared by the workers, and are answered."""
            port = loaded_timeout_server.port
            before = wait_for(lambda: len(loaded_timeout_server.children()) == 2 and loaded_timeout_server.children(),
                              10, "2 workers")
            neighbours, stuck_on = [], None  # ASGI: (worker, socket, reader) of requests inside the app
            if interface == "asgi":
                by_worker = connections_by_worker(port)
                victim = max(by_worker, key=lambda pid: len(by_worker[pid]))
                expect(len(by_worker[victim]) >= 2, f"two connections to one worker: {by_worker}")
                stuck_on = by_worker[victim].pop(0)  # the stuck request goes on one: its worker is the victim
                neighbours = [(pid, sock, reader) for pid, kept in by_worker.items() for sock, reader in kept]
                for _, sock, _ in neighbours:
                    sock.sendall(b"GET /sleep?s=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                in_flight.wait(len(neighbours))
            load = Load(port, threads=4, fresh=2)
            wait_for(lambda: load.ok >= 20 or load.failures, 10, "20 requests answered before the stuck one")
            stuck_result = {}

            def stuck_request():
                try:
                    if stuck_on is None:
                        stuck_result["response"] = get(port, stuck, timeout=15)
                    else:
                        stuck_on[0].sendall(f"GET {stuck} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                        stuck_result["response"] = stuck_on[1].read_response()
                except (ConnectionResetError, TimeoutError) as error:
                    stuck_result["response"] = error
            stuck_thread = threading.Thread(target=stuck_request, daemon=True)
            stuck_thread.start()
            log = wait_for(lambda: "WORKER TIMEOUT" in loaded_timeout_server.error_log()
                           and loaded_timeout_server.error_log(), 10, "the stuck worker's WORKER TIMEOUT")
            killed = int(log.split("WORKER TIMEOUT (pid:")[1].split(")")[0])
            expect(killed in before, f"the worker timed out ({killed}) is one of {before}")
            replacement = wait_for(lambda: len(loaded_timeout_server.children()) == 2
                                   and killed not in loaded_timeout_server.children()
                                   and set(loaded_timeout_server.children()) - set(before), 10,
                                   f"worker {killed} replaced (now {loaded_timeout_server.children()})")
            wait_for(lambda: {str(pid).encode() for pid in replacement} & load.bodies or load.failures, 10,
                     f"the new worker {replacement} answers the load (pids seen: {sorted(load.bodies)})")
            load.stop()
            stuck_thread.join(timeout=15)
            stuck_response = stuck_result.get("response")
            expect(not hasattr(stuck_response, "status") or stuck_response.status >= 500,
                   f"no success for the stuck request: {stuck_response}")
            closed = [failure for failure in load.failures if failure.startswith(("RemoteDisconnected",
                                                                                  "ConnectionResetError"))]
            expect(closed == load.failures and len(closed) <= len(load.threads),
                   f"the load loses at most a request per client, closed with no response: {load.summary()}: "
                   f"{load.failures[:5]}")
            for pid, sock, reader in neighbours:
                try:
                    response = reader.read_response()
                except OSError as error:
                    response = error
                sock.close()
                if pid == killed:
                    expect(response is None or isinstance(response, OSError),
                           f"a request of the replaced worker is closed with no byte of a response: {response!r}")
                else:
                    expect(getattr(response, "status", None) == 200 and response.body == b"slept",
                           f"a request suspended in the other worker completes: {response!r}")
            if stuck_on is not None:
                stuck_on[0].close()
            lost = sum(1 for pid, _, _ in neighbours if pid == killed)
            print(f"  neighbours: {lost} lost with the worker, {len(neighbours) - lost} completed; "
                  f"load: {load.summary()}", flush=True)
        cases.run("--timeout under load: the other clients of the replaced worker", timeout_under_load)

        # gunicorn re-imports the app in every new worker unless preloaded: too slow for a 20 s test otherwise.
        recycle_server = start(against, binary, app, APPS_DIR,
                               ["--workers", "2", "--max-requests", "20", "--max-requests-jitter", "5"]
                               + (["--preload"] if against == "gunicorn" else []), env, workdir)
        servers.append(recycle_server)

        def max_requests():
            load = Load(recycle_server.port, fresh=2)  # a worker must recycle under keep-alive clients too
            wait_for(lambda: load.ok >= 300 or load.failures, 30, "300 requests through --max-requests 20")
            load.stop()
            expect(not load.failures, f"no failed request while workers recycle: {load.summary()}: {load.failures[:5]}")
            expect(len(load.bodies) >= 6, f"workers were recycled: {len(load.bodies)} distinct pids answered")
        cases.run("--max-requests recycles workers with no failed request", max_requests)

    run_suite(f"serve_process against {against} ({interface})", body, servers)


if __name__ == "__main__":
    main(sys.argv)
