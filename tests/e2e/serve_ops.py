#!/usr/bin/python3
# The operational side of `deployctl serve`, end to end: unix sockets (--umask, trusted peer, removal on stop,
# a stale file from a killed run), fd://N, systemd socket activation (LISTEN_FDS) and readiness (NOTIFY_SOCKET),
# the --metrics-bind endpoint (strictly parsed; counters survive a HUP), --min-body-rate and
# --worker-connections, access-log lines for refused requests, and a HUP that changes the binds. `--interface asgi`
# runs every case against serve_apps/ops_asgi.py (issue 14): all of it is the server's, whatever the app.
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (APPS_DIR, SERVER_START_TIMEOUT, Failure, Reader, Server, _die_with_parent,  # noqa: E402
                          clean_env, connect, describe_exit, exchange, expect, expect_equal, free_port, get,
                          interface_choice, run_suite, wait_for)

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:  # scripts/install-deps installs python3-prometheus-client; without it the exposition is
    text_string_to_metric_families = None  # checked by the simpler line parser below only

READY = re.compile(r"deployctl serve: listening on (\S+) \((\d+) workers?\)")
METRICS_AT = re.compile(r"metrics on http://127\.0\.0\.1:(\d+)/metrics")

# systemd's side of socket activation, as a wrapper: the sockets moved to fds 3, 4, ... and LISTEN_PID set to
# the pid that then execs deployctl (exec keeps the pid), exactly what systemd does in the service's process.
ACTIVATE = """
import fcntl, os, sys
high = [fcntl.fcntl(int(fd), fcntl.F_DUPFD, 50) for fd in sys.argv[1].split(",")]
for index, fd in enumerate(high):
    os.dup2(fd, 3 + index)
    os.close(fd)
os.environ["LISTEN_FDS"] = str(len(high))
os.environ["LISTEN_PID"] = str(os.getpid())
os.execv(sys.argv[2], sys.argv[2:])
"""


