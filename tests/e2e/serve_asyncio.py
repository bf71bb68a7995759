#!/usr/bin/python3
# The asyncio that `deployctl serve` workers run (issue 14's pitfall): the statically linked interpreter must load
# Debian's separate _asyncio extension, so that asyncio.Task and asyncio.Future are the C ones (the pure-Python
# fallback doubles a task's cost), on the worker's thread and on --threads' threads; and uvloop (python3-uvloop)
# must import and run a loop there. The same probe under /usr/bin/python3 is the reference.
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_common import APPS_DIR, PYTHON, expect, expect_equal, get, run_suite, start  # noqa: E402

APP = "asyncio_probe:application"


def reference():
    """The probe as Debian's python3 answers it: what every worker must answer too."""
    code = "import asyncio_probe, json; print(json.dumps(asyncio_probe.probe()))"
    return json.loads(subprocess.run([PYTHON, "-c", code], cwd=APPS_DIR, check=True, capture_output=True,
                                     text=True).stdout)


def check_probe(port, expected):
    response = get(port, "/")
    expect(response is not None and response.status == 200, f"the probe answers 200: {response}")
    found = json.loads(response.body)
    expect(isinstance(expected.get("uvloop"), dict),
           f"python3-uvloop runs under /usr/bin/python3 (scripts/install-deps test): {expected.get('uvloop')}")
    expect_equal(found.get("c_module"), expected["c_module"], "where _asyncio is loaded from")
    for key in ("task_is_c", "future_is_c", "running_loop_is_c"):
        expect_equal(found.get(key), True, key)
    expect_equal(found["asyncio_loop"], {"task": "_asyncio.Task", "future": "_asyncio.Future", "result": 42},
                 "a Task and a Future on asyncio's own loop")
    expect_equal(found["uvloop"], expected["uvloop"], "uvloop's loop")


def main(argv):
    binary = os.path.abspath(argv[1])
    servers = []

    def body(cases, workdir):
        expected = reference()
        for name, flags in (("worker's thread", ()), ("threads of --threads 2", ("--threads", "2"))):
            servers.append(start("deployctl", binary, APP, APPS_DIR, flags=flags, workdir=workdir))
            cases.run(f"C asyncio and uvloop on the {name}", check_probe, servers[-1].port, expected)
            servers[-1].stop()

    run_suite("serve_asyncio", body, servers)


if __name__ == "__main__":
    main(sys.argv)
