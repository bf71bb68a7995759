#!/usr/bin/python3
# --reload: a changed .py file under --chdir reloads the master (a re-exec, as on HUP), and the new code answers,
# once per change.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import clean_env, expect, get, run_suite, server_choice, start, wait_for  # noqa: E402

APP = """\
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"%s"]
"""


def write(path, text, stamp):
    with open(path, "w") as f:
        f.write(text)
    os.utime(path, (stamp, stamp))  # a distinct mtime, whatever the file system's clock granularity


def answer(port):
    response = get(port, "/")
    return response.body if response is not None and response.status == 200 else None


def main(argv):
    binary, _ = server_choice(argv)
    servers = []

    def body(cases, workdir):
        project = os.path.join(workdir, "project")
        os.makedirs(project)
        write(os.path.join(project, "reload_app.py"), APP % "one", 1_000_000)
        server = start("deployctl", binary, "reload_app:application", project, ["--workers", "1", "--reload"],
                       clean_env(), workdir)
        servers.append(server)

        def reloads_on_change():
            expect(answer(server.port) == b"one", "the first code answers")
            write(os.path.join(project, "reload_app.py"), APP % "two", 2_000_000)
            wait_for(lambda: answer(server.port) == b"two", 20, "the changed code answers after the reload")
            log = server.error_log()
            expect(log.count("Source changed under") == 1, f"one reload for one change:\n{log[-2000:]}")
            server.expect_alive()
        cases.run("--reload: a changed .py file reloads the master and the new code answers", reloads_on_change)

    run_suite("serve_source_reload", body, servers)


if __name__ == "__main__":
    main(sys.argv)