class OpsServer(Server):
    """serve_common's Server with inherited fds and a readiness line for any kind of bind."""

    def __init__(self, args, cwd, env, workdir, pass_fds=()):  # noqa: super().__init__ would start another process
        self.kind = "deployctl"
        self.args = args
        self.log_path = os.path.join(workdir, f"deployctl-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w+b")
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, start_new_session=True, preexec_fn=_die_with_parent,
                                     pass_fds=pass_fds)
        self.port = None
        self.stopped_code = None

    def ready_lines(self):
        return READY.findall(self.error_log())

    def wait_ready(self, timeout=SERVER_START_TIMEOUT, count=1):
        """Waits for the `count`th readiness line (a reload prints them again); returns the listed addresses."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.ready_lines()
            if len(lines) >= count:
                addresses = [address for address, _ in lines]
                for address in addresses:
                    match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)", address)
                    if match and self.port is None:
                        self.port = int(match.group(1))
                return addresses
            code = self.proc.poll()
            if code is not None:
                raise Failure(f"deployctl exited with {describe_exit(code)} before it was ready:\n{self.error_log()}")
            time.sleep(0.02)
        raise Failure(f"no readiness line within {timeout} s:\n{self.error_log()}")

    def metrics_port(self):
        match = METRICS_AT.search(self.error_log())
        expect(match, "the error log names the metrics address")
        return int(match.group(1))


OPS_APPS = {"wsgi": "ops", "asgi": "ops_asgi"}  # module names in serve_apps/, each with `application`
ops_module = OPS_APPS["wsgi"]  # main() sets it from --interface


def serve_args(binary, *flags, chdir=APPS_DIR):
    return [binary, "serve", f"{ops_module}:application", "--chdir", chdir, "--workers", "1", *flags]


def launch(servers, workdir, args, env=None, pass_fds=(), cwd=APPS_DIR):
    server = OpsServer(args, cwd, env or clean_env(), workdir, pass_fds)
    servers.append(server)
    server.wait_ready()
    return server


def unix_request(path, target, headers=(), timeout=5):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        lines = [f"GET {target} HTTP/1.1", "Host: localhost", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return Reader(sock).read_response()


def env_seen(response):
    expect(response is not None and response.status == 200, f"/env answered: {response}")
    return json.loads(response.body)


def refused(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True


def listening_socket(family=socket.AF_INET, address=("127.0.0.1", 0)):
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.bind(address)
    sock.listen(64)
    return sock


# ---- unix sockets ----

def unix_socket_cases(cases, binary, workdir, servers):
    path = os.path.join(workdir, "app.sock")

    def umask_trust_and_removal():
        server = launch(servers, workdir, serve_args(binary, "--bind", f"unix:{path}", "--umask", "007"))
        expect_equal(server.wait_ready(), [f"unix:{path}"], "the readiness line names the socket")
        mode = os.lstat(path).st_mode
        expect(stat.S_ISSOCK(mode), f"{path} is a socket")
        expect_equal(oct(stat.S_IMODE(mode)), oct(0o770), "the socket's mode under --umask 007")
        plain = env_seen(unix_request(path, "/env"))
        expect_equal(plain["REMOTE_ADDR"], "", "REMOTE_ADDR of a unix peer with no proxy header (as gunicorn)")
        # A unix peer is a local proxy: trusted without --forwarded-allow-ips, as gunicorn trusts it.
        forwarded = env_seen(unix_request(path, "/env", [("X-Forwarded-For", "203.0.113.9"),
                                                          ("X-Forwarded-Proto", "https")]))
        expect_equal(forwarded["REMOTE_ADDR"], "203.0.113.9", "REMOTE_ADDR from X-Forwarded-For via a unix peer")
        expect_equal(forwarded["wsgi.url_scheme"], "https", "wsgi.url_scheme from X-Forwarded-Proto via a unix peer")
        expect_equal(server.stop(), 0, "exit code after TERM")
        expect(not os.path.exists(path), "the socket file is removed on a clean stop")
    cases.run("unix socket: --umask mode, requests, trusted peer, removed on stop", umask_trust_and_removal)

    def stale_and_live_socket():
        killed = launch(servers, workdir, serve_args(binary, "--bind", f"unix:{path}"))
        servers.remove(killed)  # its death by SIGKILL is the point, not a failure
        killed.kill()  # the whole process group, no clean stop: the file stays behind
        expect(stat.S_ISSOCK(os.lstat(path).st_mode), "a killed server leaves its socket file")
        again = launch(servers, workdir, serve_args(binary, "--bind", f"unix:{path}"))
        expect_equal(unix_request(path, "/").body, b"ok", "served after replacing the stale socket file")
        # A live server's socket is not stolen: the second one refuses to start.
        second = OpsServer(serve_args(binary, "--bind", f"unix:{path}"), APPS_DIR, clean_env(), workdir)
        try:
            code = second.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            raise Failure("a second server on a live socket keeps running instead of refusing to start")
        finally:
            second.kill()
        expect_equal(code, 2, "exit code of a second server on a live socket")
        expect("another server is listening on it" in second.error_log(),
               f"the reason is given: {second.error_log()[-300:]}")
        expect_equal(unix_request(path, "/").body, b"ok", "the first server still serves")
        expect_equal(again.stop(), 0, "exit code after TERM")
    cases.run("unix socket: a stale file is replaced, a live one is not", stale_and_live_socket)


# ---- inherited sockets: fd://N and systemd ----

def inherited_socket_cases(cases, binary, workdir, servers):
    def fd_bind():
        with listening_socket() as sock:
            port = sock.getsockname()[1]
            server = launch(servers, workdir, serve_args(binary, "--bind", f"fd://{sock.fileno()}"),
                            pass_fds=(sock.fileno(),))
            expect_equal(server.port, port, "deployctl serves on the port of the socket it was handed")
            response = get(port, "/")
            expect(response is not None and response.status == 200 and response.body == b"ok", f"{response}")
            expect_equal(server.stop(), 0, "exit code after TERM")
    cases.run("fd://N: serves on the inherited socket", fd_bind)

    def systemd_activation():
        unix_path = os.path.join(workdir, "systemd.sock")
        with listening_socket() as tcp, listening_socket(socket.AF_UNIX, unix_path) as local:
            port = tcp.getsockname()[1]
            fds = (tcp.fileno(), local.fileno())
            env = clean_env(LISTEN_FDNAMES="web:local")
            args = ["/usr/bin/python3", "-c", ACTIVATE, ",".join(map(str, fds)),
                    *serve_args(binary, "--bind", "127.0.0.1:0")]  # the --bind is ignored: systemd's sockets win
            server = launch(servers, workdir, args, env=env, pass_fds=fds)
            expect_equal(sorted(server.wait_ready(count=2)), sorted([f"http://127.0.0.1:{port}", f"unix:{unix_path}"]),
                         "deployctl listens on systemd's two sockets and nothing else")
            log = server.error_log()
            expect("systemd socket 'web'" in log and "systemd socket 'local'" in log,
                   "LISTEN_FDNAMES names the sockets in the error log")
            seen = env_seen(get(port, "/env"))
            expect_equal(seen["os.environ"], {}, "LISTEN_* are gone from os.environ in the app")
            expect_equal(seen["getenv"], {}, "LISTEN_* are gone from the C environment children inherit")
            expect_equal(unix_request(unix_path, "/").body, b"ok", "served on the unix socket from systemd")
            expect_equal(server.stop(), 0, "exit code after TERM")
            expect(os.path.exists(unix_path), "a socket file systemd made is left to systemd")

    cases.run("LISTEN_FDS: systemd's sockets are served, the variables unset for the app", systemd_activation)

    def foreign_listen_pid():
        env = clean_env(LISTEN_FDS="1", LISTEN_PID="1")  # meant for another process: ignored
        server = launch(servers, workdir, serve_args(binary, "--bind", "127.0.0.1:0"), env=env)
        expect(server.port is not None, "served on --bind, not on a fd 3 meant for another process")
        seen = env_seen(get(server.port, "/env"))
        expect_equal(seen["getenv"], {}, "LISTEN_* are removed even when not ours")
        expect_equal(server.stop(), 0, "exit code after TERM")
    cases.run("LISTEN_PID of another process: --bind is used", foreign_listen_pid)


# ---- sd_notify ----

class NotifySocket:
    def __init__(self, address):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)

    def next(self, timeout=15):
        """The next message as a dict of its assignments."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(4096).decode()
        except socket.timeout:
            raise Failure(f"no sd_notify message within {timeout} s")
        return dict(line.split("=", 1) for line in data.split("\n") if "=" in line)

    def close(self):
        self.sock.close()


