# Shared by the serve_*.py end-to-end scripts: start `deployctl serve` (or gunicorn, the reference) on a free
# port, wait for its readiness line, speak raw HTTP to it, and always take the whole process group down.
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import SKIP, clean_env  # noqa: E402,F401

E2E_DIR = os.path.dirname(os.path.abspath(__file__))
APPS_DIR = os.path.join(E2E_DIR, "serve_apps")
REPO_ROOT = os.path.dirname(os.path.dirname(E2E_DIR))
MYSITE = os.path.join(REPO_ROOT, "share", "examples", "mysite")
PYTHON = "/usr/bin/python3"  # Debian's, the one with Django
GUNICORN = "/usr/bin/gunicorn"

READY_DEPLOYCTL = re.compile(r"deployctl serve: listening on http://127\.0\.0\.1:(\d+) \((\d+) workers?\)")
READY_GUNICORN = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+) ")
READY_UVICORN = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+) ")
READY = {"deployctl": READY_DEPLOYCTL, "gunicorn": READY_GUNICORN, "uvicorn": READY_UVICORN}
SERVER_START_TIMEOUT = 15


def _die_with_parent():
    """In the server's child before exec: the kernel kills it if the test process dies, even by SIGKILL."""
    import ctypes
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _terminated(signum, frame):
    raise SystemExit(f"terminated by signal {signum}")  # so that every finally stops its servers


signal.signal(signal.SIGTERM, _terminated)


class Failure(Exception):
    """An assertion of a suite failed; main() prints it with the server's logs."""


def expect(condition, message):
    if not condition:
        raise Failure(message)


def wait_for(condition, timeout, what):
    """Polls `condition` until it returns something true (and returns that) or fails with "<what> within N s"."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise Failure(f"{what} within {timeout} s")


class InFlight:
    """The requests the test apps are inside right now (serve_apps/in_flight.py marks them in a directory given by
    SERVE_TEST_IN_FLIGHT): a test that must signal the server with requests in flight waits for them here."""

    def __init__(self, workdir):
        self.directory = tempfile.mkdtemp(prefix="in-flight-", dir=workdir)
        self.env = {"SERVE_TEST_IN_FLIGHT": self.directory}

    def count(self):
        return len(os.listdir(self.directory))

    def wait(self, count, timeout=10):
        wait_for(lambda: self.count() >= count, timeout, f"{count} requests inside the app (now {self.count()})")


def expect_equal(actual, expected, what):
    if actual != expected:
        raise Failure(f"{what}: expected {expected!r}, got {actual!r}")


def server_choice(argv):
    """argv[1] is the deployctl binary (as ctest passes it); `--against gunicorn` runs a suite against the
    reference instead, to prove the harness where the behaviour is shared."""
    binary = os.path.abspath(argv[1])
    against = "deployctl"
    if "--against" in argv:
        against = argv[argv.index("--against") + 1]
    return binary, against


# The apps of the suites that run against both interfaces (`--interface asgi` on their command line).
ECHO_APPS = {"wsgi": "echo:application", "asgi": "echo_asgi:application"}


def interface_choice(argv):
    """'wsgi' (the default) or 'asgi': which of ECHO_APPS a suite serves, as ctest's .asgi variants pass it."""
    return argv[argv.index("--interface") + 1] if "--interface" in argv else "wsgi"


def require_tool(path):
    if not shutil.which(path):
        print(f"SKIP: {path} is not installed", file=sys.stderr)
        sys.exit(SKIP)


