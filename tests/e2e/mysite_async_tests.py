#!/usr/bin/python3
# Runs the example project's own async tests (share/examples/mysite/tests: pytest, pytest-asyncio, httpx's
# AsyncClient) on a migrated copy of the project, in one of two ways:
#   mysite_async_tests.py --in-process         through httpx's ASGI transport, no server
#   mysite_async_tests.py -- SERVER ARGS...    against a server started from the project's directory, where
#                                              every "{port}" in ARGS becomes a free port of 127.0.0.1; polled
#                                              until it answers, stopped after the tests
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import (PYTHON, SKIP, Failure, Server, clean_env, expect, free_port, get, mysite_copy,  # noqa: E402
                          run_suite, wait_for)

READY_TIMEOUT = 15  # s for a server to answer its first request
PYTEST_TIMEOUT = 120


def require_test_modules():
    for module in ("pytest", "pytest_asyncio", "httpx"):
        done = subprocess.run([PYTHON, "-c", f"import {module}"], capture_output=True)
        if done.returncode != 0:
            print(f"SKIP: {PYTHON} cannot import {module} (scripts/install-deps test)", file=sys.stderr)
            sys.exit(SKIP)


def answering(server, port):
    """Any HTTP answer means the server is up (whether it is the right one is the tests' business)."""
    if server.proc.poll() is not None:
        raise Failure(f"{server.args[0]} exited with code {server.proc.returncode} before it answered")
    try:
        return get(port, "/api/health/", timeout=1) is not None
    except OSError:
        return False


def run_pytest(project, env, workdir):
    done = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp",
                           os.path.join(workdir, "pytest")], cwd=project, env=env, capture_output=True, text=True,
                          timeout=PYTEST_TIMEOUT)
    print(done.stdout + done.stderr, flush=True)
    expect(done.returncode == 0, f"pytest exited with {done.returncode}")


def main(argv):
    if argv[1:] == ["--in-process"]:
        server_args = None
    elif len(argv) > 2 and argv[1] == "--":
        server_args = argv[2:]
    else:
        print("usage: mysite_async_tests.py --in-process | -- SERVER ARGS... ({port} in ARGS)", file=sys.stderr)
        return 2
    require_test_modules()
    servers = []

    def body(cases, workdir):
        project, env = mysite_copy(workdir)
        if server_args is None:
            # The conftest makes its own database and names the test client's host: nothing of the server's env.
            cases.run("pytest, in-process", run_pytest, project, clean_env(), workdir)
            return
        port = free_port()
        args = [arg.replace("{port}", str(port)) for arg in server_args]
        servers.append(Server("server", args, project, env, workdir))
        wait_for(lambda: answering(servers[0], port), READY_TIMEOUT, f"{' '.join(args)} answering on port {port}")
        cases.run(f"pytest, against {' '.join(args)}", run_pytest, project,
                  dict(env, MYSITE_BASE_URL=f"http://127.0.0.1:{port}"), workdir)

    run_suite("mysite_async_tests", body, servers)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
