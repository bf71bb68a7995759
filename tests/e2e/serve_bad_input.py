#!/usr/bin/python3
# `deployctl serve` refusing to start, each cause with its own message and exit 2, before it binds anything: an
# app module that cannot be imported (its traceback printed), a missing attribute, a callable that is not
# callable, a port in use, a privileged port without the right to bind it. And --reload, the development mode:
# a changed source file restarts the server on its own.
# `--interface asgi` runs the cases that start an app with an ASGI one (issue 14).
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (Failure, clean_env, expect, expect_equal, get, interface_choice, run_suite,  # noqa: E402
                          server_choice, start, wait_for)

APPS = {
    "broken.py": "import deployctl_no_such_module_anywhere\napplication = None\n",
    "notcallable.py": "application = 'a string, not an app'\n",
    "versioned.py": (
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'v1']\n"),
}
# `--interface asgi` serves versioned.py as an ASGI app (issue 14), for the cases that start one.
VERSIONED_ASGI = (
    "async def application(scope, receive, send):\n"
    "    if scope['type'] != 'http':\n"
    "        return\n"
    "    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/plain')]})\n"
    "    await send({'type': 'http.response.body', 'body': b'v1'})\n")


@contextlib.contextmanager
def occupied_port():
    """A port some other program listens on, for as long as the block runs."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def refused(binary, app, cwd, bind, env=None, prefix=()):
    """Runs `deployctl serve` that must refuse to start: (exit code, error log)."""
    args = [*prefix, binary, "serve", app, "--chdir", cwd, "--bind", bind]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=30, env=env or clean_env())
    except subprocess.TimeoutExpired:
        raise Failure(f"`{' '.join(args)}` still runs after 30 s instead of refusing to start")
    expect("listening on" not in done.stderr, f"it never listens: {done.stderr[-800:]}")
    return done.returncode, done.stderr


def main(argv):
    binary, against = server_choice(argv)
    interface = interface_choice(argv)
    if interface == "asgi":
        APPS["versioned.py"] = VERSIONED_ASGI
    if against != "deployctl":
        print("serve_bad_input checks deployctl's own messages; nothing to run against " + against)
        return
    servers = []

    def body(cases, workdir):
        apps = os.path.join(workdir, "apps")
        os.mkdir(apps)
        for name, text in APPS.items():
            with open(os.path.join(apps, name), "w") as f:
                f.write(text)

        def import_error_before_binding():
            # The port is taken: had deployctl bound before importing, it would report the port, not the import.
            with occupied_port() as port:
                code, log = refused(binary, "broken:application", apps, f"127.0.0.1:{port}")
            expect_equal(code, 2, "exit code of an app that cannot be imported")
            expect("Traceback (most recent call last)" in log and "broken.py\", line 1" in log,
                   f"the import's traceback is printed: {log[-800:]}")
            expect("cannot import the app module 'broken'" in log and "deployctl_no_such_module_anywhere" in log,
                   f"the message names the module and the missing import: {log[-800:]}")
            expect("in use" not in log, f"the app is imported before anything binds: {log[-800:]}")

        def missing_attribute():
            code, log = refused(binary, "notcallable:app", apps, "127.0.0.1:0")
            expect_equal(code, 2, "exit code of a missing callable")
            expect("the app module 'notcallable' has no attribute 'app'" in log, f"the message: {log[-600:]}")

        def not_callable():
            code, log = refused(binary, "notcallable:application", apps, "127.0.0.1:0")
            expect_equal(code, 2, "exit code of a callable that is not callable")
            expect("'notcallable:application' is not callable (it is str)" in log, f"the message: {log[-600:]}")

        def port_in_use():
            with occupied_port() as port:
                code, log = refused(binary, "versioned:application", apps, f"127.0.0.1:{port}")
            expect_equal(code, 2, "exit code of a port in use")
            expect(f"cannot listen on 127.0.0.1:{port}: the address is already in use" in log,
                   f"the message names the address: {log[-600:]}")

        def privileged_port_without_rights():
            # As root (CI is), drop to nobody for this one run, as a service without CAP_NET_BIND_SERVICE is.
            with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as f:
                unprivileged_from = int(f.read())
            setpriv = shutil.which("setpriv")
            if os.geteuid() != 0 or not setpriv or unprivileged_from <= 81:
                print(f"skipped: privileged port (euid {os.geteuid()}, setpriv {setpriv}, "
                      f"ip_unprivileged_port_start {unprivileged_from})")
                return
            readable = tempfile.mkdtemp(prefix="deployctl-nobody-")
            os.chmod(readable, 0o755)
            shutil.copy(os.path.join(apps, "versioned.py"), readable)
            os.chmod(os.path.join(readable, "versioned.py"), 0o644)
            try:
                prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
                probe = subprocess.run([*prefix, binary, "--version"], capture_output=True, text=True, timeout=20)
                if probe.returncode != 0:
                    print(f"skipped: privileged port (nobody cannot run {binary}: {probe.stderr.strip()})")
                    return
                env = clean_env(HOME=readable)
                code, log = refused(binary, "versioned:application", readable, "127.0.0.1:81", env, prefix)
            finally:
                shutil.rmtree(readable, ignore_errors=True)
            expect_equal(code, 2, "exit code of a privileged port without rights")
            expect("cannot listen on 127.0.0.1:81: permission denied" in log and "CAP_NET_BIND_SERVICE" in log,
                   f"the message says why and what to do: {log[-600:]}")

        def reload_on_source_change():
            served = os.path.join(workdir, "reloading")
            os.mkdir(served)
            source = os.path.join(served, "versioned.py")
            shutil.copy(os.path.join(apps, "versioned.py"), source)
            server = start("deployctl", binary, "versioned:application", served, flags=["--reload"],
                           workdir=workdir)
            servers.append(server)
            expect_equal(get(server.port, "/").body, b"v1", "the first version answers")
            with open(source) as f:
                text = f.read()
            with open(source, "w") as f:
                f.write(text.replace("b'v1'", "b'v2'"))
            stamp = time.time() + 2  # a later mtime even on filesystems with coarse timestamps
            os.utime(source, (stamp, stamp))

            def second_version():
                try:
                    response = get(server.port, "/", timeout=2)
                except OSError:
                    return None  # the re-executed master takes over the same socket; a refused try is retried
                return response is not None and response.body == b"v2"
            wait_for(second_version, 15, "the changed source is served after --reload restarts")
            server.expect_alive()

        if interface == "wsgi":  # refused before an interface is found: the same for an ASGI app, run once
            cases.run("an app that cannot be imported: its traceback, exit 2, before binding",
                      import_error_before_binding)
            cases.run("a missing callable: exit 2 naming the attribute", missing_attribute)
            cases.run("a callable that is not callable: exit 2 naming its type", not_callable)
        cases.run("a port in use: exit 2 naming the address", port_in_use)
        cases.run("a privileged port without rights: exit 2 saying what to do", privileged_port_without_rights)
        cases.run("--reload serves a changed source without a restart by hand", reload_on_source_change)

    run_suite(f"serve_bad_input ({interface})", body, servers)


if __name__ == "__main__":
    main(sys.argv)