def serve_help(binary):
    """`deployctl serve --help`, to tell a flag that is missing from one that misbehaves."""
    done = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True, timeout=20, env=clean_env())
    return done.stdout + done.stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One server process in its own process group; stderr (the error log) goes to a file we can read at any
    time without the pipe ever filling up."""

    def __init__(self, kind, args, cwd, env, workdir):
        self.kind = kind
        self.args = args
        self.log_path = os.path.join(workdir, f"{kind}-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w+b")
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, start_new_session=True, preexec_fn=_die_with_parent)
        self.port = None
        self.stopped_code = None

    @property
    def pid(self):
        return self.proc.pid

    def error_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_ready(self, timeout=SERVER_START_TIMEOUT):
        pattern = READY[self.kind]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = pattern.search(self.error_log())
            if match:
                self.port = int(match.group(1))
                if self.kind == "gunicorn":  # it logs "Listening" before its workers have booted
                    wait_for(lambda: self.error_log().count("Booting worker with pid") >= self.workers(), timeout,
                             f"gunicorn's {self.workers()} workers booting")
                return self
            code = self.proc.poll()
            if code is not None:
                raise Failure(f"{self.kind} exited with {describe_exit(code)} before it was ready")
            time.sleep(0.02)
        raise Failure(f"{self.kind} printed no readiness line within {timeout} s")

    def workers(self):
        """The --workers given on the command line (gunicorn's default 1 otherwise)."""
        flags = self.args
        return next((int(flags[i + 1]) for i in range(len(flags) - 1) if flags[i] in ("--workers", "-w")), 1)

    def expect_alive(self):
        code = self.proc.poll()
        expect(code is None, f"{self.kind} is still running (it exited with {describe_exit(code)})")

    def send(self, signum):
        os.kill(self.proc.pid, signum)

    def stop(self, signum=signal.SIGTERM, timeout=10):
        """Asks the master to stop; kills the whole group if it does not within `timeout`. Returns the exit code
        (negative: died from that signal)."""
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signum)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise Failure(f"{self.kind} did not stop within {timeout} s of signal {signum}")
        self.kill()  # stray workers of a master that died
        self.stopped_code = self.proc.returncode
        return self.proc.returncode

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.log.close()

    def children(self):
        """Worker pids: the master's direct children, from the process tree."""
        pids = []
        for task in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                with open(f"/proc/{self.proc.pid}/task/{task}/children") as f:
                    pids += [int(pid) for pid in f.read().split()]
            except FileNotFoundError:
                pass
        return sorted(pids)


def describe_exit(code):
    if code is None:
        return "nothing (still running)"
    if code < 0:
        return f"signal {-code} ({signal.Signals(-code).name})"
    return f"exit code {code}"


def start(kind, binary, app, cwd, flags=(), env=None, workdir=None, bind_port=0):
    """Starts deployctl serve or gunicorn with the same gunicorn-named flags (or uvicorn, the ASGI reference, with
    its own flags) and waits until it listens. `flags` that only deployctl knows must be passed by the caller only
    when kind == 'deployctl'."""
    env = env or clean_env()
    if kind == "deployctl":
        args = [binary, "serve", app, "--chdir", cwd, "--bind", f"127.0.0.1:{bind_port}", *flags]
    elif kind == "gunicorn":
        require_tool(GUNICORN)
        # gunicorn prints the port it was given, not the one the kernel chose: pick a free one ourselves.
        port = bind_port or free_port()
        args = [PYTHON, GUNICORN, app, "--chdir", cwd, "--bind", f"127.0.0.1:{port}", *flags]
    elif kind == "uvicorn":  # Debian's python3-uvicorn; it imports the app from its working directory
        port = bind_port or free_port()
        args = [PYTHON, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), *flags]
    else:
        raise ValueError(kind)
    server = Server(kind, args, cwd, env, workdir or tempfile.gettempdir())
    try:
        return server.wait_ready()
    except BaseException:
        server.kill()
        raise


class Cases:
    """Runs a suite's cases one after another and keeps every failure, so that one report lists them all."""

    def __init__(self):
        self.failures = []
        self.passed = []

    def run(self, name, function, *args):
        try:
            function(*args)
        except Failure as error:
            self.failures.append(f"{name}: {error}")
        except (OSError, TimeoutError, ValueError) as error:
            self.failures.append(f"{name}: {type(error).__name__}: {error}")
        else:
            self.passed.append(name)
            print(f"ok: {name}", flush=True)
            return
        print(f"FAIL: {self.failures[-1]}", flush=True)