def notify_and_metrics_cases(cases, binary, workdir, servers):
    notify_path = os.path.join(workdir, "notify.sock")
    notify = NotifySocket(notify_path)
    server = launch(servers, workdir, serve_args(binary, "--bind", "127.0.0.1:0", "--metrics-bind", "127.0.0.1:0"),
                    env=clean_env(NOTIFY_SOCKET=notify_path))

    def ready_on_start():
        message = notify.next()
        expect_equal(message.get("READY"), "1", f"the first message is READY=1: {message}")
        expect_equal(message.get("MAINPID"), str(server.pid), "MAINPID is the master's pid")
        expect(get(server.port, "/").status == 200, "READY=1 comes once requests are served")
    cases.run("sd_notify: READY=1 with MAINPID once listening", ready_on_start)

    def metrics(path="/metrics", method="GET"):
        return get(server.metrics_port(), path, method=method)

    def families(text):
        if text_string_to_metric_families is not None:
            return {family.name: family for family in text_string_to_metric_families(text)}
        return {}

    def requests_2xx(text):
        match = re.search(r'^deployctl_requests_total\{status_class="2xx"\} (\d+)$', text, re.M)
        expect(match, f"a 2xx counter in:\n{text}")
        return int(match.group(1))

    def metrics_endpoint():
        for _ in range(5):
            get(server.port, "/")
        response = metrics()
        expect_equal(response.status, 200, "GET /metrics")
        expect(response.header("Content-Type").startswith("text/plain; version=0.0.4"),
               f"the Prometheus text content type: {response.header('Content-Type')}")
        text = response.body.decode()
        expect(requests_2xx(text) >= 5, f"the 2xx counter counts the requests:\n{text}")
        parsed = families(text)
        if text_string_to_metric_families is not None:
            expect({"deployctl_requests", "deployctl_request_duration_seconds", "deployctl_requests_in_flight",
                    "deployctl_workers", "deployctl_worker_restarts", "deployctl_worker_timeouts"} <= set(parsed),
                   f"every family parses: {sorted(parsed)}")
            expect_equal(parsed["deployctl_request_duration_seconds"].type, "histogram", "the latency type")
            expect_equal(parsed["deployctl_requests"].type, "counter", "the requests type")
        head = metrics(method="HEAD")
        expect(head.status == 200 and head.body == b"" and int(head.header("Content-Length")) > 0,
               f"HEAD /metrics: the length, no body: {head}")
        expect_equal(metrics("/").status, 404, "GET / on the metrics port")
        expect_equal(metrics("/metrics/x").status, 404, "GET /metrics/x on the metrics port")
        post = metrics(method="POST")
        expect_equal(post.status, 405, "POST /metrics")
        expect_equal(post.header("Allow"), "GET, HEAD", "the Allow header of the 405")
    cases.run("--metrics-bind: GET and HEAD /metrics only, strictly parsed", metrics_endpoint)

    def counters_survive_reload():
        for _ in range(10):
            get(server.port, "/")
        before_text = metrics().body.decode()
        before = requests_2xx(before_text)
        old_workers = server.children()
        server.send(signal.SIGHUP)
        reloading = notify.next()
        expect_equal(reloading.get("RELOADING"), "1", f"RELOADING=1 on HUP: {reloading}")
        expect("MONOTONIC_USEC" in reloading, "RELOADING=1 carries MONOTONIC_USEC (Type=notify-reload)")
        ready = notify.next()
        expect_equal(ready.get("READY"), "1", f"READY=1 after the reload: {ready}")
        expect_equal(ready.get("MAINPID"), str(server.pid), "the master keeps its pid across the reload")
        wait_for(lambda: server.children() and not set(server.children()) & set(old_workers), 10,
                 f"new workers replace {old_workers}")
        after = requests_2xx(metrics().body.decode())
        expect(after >= before, f"the 2xx counter after HUP ({after}) is not below the one before ({before})")
        for _ in range(3):
            get(server.port, "/")
        expect(requests_2xx(metrics().body.decode()) >= before + 3, "the counter goes on from there")
    cases.run("metrics counters survive a HUP reload; RELOADING=1 then READY=1", counters_survive_reload)

    def stopping_on_term():
        server.send(signal.SIGTERM)
        message = notify.next()
        expect_equal(message.get("STOPPING"), "1", f"STOPPING=1 on TERM: {message}")
        expect_equal(server.stop(), 0, "exit code after TERM")
    cases.run("sd_notify: STOPPING=1 on TERM", stopping_on_term)
    notify.close()

    def abstract_notify_socket():
        name = f"deployctl-serve-ops-{os.getpid()}-{time.monotonic_ns()}"
        abstract = NotifySocket("\0" + name)
        try:
            abstract_server = launch(servers, workdir, serve_args(binary, "--bind", "127.0.0.1:0"),
                                     env=clean_env(NOTIFY_SOCKET="@" + name))
            expect_equal(abstract.next().get("READY"), "1", "READY=1 through an abstract NOTIFY_SOCKET")
            expect_equal(abstract_server.stop(), 0, "exit code after TERM")
            expect_equal(abstract.next().get("STOPPING"), "1", "STOPPING=1 through an abstract NOTIFY_SOCKET")
        finally:
            abstract.close()
    cases.run("sd_notify: an abstract NOTIFY_SOCKET (@name)", abstract_notify_socket)


