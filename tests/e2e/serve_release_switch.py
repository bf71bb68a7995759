#!/usr/bin/python3
# HUP follows a switched release symlink (issue 11): two releases, `current` pointing at the first, the server
# started with its working directory in `current`; under load, `current` is switched atomically (a rename over
# it) and the master gets HUP; the second release must answer, with no failed request. Started twice: as a
# shell starts it (PWD=.../current, no --chdir) and as the rendered systemd unit does (no PWD, --chdir current).
# `--interface asgi` makes the releases ASGI apps (issue 14).
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (Server, clean_env, expect, get, interface_choice, run_suite, server_choice,  # noqa: E402
                          wait_for)
from serve_process import Load  # noqa: E402

RELEASE_APP = """\
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"%s"]
"""
# `--interface asgi`: the same release as an ASGI app (issue 14).
RELEASE_ASGI_APP = """\
async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"%s"})
"""


def make_releases(root, source):
    for name in ("r1", "r2"):
        os.makedirs(os.path.join(root, "releases", name))
        with open(os.path.join(root, "releases", name, "release_app.py"), "w") as f:
            f.write(source % name)
    os.symlink(os.path.join("releases", "r1"), os.path.join(root, "current"))


def switch(root, name):
    """What a deploy does: a new link beside the old one, renamed over it (one atomic step for readers)."""
    staged = os.path.join(root, "current.new")
    os.symlink(os.path.join("releases", name), staged)
    os.rename(staged, os.path.join(root, "current"))


def answer(port):
    response = get(port, "/")
    return response.body if response is not None and response.status == 200 else None


def main(argv):
    binary, _ = server_choice(argv)
    interface = interface_choice(argv)
    servers = []

    def body(cases, workdir):
        def follow(label, with_pwd):
            root = os.path.join(workdir, label)
            make_releases(root, RELEASE_ASGI_APP if interface == "asgi" else RELEASE_APP)
            current = os.path.join(root, "current")
            args = [binary, "serve", "release_app:application", "--bind", "127.0.0.1:0", "--workers", "2",
                    "--graceful-timeout", "10"]
            env = clean_env()
            if with_pwd:
                env["PWD"] = current
            else:
                args += ["--chdir", "current"]
                current = root  # the unit's WorkingDirectory; the link is named by --chdir
            server = Server("deployctl", args, current, env, workdir)
            servers.append(server)
            server.wait_ready()
            expect(answer(server.port) == b"r1", "the first release answers before the switch")
            load = Load(server.port, path="/")
            wait_for(lambda: load.ok > 10, 10, "the load is answered before the switch")
            switch(root, "r2")
            server.send(signal.SIGHUP)
            wait_for(lambda: answer(server.port) == b"r2", 20, "the second release answers after HUP")
            settled = load.ok
            wait_for(lambda: load.ok > settled + 10, 10, "the load is answered after the switch")
            load.stop()
            expect(not load.failures, f"no failed request across the switch: {load.summary()}: {load.failures[:5]}")
            expect(load.bodies <= {b"r1", b"r2"}, f"only the two releases answered: {load.bodies}")
            server.expect_alive()
            server.stop()

        cases.run("PWD names the link, no --chdir (a shell): HUP serves the new release", follow, "shell", True)
        cases.run("no PWD, --chdir names the link (systemd): HUP serves the new release", follow, "unit", False)

    run_suite(f"serve_release_switch ({interface})", body, servers)


if __name__ == "__main__":
    main(sys.argv)