def run_suite(name, body, servers):
    """Runs `body(cases, workdir)` in a fresh temp dir and prints a verdict per case; on failure prints every
    server's command line and the tail of its error log, and keeps the temp dir. `servers` is a list the body
    appends its Server objects to; every one is stopped in the end, and one that died from a signal fails."""
    cases = Cases()
    workdir = tempfile.mkdtemp(prefix="deployctl-serve-e2e-")
    try:
        body(cases, workdir)
    except Failure as error:
        cases.failures.append(f"setup: {error}")
    except (OSError, TimeoutError) as error:
        cases.failures.append(f"setup: {type(error).__name__}: {error}")
    finally:
        for server in servers:
            if server.stopped_code is None:
                try:
                    server.stop()
                except Failure as error:
                    cases.failures.append(f"stop: {error}")
            if server.stopped_code is not None and server.stopped_code < 0:
                cases.failures.append(f"stop: {server.kind} died from {describe_exit(server.stopped_code)}")
    if cases.failures:
        for server in servers:
            print(f"--- {server.kind}: {' '.join(server.args)} ({describe_exit(server.stopped_code)})\n"
                  f"{tail(server.error_log())}", file=sys.stderr)
        for failure in cases.failures:
            print(f"FAIL: {name}: {failure}", file=sys.stderr)
        print(f"(logs and files kept in {workdir})", file=sys.stderr)
        sys.exit(1)
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"PASS: {name} ({len(cases.passed)} cases)")


def tail(text, lines=60):
    return "\n".join(text.splitlines()[-lines:])


# ---- raw HTTP: the client side, with nothing normalized away ----

def send_while_read(sock, size, sent=0, block_size=256 * 1024):
    """Sends up to `size` body bytes on `sock` (`sent` already gone) while the peer reads them: stops when the socket
    stays unwritable for 2 s, as it does once the server stops reading. Returns the bytes sent; leaves the socket
    blocking with a 30 s timeout."""
    block = b"b" * block_size
    sock.setblocking(False)
    while sent < size:
        try:
            sent += sock.send(block[:min(len(block), size - sent)])
        except BlockingIOError:
            # A server that reads on makes the socket writable again at once; one that stopped never does.
            if not select.select([], [sock], [], 2)[1]:
                break
    sock.setblocking(True)
    sock.settimeout(30)
    return sent


def connect(port, timeout=5):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.settimeout(timeout)
    return sock