# ---- hostile-client flags and the access log of refused requests ----

def send_slowly(sock, head, chunk, interval, limit):
    """Sends `head`, then `chunk` every `interval` s until the server answers (or `limit` s pass)."""
    sock.sendall(head)
    started = time.monotonic()
    sock.setblocking(False)
    try:
        while time.monotonic() - started < limit:
            try:
                data = sock.recv(65536, socket.MSG_PEEK)
                if data or data == b"":
                    break
            except BlockingIOError:
                pass
            try:
                sock.send(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
            time.sleep(interval)
    finally:
        sock.setblocking(True)
    return time.monotonic() - started


def limits_cases(cases, binary, workdir, servers):
    access_log = os.path.join(workdir, "access.log")
    server = launch(servers, workdir, serve_args(
        binary, "--bind", "127.0.0.1:0", "--header-timeout", "1", "--min-body-rate", "1000",
        "--worker-connections", "2", "--keep-alive", "10", "--limit-request-fields", "5",
        "--access-logfile", access_log))

    def access_lines():
        with open(access_log, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()

    def slow_body():
        with connect(server.port, timeout=10) as sock:
            head = b"POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n"
            took = send_slowly(sock, head, b"x" * 20, 0.2, 8)  # 100 bytes/s against a minimum of 1000
            response = Reader(sock).read_response()
        expect(response is not None and response.status == 408, f"a body below --min-body-rate gets 408: {response}")
        expect(took < 5, f"cut off soon after the grace of --header-timeout 1 (after {took:.1f} s)")
        # A body above the rate is not cut, although it takes longer than the grace.
        with connect(server.port, timeout=10) as sock:
            head = b"POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 30000\r\n\r\n"
            sock.sendall(head)
            for _ in range(15):
                sock.sendall(b"y" * 2000)
                time.sleep(0.1)  # 20 kB/s for 1.5 s
            response = Reader(sock).read_response()
        expect(response is not None and response.status == 200 and response.body == b"30000",
               f"a body above the minimum rate is served: {response}")
        wait_for(lambda: any('"POST /body HTTP/1.1" 408' in line for line in access_lines()), 3,
                 "the access log has the 408 of the slow body with its request line")
    cases.run("--min-body-rate: a slower body gets 408, a faster one is served", slow_body)

    def connection_cap():
        first, second = connect(server.port), connect(server.port)
        readers = []
        try:
            for sock in (first, second):  # two idle keep-alive connections: the worker's cap of 2
                sock.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                reader = Reader(sock)
                readers.append(reader)
                expect_equal(reader.read_response().status, 200, "a request on a connection within the cap")
            with connect(server.port) as third:  # takes the place of the idle connection quiet for longest
                third.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                response = Reader(third).read_response()
                expect(response is not None and response.status == 200, f"a third connection is served: {response}")
            expect(readers[0].closed_by_peer(), "the first idle keep-alive connection was closed to make room")
            second.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            expect_equal(readers[1].read_response().status, 200, "the second one is still served")
        finally:
            first.close()
            second.close()
    cases.run("--worker-connections 2: a third connection takes the place of the idle one quiet for longest",
              connection_cap)

    def refused_requests_logged():
        malformed = exchange(server.port, b"GET /bad HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n")
        expect(malformed is not None and malformed.status == 400, f"a malformed header gets 400: {malformed}")
        many = b"GET /many HTTP/1.1\r\nHost: a\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(10)) + b"\r\n"
        flood = exchange(server.port, many)
        expect(flood is not None and flood.status == 431, f"too many headers get 431: {flood}")
        tls = exchange(server.port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
        expect(tls is not None and tls.status == 400, f"TLS bytes get 400: {tls}")
        with connect(server.port) as sock:  # a head that never completes: 408 after --header-timeout
            sock.sendall(b"GET /slow")
            slow = Reader(sock).read_response()
        expect(slow is not None and slow.status == 408, f"an incomplete head gets 408: {slow}")

        def logged():
            lines = access_lines()
            wanted = ['"GET /bad HTTP/1.1" 400', '"GET /many HTTP/1.1" 431', '"-" 400', '"GET /slow" 408']
            return all(any(text in line for line in lines) for text in wanted)
        wait_for(logged, 3, f"access-log lines for the 400, 431, TLS 400 and 408 (have: {access_lines()[-6:]})")
    cases.run("refused requests get access-log lines (status and the request line as far as known)",
              refused_requests_logged)


# ---- a HUP that changes the binds ----

def rebind_cases(cases, binary, workdir, servers):
    def rebind_on_hup():
        project = os.path.join(workdir, "rebind")
        os.makedirs(project)
        shutil.copy(os.path.join(APPS_DIR, f"{ops_module}.py"), project)
        first_port, second_port = free_port(), free_port()
        dropped = os.path.join(project, "dropped.sock")
        config = os.path.join(project, "deployctl.toml")

        def write_config(binds):
            with open(config, "w") as f:
                f.write(f'[serve]\napp = "{ops_module}:application"\nworkers = 1\nno-static = true\n'
                        f"bind = {json.dumps(binds)}\n")
        write_config([f"127.0.0.1:{first_port}", f"unix:{dropped}"])
        server = launch(servers, workdir, [binary, "serve", "--chdir", project], cwd=project)
        server.wait_ready(count=2)
        expect_equal(get(first_port, "/").status, 200, "served on the first port")
        expect(os.path.exists(dropped), "the unix socket exists")
        write_config([f"127.0.0.1:{second_port}", f"127.0.0.1:{first_port}"])
        server.send(signal.SIGHUP)
        addresses = server.wait_ready(count=4)[-2:]
        expect_equal(addresses, [f"http://127.0.0.1:{second_port}", f"http://127.0.0.1:{first_port}"],
                     "after HUP the readiness lines name the new binds")
        expect_equal(get(second_port, "/").status, 200, "served on the new port")
        expect_equal(get(first_port, "/").status, 200, "still served on the kept port")
        expect(not os.path.exists(dropped), "the dropped unix socket's file is removed")
        write_config([f"127.0.0.1:{second_port}"])
        server.send(signal.SIGHUP)
        server.wait_ready(count=5)
        wait_for(lambda: refused(first_port), 10, f"port {first_port}, no longer configured, refuses connections")
        expect_equal(get(second_port, "/").status, 200, "served on the remaining port")
        expect_equal(server.stop(), 0, "exit code after TERM")
    cases.run("HUP with changed binds in deployctl.toml: new ones opened, kept ones kept, dropped ones closed",
              rebind_on_hup)


def main(argv):
    global ops_module
    binary = os.path.abspath(argv[1])
    interface = interface_choice(argv)
    ops_module = OPS_APPS[interface]
    servers = []

    def body(cases, workdir):
        unix_socket_cases(cases, binary, workdir, servers)
        inherited_socket_cases(cases, binary, workdir, servers)
        notify_and_metrics_cases(cases, binary, workdir, servers)
        limits_cases(cases, binary, workdir, servers)
        rebind_cases(cases, binary, workdir, servers)

    run_suite(f"serve_ops ({interface})", body, servers)


if __name__ == "__main__":
    main(sys.argv)