class Response:
    def __init__(self, version, status, reason, headers, body, complete):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers  # [(name, value)] in wire order, names as sent
        self.body = body
        self.complete = complete  # False: the connection ended before the framing said the body was over

    def header(self, name):
        values = self.all(name)
        return values[0] if values else None

    def all(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def __repr__(self):
        return f"<{self.status} {self.reason} {self.headers} {self.body[:200]!r}>"


class Reader:
    """Reads responses one after another from a socket (pipelining), keeping bytes that belong to the next."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""
        self.eof = False

    def _fill(self):
        if self.eof:
            return False
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            data = b""
        if not data:
            self.eof = True
            return False
        self.buffer += data
        return True

    def _line(self):
        while b"\r\n" not in self.buffer:
            if not self._fill():
                return None
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _exactly(self, size):
        while len(self.buffer) < size:
            if not self._fill():
                data, self.buffer = self.buffer, b""
                return data, False
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data, True

    def read_response(self, head=False):
        """The next response, or None if the connection closed before a status line."""
        line = self._line()
        while line == b"":  # tolerate stray CRLF
            line = self._line()
        if line is None:
            return None
        version, _, rest = line.decode("latin-1").partition(" ")
        status_text, _, reason = rest.partition(" ")
        headers = []
        while True:
            line = self._line()
            if line is None:
                return Response(version, int(status_text), reason, headers, b"", False)
            if line == b"":
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name, value.strip()))
        status = int(status_text)
        response = Response(version, status, reason, headers, b"", True)
        if 100 <= status < 200:
            return response
        if head or status in (204, 304):
            return response
        names = {name.lower(): value for name, value in headers}
        if "chunked" in names.get("transfer-encoding", "").lower():
            body = b""
            while True:
                size_line = self._line()
                if size_line is None:
                    response.body, response.complete = body, False
                    return response
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    while True:  # trailers
                        trailer = self._line()
                        if trailer is None:
                            response.complete = False
                            break
                        if trailer == b"":
                            break
                    response.body = body
                    return response
                chunk, ok = self._exactly(size + 2)
                body += chunk[:size]
                if not ok:
                    response.body, response.complete = body, False
                    return response
        elif "content-length" in names:
            response.body, response.complete = self._exactly(int(names["content-length"]))
        else:
            while self._fill():
                pass
            response.body, self.buffer = self.buffer, b""
        return response

    def closed_by_peer(self, timeout=3):
        """True when the server closes the connection (EOF or reset) within `timeout` with nothing more sent."""
        self.sock.settimeout(timeout)
        try:
            while self._fill():
                pass
        except socket.timeout:
            return False
        return self.eof


def exchange(port, raw, head=False, timeout=5):
    """Sends raw bytes on a fresh connection and reads one response (None if closed without one)."""
    with connect(port, timeout) as sock:
        sock.sendall(raw)
        return Reader(sock).read_response(head=head)


def get(port, path, headers=(), method="GET", body=b"", timeout=5):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    return exchange(port, raw, head=(method == "HEAD"), timeout=timeout)


# ---- the example Django project, copied so that parallel runs share nothing ----

def mysite_env(project, **extra):
    return clean_env(DJANGO_SECRET_KEY="e2e-serve-not-a-secret-" + "x" * 40,
                     DJANGO_ALLOWED_HOSTS="localhost,127.0.0.1",
                     DATABASE_URL=f"sqlite:///{project}/db.sqlite3",
                     DJANGO_SETTINGS_MODULE="mysite.settings.production",
                     DJANGO_LOG_LEVEL="WARNING", **extra)


PREPARE = """
import os, sys
import django
from django.core.management import call_command
django.setup()
call_command("migrate", interactive=False, verbosity=0)
if os.environ.get("E2E_COLLECTSTATIC"):
    call_command("collectstatic", interactive=False, verbosity=0)
if os.environ.get("E2E_SUPERUSER"):
    from django.contrib.auth import get_user_model
    get_user_model().objects.create_superuser(os.environ["E2E_SUPERUSER"], "admin@example.com",
                                              os.environ["E2E_SUPERUSER_PASSWORD"])
"""


def mysite_copy(workdir, collectstatic=False, superuser=None):
    """A migrated copy of share/examples/mysite in `workdir` (plus collected static files, plus a superuser
    (name, password)); returns (project_dir, env). One interpreter does it all: start-up is the slow part."""
    project = os.path.join(workdir, "mysite")
    shutil.copytree(MYSITE, project, ignore=shutil.ignore_patterns(
        "db.sqlite3", "staticfiles", "media", "*.log", "__pycache__"))
    os.makedirs(os.path.join(project, "logs"), exist_ok=True)
    env = mysite_env(project)
    extra = {"E2E_COLLECTSTATIC": "1" if collectstatic else ""}
    if superuser:
        extra.update(E2E_SUPERUSER=superuser[0], E2E_SUPERUSER_PASSWORD=superuser[1])
    done = subprocess.run([PYTHON, "-c", PREPARE], cwd=project, env=dict(env, **extra), capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0:
        raise Failure(f"preparing the example project failed:\n{done.stdout}\n{done.stderr}")
    return project, env
